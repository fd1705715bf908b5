import Foundation
import WorkflowCore

/// A registry's runs as a `RunSource`, in-process: the runs list of `flowtop otel` over the traced runs its own
/// receiver feeds, with no HTTP in between. The feed is looked at as the server's feed route looks (`RunFeedLooks`
/// on the registry's wake-ups), and a run's events are read from its buffer as a watcher would.
public struct RegistryRunSource: RunSource {
    public let label: String
    private let registry: RunRegistry
    private let interval: Duration
    /// Why the runs stopped coming (the receiver could not listen), asked when the feed closes.
    private let failure: @Sendable () -> String?

    public init(
        registry: RunRegistry, label: String, interval: Duration = .milliseconds(250),
        failure: @escaping @Sendable () -> String? = { nil }
    ) {
        self.registry = registry
        self.label = label
        self.interval = interval
        self.failure = failure
    }

    public func feed(
        onEvent: @escaping @Sendable (RunFeedEvent) -> Void, onConnection: @escaping @Sendable (ConnectionState) -> Void
    ) async {
        let (wakeups, watcher) = registry.feed.watch()
        defer { registry.feed.unwatch(watcher) }
        var looks = RunFeedLooks(interval: interval)
        onConnection(.live)
        onEvent(looks.snapshot(registry.records()))
        for await _ in wakeups {
            for event in looks.changes(registry.records(), at: .now) { onEvent(event) }
        }
        if !Task.isCancelled {
            for event in looks.changes(registry.records(), at: .now) { onEvent(event) }
            onConnection(failure().map(ConnectionState.closed) ?? .ended)
        }
    }

    public func events(
        ofRun id: String, onEvent: @escaping @Sendable (WorkflowEvent) -> Void,
        onConnection: @escaping @Sendable (ConnectionState) -> Void
    ) async {
        guard let record = registry.run(id: id) else {
            onConnection(.closed("no run \(id) (it may have been let go)"))
            return
        }
        onConnection(.live)
        let (signals, watcher) = record.watch(after: 0)
        defer { record.unwatch(watcher) }
        var wakeups = signals.makeAsyncIterator()
        var cursor = 0
        while !Task.isCancelled {
            let (batch, ended) = record.events(after: cursor, limit: EventStreamWriter.batchLimit, watcher: watcher)
            if let last = batch.last {
                for event in batch { onEvent(event) }
                cursor = last.sequence
                if last.isTerminal { break }
                continue
            }
            if ended { break }
            if await wakeups.next() == nil { break }
        }
        onConnection(.ended)
    }
}

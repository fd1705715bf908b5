import Foundation
import RunStore
import Synchronization
import WorkflowCore

/// One run's shared state: its events so far (a bounded buffer), its watchers, and how to stop it. The run's task
/// writes events here; each HTTP stream that watches it (the one that started it and any `GET .../events`) reads
/// them through its own `AsyncStream`. The stream that started the run paces it (`FlowGate`): when that client
/// falls far behind, the run's models wait. Other watchers never hold up the run or each other.
public final class RunRecord: Sendable {
    /// How far the run got (`RunState`, which the runs feed and `flowtop top` share).
    public typealias State = RunState

    /// Where a run's events come from: a workflow this server runs, or spans an app exports over OTLP (a traced run:
    /// nothing here can stop it, its events arrive as its spans do, and it ends when its trace does).
    public enum Source: String, Sendable, Encodable { case workflow, trace }

    public let id: String
    public let workflow: String
    public let started: Date
    /// The run's open requests for a person; the answer route (next) answers through it, first answer wins.
    public let desk: RequestDesk
    /// The AG-UI thread it runs on and where its AG-UI stream stopped at a request (`POST /api/agui` runs).
    let agui = AGUIThread()
    public let source: Source
    /// What the run was asked and on which model (the store keeps them with the run).
    public let prompt: String
    public let model: String?
    let detached: Bool
    /// Where the run's events go to outlive the process (nil: memory only); handed each event without waiting.
    let journal: StoreWriter?
    private let bufferLimit: Int
    private let state: Mutex<Inner>

    private struct Inner {
        /// State, agents, the agent speaking now, tokens, tool calls: what the feed and the store show.
        var progress = RunProgress()
        var state: State { progress.state }
        var rate = EventRate()
        var events: [WorkflowEvent] = []
        var dropped = 0
        var watchers: [Int: AsyncStream<Void>.Continuation] = [:]
        var nextWatcher = 0
        /// The last sequence each live watcher has taken: events after the slowest one are kept past the buffer
        /// limit (up to `hardLimit`), so a client that reads a little slower than the model writes loses nothing.
        var cursors: [Int: Int] = [:]
        var task: Task<Void, Never>?
        /// Why the run was stopped from outside (timeout, shutdown, disconnect): the reason of the run's final
        /// `runCancelled` event.
        var stopReason: String?
        var finished: Date?
        /// The sequence of the last event published.
        var lastSequence = 0
        /// The pacing stream (the one that started the run): its watcher id once it watches, and how far it has
        /// read; the cursor is nil once it stopped reading (then nothing paces the run).
        var pacerWatcher: Int?
        var pacerCursor: Int? = 0
        /// Producers (model streams) waiting for the pacing stream to catch up.
        var waiting: [CheckedContinuation<Void, Never>] = []

        var pacerLag: Int { pacerCursor.map { lastSequence - $0 } ?? 0 }

        /// Takes every waiting producer (to resume once the lock is released).
        mutating func takeWaiting() -> [CheckedContinuation<Void, Never>] {
            defer { waiting.removeAll() }
            return waiting
        }

        /// Takes the waiting producers if the pacing stream is close enough again (or gone).
        mutating func producersToResume() -> [CheckedContinuation<Void, Never>] {
            pacerLag <= RunRecord.resumeLag ? takeWaiting() : []
        }
    }

    /// The pacing stream's lag (events published but not yet taken) at which the run's models wait, and the lag
    /// at which they go on. Far below the buffer, so a paced run never drops events for its own client.
    static let pauseLag = 1_024
    static let resumeLag = 256

    /// Events kept for watchers that have not read them yet; a watcher further behind loses its place.
    private let hardLimit: Int

    init(
        id: String, workflow: String, detached: Bool, bufferLimit: Int, source: Source = .workflow,
        desk: RequestDesk = RequestDesk(), prompt: String = "", model: String? = nil, journal: StoreWriter? = nil,
        resuming stored: StoredRun? = nil
    ) {
        self.desk = desk
        self.prompt = prompt
        self.model = model
        self.journal = journal
        self.id = id
        self.workflow = workflow
        self.detached = detached
        self.source = source
        self.bufferLimit = max(bufferLimit, 4)
        self.hardLimit = max(bufferLimit, 4) * 50
        var inner = Inner()
        if let stored {
            // A run taken up again after its server died: its figures and numbering go on from the store, and
            // nothing paces it (the stream that started it is gone).
            inner.progress = RunProgress(
                state: .running, agents: stored.agents, currentAgent: stored.currentAgent, usage: stored.usage,
                toolCalls: stored.toolCalls)
            inner.dropped = stored.lastSequence
            inner.lastSequence = stored.lastSequence
            inner.pacerCursor = nil
        }
        self.started = stored?.started ?? Date()
        self.state = Mutex(inner)
    }

    /// A snapshot for `GET /api/runs`.
    public struct Summary: Sendable {
        public var id: String
        public var workflow: String
        public var state: State
        public var started: Date
        public var finished: Date?
        public var agents: [String]
        public var events: Int
        public var source: Source
    }

    public var summary: Summary {
        state.withLock {
            Summary(id: id, workflow: workflow, state: $0.state, started: started, finished: $0.finished,
                    agents: $0.progress.agents, events: $0.dropped + $0.events.count, source: source)
        }
    }

    /// The run as the runs feed shows it; `now` (seconds since 1970) for its events/s.
    public func runSummary(now: Double) -> RunSummary {
        state.withLock {
            RunSummary(
                id: id, workflow: workflow, state: $0.state, started: started.timeIntervalSince1970,
                finished: $0.finished?.timeIntervalSince1970, agents: $0.progress.agents,
                currentAgent: $0.progress.currentAgent, usage: $0.progress.usage, toolCalls: $0.progress.toolCalls,
                events: $0.dropped + $0.events.count,
                eventsPerSecond: $0.state == .running ? $0.rate.perSecond(at: now) : 0)
        }
    }

    /// The events still in the buffer, oldest first.
    public var bufferedEvents: [WorkflowEvent] { state.withLock { $0.events } }

    public var isRunning: Bool { state.withLock { $0.state == .running } }

    /// The oldest event still in the buffer (nil before any): a watcher asking for older ones reads the store.
    var firstBufferedSequence: Int? { state.withLock { $0.events.first?.sequence } }

    /// Events published that the stream pacing the run has not taken yet (0 when nothing paces it).
    var pacingLag: Int { state.withLock { $0.pacerLag } }

    func attach(task: Task<Void, Never>) {
        state.withLock { $0.task = task }
    }

    /// Records an event from the run and hands it to every watcher.
    func publish(_ original: WorkflowEvent) {
        var event = original
        let resume = state.withLock { inner -> [CheckedContinuation<Void, Never>] in
            inner.lastSequence = event.sequence
            if case .runCancelled(nil) = event.kind, let reason = inner.stopReason {
                event.kind = .runCancelled(reason: reason)
            }
            inner.progress.apply(event)
            if event.isTerminal { inner.finished = Date() }
            // In the lock, so the store gets each run's events in order; it only queues them.
            journal?.enqueue(event, progress: inner.progress, finished: inner.finished, of: self)
            inner.rate.record(at: event.timestamp)
            inner.events.append(event)
            // Trim in steps of a quarter of the limit: removing from an array's front moves every element, so
            // doing it for each event past the limit would make a long run quadratic.
            if inner.events.count > bufferLimit + bufferLimit / 4, let first = inner.events.first?.sequence {
                let slowest = inner.cursors.values.min() ?? Int.max
                var remove = min(inner.events.count - bufferLimit, max(0, slowest - first + 1))
                if inner.events.count - remove > hardLimit { remove = inner.events.count - bufferLimit }
                if remove >= bufferLimit / 4 {
                    inner.events.removeFirst(remove)
                    inner.dropped += remove
                }
            }
            for continuation in inner.watchers.values { continuation.yield() }
            if event.isTerminal {
                for continuation in inner.watchers.values { continuation.finish() }
                inner.watchers.removeAll()
                // Watchers still reading keep their cursors until they unwatch.
                return inner.takeWaiting()
            }
            return []
        }
        for producer in resume { producer.resume() }
    }

    /// Registers a watcher: its stream wakes it when events arrive (at most one wake-up is kept, so a fast run
    /// costs a slow watcher nothing) and finishes when the run ends. The watcher reads events with
    /// `events(after:limit:)`, so it takes everything that piled up since it last looked in one go.
    /// `paces`: this is the stream of the request that started the run, which paces it.
    func watch(after: Int, paces: Bool = false) -> (AsyncStream<Void>, Int) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { inner -> Int in
            guard inner.state == .running else {
                continuation.finish()
                return -1
            }
            inner.nextWatcher += 1
            inner.watchers[inner.nextWatcher] = continuation
            inner.cursors[inner.nextWatcher] = after
            if paces, inner.pacerCursor != nil {
                inner.pacerWatcher = inner.nextWatcher
                inner.pacerCursor = after
            }
            return inner.nextWatcher
        }
        return (stream, id)
    }

    /// Up to `limit` buffered events with sequence numbers after `after` (from the oldest kept when the buffer no
    /// longer reaches back that far), and whether the run has ended. `watcher` has taken everything up to `after`.
    func events(after: Int, limit: Int, watcher: Int) -> (events: [WorkflowEvent], ended: Bool) {
        var resume: [CheckedContinuation<Void, Never>] = []
        defer { for producer in resume { producer.resume() } }
        return state.withLock { inner in
            if inner.cursors[watcher] != nil { inner.cursors[watcher] = after }
            if watcher == inner.pacerWatcher {
                inner.pacerCursor = after
                resume = inner.producersToResume()
            }
            let ended = inner.state != .running
            guard let first = inner.events.first?.sequence else { return ([], ended) }
            let start = max(0, after + 1 - first)
            guard start < inner.events.count else { return ([], ended) }
            let end = min(inner.events.count, start + limit)
            return (Array(inner.events[start..<end]), ended)
        }
    }

    func unwatch(_ id: Int) {
        let (continuation, resume) = state.withLock { inner in
            inner.cursors[id] = nil
            if id == inner.pacerWatcher {
                // The client that started the run went away (a detached run goes on): nothing paces it now.
                inner.pacerWatcher = nil
                inner.pacerCursor = nil
            }
            return (inner.watchers.removeValue(forKey: id), inner.producersToResume())
        }
        continuation?.finish()
        for producer in resume { producer.resume() }
    }

    /// Wakes every watcher so each can check whether a keepalive is due (the registry's clock beats this).
    func wakeWatchers() {
        state.withLock { inner in
            for continuation in inner.watchers.values { continuation.yield() }
        }
    }

    /// Stops the run; its final event says `reason`. The first reason given wins.
    func stop(reason: String) {
        let task = state.withLock { inner -> Task<Void, Never>? in
            guard inner.state == .running else { return nil }
            if inner.stopReason == nil { inner.stopReason = reason }
            return inner.task
        }
        task?.cancel()
    }
}

extension RunRecord: FlowGate {
    /// Returns at once unless the stream that started the run is more than `pauseLag` events behind; then waits
    /// until it is within `resumeLag`, it stops reading, the run ends, or the run's task is cancelled.
    /// A run whose events are stored also waits while the store's writer is far behind (`StoreWriter.waitForRoom`).
    public func waitUntilOpen() async {
        await journal?.waitForRoom()
        guard state.withLock({ $0.pacerLag > Self.pauseLag }) else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let goOn = state.withLock { inner -> Bool in
                    guard inner.pacerLag > Self.resumeLag, inner.state == .running, !Task.isCancelled else { return true }
                    inner.waiting.append(continuation)
                    return false
                }
                if goOn { continuation.resume() }
            }
        } onCancel: {
            for producer in state.withLock({ $0.takeWaiting() }) { producer.resume() }
        }
    }
}

import RunStore
import Synchronization
import WorkflowCore

/// The runs a shared store holds, as this server's runs feed shows those it does not hold itself: a `flowtop top`
/// on instance B lists a run started on instance A, and follows it live. It reads the store's newest runs once when
/// the first feed watcher comes, then again whenever a notice says a run it does not hold changed (at most once per
/// feed beat, so a busy store costs one query a beat), and wakes the feed's watchers; an idle store costs nothing.
final class SharedStoreRuns: Sendable {
    private let store: any LiveRunStore
    private let registry: RunRegistry
    private let interval: Duration

    private struct State {
        var runs: [RunSummary] = []
        var following: Task<Void, Never>?
    }

    private let state = Mutex(State())

    init(store: any LiveRunStore, registry: RunRegistry, interval: Duration) {
        self.store = store
        self.registry = registry
        self.interval = interval
    }

    /// The store's newest runs (reading them first, and following the store from then on, on the first call).
    func current() async -> [RunSummary] {
        if state.withLock({ $0.following == nil }) {
            await refresh()
            startFollowing()
        }
        return latest
    }

    /// The runs as last read (newest first).
    var latest: [RunSummary] { state.withLock { $0.runs } }

    private func refresh() async {
        guard let stored = try? await store.runs(StoredRunQuery(limit: RunFeedWriter.historyLimit)) else { return }
        let runs = stored.map(\.summary)
        state.withLock { $0.runs = runs }
    }

    private func startFollowing() {
        let signals = store.signalsOfEveryRun()
        let task = Task { [weak self] in
            // Ends when the store closes (its signals finish).
            for await signal in signals {
                guard let self else { return }
                if case let .stored(notice) = signal, registry.run(id: notice.runId) != nil { continue }
                await refresh()
                registry.feed.wake()
                try? await Task.sleep(for: interval)
            }
        }
        let started = state.withLock { state -> Bool in
            guard state.following == nil else { return false }
            state.following = task
            return true
        }
        if !started { task.cancel() }
    }
}

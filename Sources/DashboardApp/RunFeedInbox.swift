import Dashboard
import Synchronization
import WorkflowCore

/// Where a runs feed waits for the UI thread: any task posts, the loop drains. It keeps only the latest summary of
/// each run (and a snapshot replaces everything before it), so a feed faster than the screen — or one that goes on
/// while a run's dashboard is open — costs at most one summary per run, never a queue.
public final class RunFeedInbox: Sendable {
    private struct Contents {
        var snapshot: [RunSummary]?
        var changed: [String: RunSummary] = [:]
        var connection: ConnectionState?
        var problems: [String: Int]?
    }

    private let contents = Mutex(Contents())
    private let wake: @Sendable () -> Void

    public init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    public func post(_ event: RunFeedEvent) {
        contents.withLock { contents in
            if case let .snapshot(runs) = event {
                contents.snapshot = runs
                contents.changed.removeAll()
            } else {
                for run in event.summaries { contents.changed[run.id] = run }
            }
        }
        wake()
    }

    public func setConnection(_ state: ConnectionState) {
        contents.withLock { $0.connection = state }
        wake()
    }

    /// The source's problems so far (a receiver's counters), counted by description.
    public func setProblems(_ counts: [String: Int]) {
        contents.withLock { $0.problems = counts }
        wake()
    }

    /// Everything posted since the last drain, as the list's inputs: the snapshot, the runs that changed since,
    /// then the connection and the problems.
    public func drain() -> [RunListInput] {
        contents.withLock { contents in
            var inputs: [RunListInput] = []
            if let snapshot = contents.snapshot { inputs.append(.feed(.snapshot(snapshot))) }
            if !contents.changed.isEmpty { inputs.append(.changed(Array(contents.changed.values))) }
            if let connection = contents.connection { inputs.append(.connection(connection)) }
            if let problems = contents.problems { inputs.append(.problems(problems)) }
            contents = Contents()
            return inputs
        }
    }

    /// Runs waiting to be drained (at most one entry per run).
    public var pendingCount: Int { contents.withLock { ($0.snapshot?.count ?? 0) + $0.changed.count } }
}

import DashboardApp
import Synchronization
import TraceIngest
import TraceRunBuilder
import WorkflowCore

/// What `flowtop otel` shows on a terminal: for now the dashboard of the first run to arrive, with the receiver's
/// refused requests and late spans in its warnings overlay (`w`). The runs list (`flowtop top`) will take this
/// place: swap this one function.
enum OTelHome {
    static func show(listeners: OTelListeners, options: DashboardOptions) async throws(CommandLineFailure) -> Int32 {
        let runs = FollowedRun()
        let status = try await DashboardRun.show(options: options, afterword: nil) { inbox in
            let receiver = TraceReceiver(
                deliver: { updates in
                    for update in updates where runs.follows(update.runId) {
                        for event in update.events { inbox.append(event) }
                    }
                },
                onCounters: { counters in inbox.setSkipped(counters.problems) })
            try? await listeners.serve(receiver) { _ in }
        }
        let others = runs.others
        if others > 0 {
            printError("flowtop otel: \(others) other run(s) arrived meanwhile; `flowtop otel --json` shows every run")
        }
        return status
    }
}

/// The run the dashboard shows (the first to arrive) and how many others came.
private final class FollowedRun: Sendable {
    private let state = Mutex<(followed: String?, others: Set<String>)>((nil, []))

    func follows(_ runId: String) -> Bool {
        state.withLock { state in
            if state.followed == nil { state.followed = runId }
            if state.followed == runId { return true }
            state.others.insert(runId)
            return false
        }
    }

    var others: Int { state.withLock { $0.others.count } }
}

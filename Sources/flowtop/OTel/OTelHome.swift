import Dashboard
import DashboardApp
import Logging
import Synchronization
import TraceIngest
import WorkflowServer

/// What `flowtop otel` shows on a terminal: the runs list (as `flowtop top` shows a server's), over the traced runs
/// its own receiver builds, in-process. Enter opens a run's dashboard and Esc comes back; the list stays live.
enum OTelHome {
    static func show(listeners: OTelListeners, options: DashboardOptions, keep: Int) async throws(CommandLineFailure) -> Int32 {
        let (theme, backend) = try options.openScreen(for: "the runs list")
        // The same registry `flowtop serve` keeps traced runs in: runs past the limit are let go oldest first.
        let registry = RunRegistry(
            configuration: ServerConfiguration(finishedRunsKept: max(keep, 1)), logger: Logger(label: "flowtop.otel"))
        let failure = Mutex<String?>(nil)
        let source = RegistryRunSource(
            registry: registry, label: listeners.label, failure: { failure.withLock { $0 } })
        let list = RunListLoop(backend: backend, theme: theme, source: source, title: "flowtop otel", keep: keep)
        // What the receiver refused (bad bodies, late spans) is counted in the list's `w` overlay as it happens,
        // and said again when the list closes.
        let problems = Mutex<[String: Int]>([:])
        let receiver = TraceReceiver(
            deliver: { updates in
                for update in updates { registry.publishTraced(runId: update.runId, events: update.events) }
            },
            onCounters: { counters in
                let counts = counters.problems
                problems.withLock { $0 = counts }
                list.inbox.setProblems(counts)
            })
        let serving = Task {
            do {
                try await listeners.serve(receiver) { _ in }
            } catch {
                failure.withLock { $0 = (error as? CommandLineFailure)?.message ?? "\(error)" }
                registry.closeFeed()
            }
        }
        let outcome = await list.run()
        serving.cancel()
        await serving.value
        receiver.endAll()
        for (problem, count) in problems.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            printError("flowtop otel: \(problem): \(count)")
        }
        if let message = failure.withLock({ $0 }) { throw CommandLineFailure(message) }
        return outcome.reason.exitStatus
    }
}

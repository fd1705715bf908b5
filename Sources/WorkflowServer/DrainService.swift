import Logging
import ServiceLifecycle
import TraceIngest

/// Graceful shutdown for runs: on SIGTERM/SIGINT it refuses new runs, lets running streams finish for the grace
/// period, then stops what is left (each stream ends with an `error` event) and returns once every run is over.
/// Listed after the HTTP application in the service group, so it is told first (groups shut down in reverse
/// order) and the server closes only when the streams have ended.
public struct DrainService: Service {
    let registry: RunRegistry
    let gracePeriod: Duration
    let logger: Logger
    /// Traced runs still open end with what their spans show, so their watchers' streams close too.
    var traceReceiver: TraceReceiver?
    /// The store gets the last events of every run before the process ends.
    var storeWriter: StoreWriter?

    public func run() async throws {
        try? await gracefulShutdown()
        registry.beginDraining()
        let active = registry.activeRuns
        logger.info("shutting down", metadata: ["active_runs": .stringConvertible(active)])
        let registry = registry
        let gracePeriod = gracePeriod
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await registry.waitUntilIdle() }
            group.addTask {
                try? await Task.sleep(for: gracePeriod)
                if !Task.isCancelled { registry.stopAll(reason: "the server is shutting down") }
            }
            await group.next()
            group.cancelAll()
        }
        await registry.waitUntilIdle()
        traceReceiver?.endAll()
        // The runs feed's streams never end on their own: after the last run's end has gone out, they do.
        registry.feed.close()
        await storeWriter?.finish()
        logger.info("all runs ended")
    }
}

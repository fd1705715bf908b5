import Logging
import RunStore
import WorkflowServer

extension StoreLocation {
    /// Opens the store this location names and starts a writer on it, as a server keeps runs in it (its dead runs
    /// marked interrupted, pruned by `settings`); nil for `memory`. A writer that does not start closes the store.
    public func startWriter(settings: StoreSettings, logger: Logger) async throws(RunStoreError) -> StoreWriter? {
        guard let store = try await open(logger: logger) else { return nil }
        let writer = StoreWriter(store: store, settings: settings, logger: logger)
        do {
            try await writer.start()
        } catch {
            await writer.finish()
            throw error
        }
        return writer
    }
}

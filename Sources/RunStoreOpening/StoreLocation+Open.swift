import Logging
import RunStore
import SQLiteRunStore

extension StoreLocation {
    /// Opens the store this location names (nil for `memory`): migrated, checked, ready for a server.
    public func open(logger: Logger) async throws(RunStoreError) -> (any RunStore)? {
        switch self {
        case .memory:
            return nil
        case let .sqlite(path):
            return try await SQLiteRunStore.open(path: path, logger: logger)
        case .postgres:
            throw .unavailable(store: description, reason: "this flowtop is built without the PostgreSQL store")
        }
    }
}

import Logging
import RunStore
import PostgresRunStore
import SQLiteRunStore

extension StoreLocation {
    /// Opens the store this location names (nil for `memory`): migrated, checked, ready for a server.
    public func open(logger: Logger) async throws(RunStoreError) -> (any RunStore)? {
        switch self {
        case .memory:
            return nil
        case let .sqlite(path):
            return try await SQLiteRunStore.open(path: path, logger: logger)
        case let .postgres(url):
            return try await PostgresRunStore.open(url: url, logger: logger)
        }
    }
}

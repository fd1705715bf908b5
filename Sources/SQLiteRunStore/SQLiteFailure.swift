import RunStore
import SQLiteNIO

/// SQLite's errors as the store's: a damaged file is not a store, anything else is the store being unavailable.
enum SQLiteFailure {
    static func storeError(_ error: any Error, store: String) -> RunStoreError {
        if let error = error as? RunStoreError { return error }
        guard let error = error as? SQLiteError else {
            return .unavailable(store: store, reason: "\(error)")
        }
        switch error.reason {
        case .corrupt, .notADatabase, .format:
            return .notAStore(store: store, reason: "SQLite says: \(error.message)")
        default:
            return .unavailable(store: store, reason: error.message)
        }
    }
}

import PostgresNIO
import RunStore

/// postgres-nio's errors in words a person can act on, without what they must not show: PSQLError's own description
/// is deliberately empty (its reflection carries the query and its binds), so the reason is built from its code, the
/// server's message and the underlying socket error, none of which holds the password.
enum PostgresFailure {
    static func storeError(_ error: any Error, store: String) -> RunStoreError {
        if let error = error as? RunStoreError { return error }
        if let error = error as? PostgresTransactionError,
            let inner = error.closureError ?? error.beginError ?? error.commitError
        {
            return storeError(inner, store: store)
        }
        return .unavailable(store: store, reason: reason(error))
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return "the server said: \(message)\(state)"
            }
            switch error.code {
            case .connectionError:
                return "could not connect: \(error.underlying.map { "\($0)" } ?? "no reason given")"
            case .serverClosedConnection, .uncleanShutdown:
                return "the server closed the connection"
            case .clientClosedConnection, .poolClosed:
                return "the store was closed"
            case .sslUnsupported:
                return "the server does not offer TLS (use sslmode=disable or prefer)"
            case .authMechanismRequiresPassword:
                return "the server asks for a password and none was given (postgres://user:password@… or PGPASSWORD)"
            default:
                return "\(error.code)\(error.underlying.map { ": \($0)" } ?? "")"
            }
        }
        if "\(error)".contains("connectionCreationCircuitBreakerTripped") {
            // The pool's own error (its module is not public API): no connection for longer than the connect timeout.
            return "no connection could be made for several seconds"
        }
        if let error = error as? PostgresTransactionError {
            return (error.closureError ?? error.beginError ?? error.commitError).map(reason) ?? "the transaction failed"
        }
        return "\(error)"
    }
}

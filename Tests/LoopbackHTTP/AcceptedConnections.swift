import Synchronization

/// Every connection the listener accepts, held until it is served or closed.
///
/// NIO traps when a connection's `NIOAsyncChannel` is dropped without being finished, and a connection accepted just
/// as the listener closes is dropped by the closed accept stream before anyone can serve it. So the channel
/// initializer hands each connection to this registry, the accept loop takes it out to serve it, and shutdown
/// closes whatever is still held (and anything accepted after).
final class AcceptedConnections: Sendable {
    private struct Inner {
        var next = 0
        var held: [Int: ConnectionServer.Connection] = [:]
        var closed = false
    }

    private let inner = Mutex(Inner())

    /// Holds `connection` and returns its key for the accept loop; after `closeAll()`, closes it and returns nil.
    func admit(_ connection: ConnectionServer.Connection) -> Int? {
        let key = inner.withLock { inner -> Int? in
            guard !inner.closed else { return nil }
            inner.next += 1
            inner.held[inner.next] = connection
            return inner.next
        }
        if key == nil { Self.close(connection) }
        return key
    }

    /// The connection to serve, or nil when shutdown has already closed it.
    func take(_ key: Int) -> ConnectionServer.Connection? {
        inner.withLock { $0.held.removeValue(forKey: key) }
    }

    /// Closes every connection still held and every one admitted from now on.
    func closeAll() {
        let left = inner.withLock { inner in
            inner.closed = true
            defer { inner.held.removeAll() }
            return Array(inner.held.values)
        }
        for connection in left { Self.close(connection) }
    }

    private static func close(_ connection: ConnectionServer.Connection) {
        Task { try? await connection.executeThenClose { _, _ in } }
    }
}

import Synchronization

/// Whether `close()` has run: later calls answer `.unavailable` instead of touching a closed connection.
final class ClosedFlag: Sendable {
    private let closed = Mutex(false)

    var isClosed: Bool { closed.withLock { $0 } }

    /// True the first time only.
    func close() -> Bool {
        closed.withLock { wasClosed in
            defer { wasClosed = true }
            return !wasClosed
        }
    }
}

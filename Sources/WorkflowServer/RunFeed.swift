import Synchronization

/// The runs feed's watchers (`GET /api/runs/feed` streams): each is woken when a run starts or ends, and on every
/// beat of the registry's clock, and then looks at the runs itself (`RunFeedWriter`). A wake-up carries nothing
/// and at most one is kept per watcher, so however many runs change while a watcher is slow, it holds no more
/// than the runs there are.
final class RunFeed: Sendable {
    private struct Inner {
        var watchers: [Int: AsyncStream<Void>.Continuation] = [:]
        var next = 0
        /// Set on shutdown: new watchers get a finished stream.
        var closed = false
    }

    private let inner = Mutex(Inner())

    func watch() -> (AsyncStream<Void>, Int) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = inner.withLock { inner -> Int in
            guard !inner.closed else {
                continuation.finish()
                return -1
            }
            inner.next += 1
            inner.watchers[inner.next] = continuation
            return inner.next
        }
        return (stream, id)
    }

    func unwatch(_ id: Int) {
        inner.withLock { $0.watchers.removeValue(forKey: id) }?.finish()
    }

    func wake() {
        inner.withLock { inner in
            for continuation in inner.watchers.values { continuation.yield() }
        }
    }

    /// Ends every watcher's stream, now and from now on (shutdown, once the runs have ended).
    func close() {
        let watchers = inner.withLock { inner in
            inner.closed = true
            defer { inner.watchers.removeAll() }
            return Array(inner.watchers.values)
        }
        for continuation in watchers { continuation.finish() }
    }
}

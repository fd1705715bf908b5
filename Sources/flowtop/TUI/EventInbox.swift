import Synchronization
import WorkflowCore

/// Where workflow events wait for the UI thread: any task appends and wakes the loop; the loop drains a batch per
/// frame. This is what keeps a fast stream from costing a thread hand-off per event.
final class EventInbox: Sendable {
    private struct Contents {
        var events: [WorkflowEvent] = []
        var finished = false
        var connection: String?
    }

    private let contents = Mutex(Contents())
    private let wake: @Sendable () -> Void

    /// `wake` rouses the consumer: `InputWaiter.wake()` for the dashboard, a semaphore in the benchmark.
    init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    func append(_ event: WorkflowEvent) {
        let wasEmpty = contents.withLock { contents in
            contents.events.append(event)
            return contents.events.count == 1
        }
        // One wake per batch: the loop drains everything that arrived since.
        if wasEmpty { wake() }
    }

    /// The stream has ended (normally or not).
    func finish() {
        contents.withLock { $0.finished = true }
        wake()
    }

    /// A remote stream's connection changed ("live", "reconnecting in 2 s …"): shown in the header.
    func setConnection(_ text: String) {
        contents.withLock { $0.connection = text }
        wake()
    }

    /// Everything waiting, whether the stream has ended, and a connection change not yet shown.
    func drain() -> (events: [WorkflowEvent], finished: Bool, connection: String?) {
        contents.withLock { contents in
            let events = contents.events
            contents.events.removeAll(keepingCapacity: true)
            let connection = contents.connection
            contents.connection = nil
            return (events, contents.finished, connection)
        }
    }

    var pendingCount: Int { contents.withLock { $0.events.count } }
}

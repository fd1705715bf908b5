import Synchronization
import WorkflowCore

/// Where workflow events wait for the UI thread: any task appends and wakes the loop; the loop drains a batch per
/// frame. This is what keeps a fast stream from costing a thread hand-off per event.
final class EventInbox: Sendable {
    private struct Contents {
        var events: [WorkflowEvent] = []
        var finished = false
        var connection: String?
        var skipped: [String: Int]?
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

    /// New counts of skipped event types of unknown kinds (attach): shown in the header and with `w`.
    func setSkipped(_ counts: [String: Int]) {
        contents.withLock { $0.skipped = counts }
        wake()
    }

    struct Batch {
        var events: [WorkflowEvent]
        var finished: Bool
        /// A connection change not yet shown.
        var connection: String?
        /// Skipped-event counts not yet shown.
        var skipped: [String: Int]?
    }

    /// Everything waiting since the last drain.
    func drain() -> Batch {
        contents.withLock { contents in
            let batch = Batch(events: contents.events, finished: contents.finished, connection: contents.connection, skipped: contents.skipped)
            contents.events.removeAll(keepingCapacity: true)
            contents.connection = nil
            contents.skipped = nil
            return batch
        }
    }

    var pendingCount: Int { contents.withLock { $0.events.count } }
}

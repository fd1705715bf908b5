import Synchronization
import Terminal
import WorkflowCore

/// Where workflow events wait for the UI thread: any task appends and wakes the loop; the loop drains a batch per
/// frame. This is what keeps a fast stream from costing a thread hand-off per event.
final class EventInbox: Sendable {
    private struct Contents {
        var events: [WorkflowEvent] = []
        var finished = false
    }

    private let contents = Mutex(Contents())
    private let waiter: InputWaiter

    init(waiter: InputWaiter) {
        self.waiter = waiter
    }

    func append(_ event: WorkflowEvent) {
        let wasEmpty = contents.withLock { contents in
            contents.events.append(event)
            return contents.events.count == 1
        }
        // One wake per batch: the loop drains everything that arrived since.
        if wasEmpty { waiter.wake() }
    }

    /// The stream has ended (normally or not).
    func finish() {
        contents.withLock { $0.finished = true }
        waiter.wake()
    }

    /// Everything waiting, and whether the stream has ended.
    func drain() -> (events: [WorkflowEvent], finished: Bool) {
        contents.withLock { contents in
            let events = contents.events
            contents.events.removeAll(keepingCapacity: true)
            return (events, contents.finished)
        }
    }

    var pendingCount: Int { contents.withLock { $0.events.count } }
}

import Dashboard
import Synchronization
import WorkflowCore

/// Where workflow events wait for the UI thread: any task appends and wakes the loop; the loop drains a batch per
/// frame. This is what keeps a fast stream from costing a thread hand-off per event. The outcomes of effects the
/// loop ran elsewhere (a transcript save) come back through it too.
public final class EventInbox: Sendable {
    private struct Contents {
        var events: [WorkflowEvent] = []
        var finished = false
        var finishDrained = false
        var connection: ConnectionState?
        var skipped: [String: Int]?
        var outcomes: [DashboardInput] = []
    }

    private let contents = Mutex(Contents())
    private let wake: @Sendable () -> Void

    /// `wake` rouses the consumer (the terminal backend's wake).
    public init(wake: @escaping @Sendable () -> Void) {
        self.wake = wake
    }

    public func append(_ event: WorkflowEvent) {
        let wasEmpty = contents.withLock { contents in
            contents.events.append(event)
            return contents.events.count == 1
        }
        // One wake per batch: the loop drains everything that arrived since.
        if wasEmpty { wake() }
    }

    /// The stream has ended (normally or not).
    public func finish() {
        contents.withLock { $0.finished = true }
        wake()
    }

    /// A remote stream's connection changed (live, reconnecting …): shown in the header.
    public func setConnection(_ state: ConnectionState) {
        contents.withLock { $0.connection = state }
        wake()
    }

    /// New counts of skipped event types of unknown kinds (attach): shown in the header and with `w`.
    public func setSkipped(_ counts: [String: Int]) {
        contents.withLock { $0.skipped = counts }
        wake()
    }

    /// The outcome of an effect that ran off the UI thread; delivered even while the dashboard is paused.
    public func post(_ outcome: DashboardInput) {
        contents.withLock { $0.outcomes.append(outcome) }
        wake()
    }

    public struct Batch: Sendable {
        public var events: [WorkflowEvent]
        /// The stream ended (reported in one batch only).
        public var finished: Bool
        /// A connection change not yet shown.
        public var connection: ConnectionState?
        /// Skipped-event counts not yet shown.
        public var skipped: [String: Int]?

        /// The batch as the dashboard's inputs, in the order they happened to matter: events, then what the
        /// header shows, then the end.
        public var inputs: [DashboardInput] {
            var inputs: [DashboardInput] = []
            if !events.isEmpty { inputs.append(.events(events)) }
            if let connection { inputs.append(.connection(connection)) }
            if let skipped { inputs.append(.skippedEventCounts(skipped)) }
            if finished { inputs.append(.streamFinished) }
            return inputs
        }
    }

    /// Everything from the stream waiting since the last drain.
    public func drain() -> Batch {
        contents.withLock { contents in
            // The end is reported once, after the events before it.
            let finished = contents.finished && !contents.finishDrained
            if finished { contents.finishDrained = true }
            let batch = Batch(events: contents.events, finished: finished, connection: contents.connection, skipped: contents.skipped)
            contents.events.removeAll(keepingCapacity: true)
            contents.connection = nil
            contents.skipped = nil
            return batch
        }
    }

    /// Effect outcomes posted since the last call.
    public func drainOutcomes() -> [DashboardInput] {
        contents.withLock { contents in
            defer { contents.outcomes.removeAll() }
            return contents.outcomes
        }
    }

    public var pendingCount: Int { contents.withLock { $0.events.count } }

    /// Whether `drain()` would return anything.
    public var hasPending: Bool {
        contents.withLock { contents in
            !contents.events.isEmpty || (contents.finished && !contents.finishDrained) || contents.connection != nil
                || contents.skipped != nil
        }
    }
}

import Foundation
import Synchronization

/// Numbers, stamps and delivers a run's events. Agents running in parallel share one sink; the lock makes
/// sequence order and delivery order the same.
public final class WorkflowEventSink: Sendable {
    private let state: Mutex<State>
    private let deliver: @Sendable (WorkflowEvent) -> Void

    private struct State {
        var nextSequence = 1
        var closed = false
    }

    /// `deliver` is called under the sink's lock, in sequence order; keep it short (a stream `yield`).
    public init(deliver: @escaping @Sendable (WorkflowEvent) -> Void) {
        self.state = Mutex(State())
        self.deliver = deliver
    }

    /// Emits one event; after a terminal event, further events are dropped.
    public func emit(_ kind: WorkflowEvent.Kind) {
        let now = Date().timeIntervalSince1970
        state.withLock { state in
            guard !state.closed else { return }
            let event = WorkflowEvent(sequence: state.nextSequence, timestamp: now, kind: kind)
            state.nextSequence += 1
            if event.isTerminal { state.closed = true }
            deliver(event)
        }
    }

    /// Events emitted so far.
    public var count: Int { state.withLock { $0.nextSequence - 1 } }
}

import Foundation
import Synchronization

/// Numbers, stamps and delivers a run's events. Agents running in parallel share one sink; the lock makes
/// sequence order and delivery order the same.
public final class WorkflowEventSink: Sendable {
    private let state: Mutex<State>
    private let deliver: @Sendable (WorkflowEvent) -> Void
    /// The run's completed turns: checkpoints as they complete, and those a resumed run answers from.
    let turnLog: TurnLog?

    /// Set inside a turn that runs for real: while a resumed run replays its checkpoint, only such turns' events
    /// are sent (the workflow's transitions between replayed turns went out before the run was cut).
    @TaskLocal static var inLiveTurn = false

    private struct State {
        var nextSequence = 1
        var closed = false
    }

    /// `deliver` is called under the sink's lock, in sequence order; keep it short (a stream `yield`).
    /// `firstSequence`: a resumed run goes on numbering after the events already streamed. `turnLog`: the
    /// checkpointing of the run's turns (nil: none).
    public convenience init(deliver: @escaping @Sendable (WorkflowEvent) -> Void) {
        self.init(firstSequence: 1, turnLog: nil, deliver: deliver)
    }

    init(firstSequence: Int, turnLog: TurnLog?, deliver: @escaping @Sendable (WorkflowEvent) -> Void) {
        self.state = Mutex(State(nextSequence: max(1, firstSequence)))
        self.deliver = deliver
        self.turnLog = turnLog
    }

    /// Emits one event; after a terminal event, further events are dropped.
    public func emit(_ kind: WorkflowEvent.Kind) {
        if let turnLog, !Self.inLiveTurn, turnLog.isReplaying { return }
        let now = Date().timeIntervalSince1970
        state.withLock { state in
            guard !state.closed else { return }
            let event = WorkflowEvent(sequence: state.nextSequence, timestamp: now, kind: kind)
            state.nextSequence += 1
            if event.isTerminal { state.closed = true }
            deliver(event)
        }
    }

    /// The sequence of the last event emitted (the events emitted so far, for a run that was not resumed).
    public var count: Int { state.withLock { $0.nextSequence - 1 } }
}

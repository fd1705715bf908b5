import EventStream
import WorkflowCore

/// The Agent Framework sample's bare format: `data: {"text": "..."}` per chunk and no terminator. Everything goes
/// to one agent pane; `finish` completes the run with the accumulated text as its output.
public struct TextStreamDecoder: RemoteStreamDecoder, Sendable {
    /// The pane's name (the stream carries no agent attribution).
    public let agentName: String
    /// The run's name in `runStarted`.
    public let workflowName: String
    private var ledger = DecoderLedger()
    private var started = false
    private var startTime = 0.0
    private var text = ""

    public init(agentName: String = "agent", workflowName: String = "remote") {
        self.agentName = agentName
        self.workflowName = workflowName
    }

    public var unknownEventCounts: [String: Int] { ledger.unknownCounts }
    public var ignoredEventCounts: [String: Int] { ledger.ignoredCounts }

    public mutating func decode(_ event: SSEEvent, at timestamp: Double) -> [WorkflowEvent] {
        ledger.received += 1
        guard !ledger.isTerminated else { return [] }
        start(at: timestamp)
        if let object = ledger.object(event.data, agent: agentName, at: timestamp) {
            if let chunk = object.string("text") {
                text += chunk
                ledger.emit(.textDelta(agent: agentName, messageId: "", text: chunk), at: timestamp)
            } else if let error = object["error"] {
                ledger.emit(.runFailed(error: error.stringValue ?? error.jsonText, agent: agentName), at: timestamp)
            } else {
                ledger.unknown(object.string("type") ?? "object without \"text\"", at: timestamp)
            }
        }
        return ledger.drain()
    }

    public mutating func finish(at timestamp: Double) -> [WorkflowEvent] {
        guard !ledger.isTerminated else { return [] }
        start(at: timestamp)
        ledger.emit(.agentCompleted(agent: agentName, usage: nil), at: timestamp)
        ledger.emit(.output(agent: agentName, text: text), at: timestamp)
        ledger.emit(
            .runCompleted(finalAgent: agentName, usage: .zero, durationMs: max(0, timestamp - startTime) * 1000),
            at: timestamp)
        return ledger.drain()
    }

    private mutating func start(at timestamp: Double) {
        guard !started else { return }
        started = true
        startTime = timestamp
        ledger.emit(.runStarted(.init(runId: "", workflow: workflowName, participants: [agentName])), at: timestamp)
        ledger.emit(.agentStarted(agent: agentName), at: timestamp)
    }
}

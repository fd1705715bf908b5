import EventStream
import Foundation
import WorkflowCore

/// flowtop's own SSE dialect: one SSE event per `WorkflowEvent`, `id:` = sequence number, `data:` = one JSON
/// object with a `"type"`. It extends the typed schema of the Agent Framework sample's demo client
/// (`workflow_started`, `agent_started`, `agent_transition`, `text`, `tool_call`, `tool_result`, `done`, `error`).
///
/// Compatibility rule: only text deltas carry the key `"text"`, and they have no `event:` line, so the sample's
/// clients (which print every `data:` object's `text`) print exactly the agents' text, and a browser's
/// `onmessage` sees them as plain messages.
public enum FlowtopWireFormat {
    /// The SSE event for `event`.
    public static func sseEvent(for event: WorkflowEvent) -> SSEEvent {
        let type = typeName(of: event.kind)
        return SSEEvent(type: type == "text" ? "message" : type, data: json(for: event), id: String(event.sequence))
    }

    /// The `type` value of each kind on the wire.
    public static func typeName(of kind: WorkflowEvent.Kind) -> String {
        switch kind {
        case .runStarted: return "workflow_started"
        case .runResumed: return "run_resumed"
        case .agentStarted: return "agent_started"
        case .textDelta: return "text"
        case .reasoningDelta: return "reasoning"
        case .toolCallStarted: return "tool_call"
        case .toolCallArgumentsDelta: return "tool_call_arguments"
        case .toolProgress: return "tool_progress"
        case .toolResult: return "tool_result"
        case .agentCompleted: return "agent_completed"
        case .transition: return "agent_transition"
        case .approvalRequested: return "approval_requested"
        case .approvalResolved: return "approval_resolved"
        case .inputRequested: return "input_requested"
        case .inputProvided: return "input_provided"
        case .output: return "output"
        case .warning: return "warning"
        case .runCompleted: return "done"
        case .runFailed: return "error"
        case .runCancelled: return "cancelled"
        }
    }

    /// One JSON object (no newline) with `type`, `seq`, `ts` and the kind's fields; keys in a fixed order.
    public static func json(for event: WorkflowEvent) -> String {
        var bytes: [UInt8] = []
        // Most events (a token, a step) fit: no regrowth on the way.
        bytes.reserveCapacity(256)
        appendJSON(for: event, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the SSE event for `event` to `output` (what `sseEvent(for:)` encodes to, without the strings in
    /// between: the server's per-event path). `scratch` is reused for the JSON.
    public static func appendSSE(for event: WorkflowEvent, encoder: inout SSEEncoder, scratch: inout [UInt8], to output: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        appendJSON(for: event, to: &scratch)
        let type = typeName(of: event.kind)
        // Types are fixed names and ids are numbers: neither can hold a line break, so this cannot throw.
        try? encoder.encode(type: type == "text" ? "message" : type, id: String(event.sequence), data: scratch, into: &output)
    }

    /// `json(for:)` as UTF-8, appended to `output`.
    public static func appendJSON(for event: WorkflowEvent, to output: inout [UInt8]) {
        var object = JSONObjectWriter(output: output)
        output = []
        defer { output = object.finish() }
        object.add("type", typeName(of: event.kind))
        switch event.kind {
        case let .runStarted(info):
            object.add("run_id", info.runId)
            object.add("workflow", info.workflow)
            object.addRaw("participants", JSONValue.array(info.participants.map(JSONValue.string)).jsonText)
            if let model = info.model { object.add("model", model) }
            if let graph = info.graph { object.addRaw("graph", WorkflowGraphWire.json(graph)) }
        case let .runResumed(info):
            object.addRaw("checkpoint_seq", String(info.checkpointSequence))
            object.addRaw("completed_turns", String(info.completedTurns))
            if let agent = info.lastAgent { object.add("last_agent", agent) }
        case let .agentStarted(agent):
            object.add("agent", agent)
        case let .textDelta(agent, messageId, text):
            object.add("agent", agent)
            object.add("message_id", messageId)
            object.add("text", text)
        case let .reasoningDelta(agent, messageId, text):
            object.add("agent", agent)
            object.add("message_id", messageId)
            object.add("delta", text)
        case let .toolCallStarted(agent, callId, tool, arguments):
            object.add("agent", agent)
            object.add("call_id", callId)
            object.add("tool", tool)
            object.add("arguments", arguments)
        case let .toolCallArgumentsDelta(agent, callId, delta):
            object.add("agent", agent)
            object.add("call_id", callId)
            object.add("delta", delta)
        case let .toolProgress(agent, callId, progress):
            object.add("agent", agent)
            object.add("call_id", callId)
            object.addNumber("progress", progress.progress)
            if let total = progress.total { object.addNumber("total", total) }
            if let message = progress.message { object.add("message", message) }
        case let .toolResult(info):
            object.add("agent", info.agent)
            object.add("call_id", info.callId)
            object.add("tool", info.tool)
            object.add("result", info.result)
            object.addRaw("is_error", info.isError ? "true" : "false")
            object.addNumber("duration_ms", info.durationMs)
        case let .agentCompleted(agent, usage, finishReason, maxTokens):
            object.add("agent", agent)
            if let usage { object.addRaw("usage", usageJSON(usage)) }
            if let finishReason { object.add("finish_reason", finishReason.rawValue) }
            if let maxTokens { object.addRaw("max_tokens", String(maxTokens)) }
        case let .transition(from, to, reason):
            if let from { object.add("from", from) }
            object.add("to", to)
            if let reason { object.add("reason", reason) }
        case let .approvalRequested(request):
            object.add("request_id", request.requestId)
            object.add("agent", request.agent)
            object.add("call_id", request.callId)
            object.add("tool", request.tool)
            object.add("arguments", request.arguments)
        case let .approvalResolved(resolution):
            object.add("request_id", resolution.requestId)
            object.add("agent", resolution.agent)
            object.add("call_id", resolution.callId)
            object.add("tool", resolution.tool)
            object.addRaw("approved", resolution.decision.approved ? "true" : "false")
            if let reason = resolution.decision.reason { object.add("reason", reason) }
            if let by = resolution.decision.answeredBy { object.add("answered_by", by) }
        case let .inputRequested(request):
            object.add("request_id", request.requestId)
            object.add("agent", request.agent)
            object.add("question", request.question)
            if let schema = request.schema { object.addRaw("schema", schema.jsonText) }
        case let .inputProvided(provision):
            object.add("request_id", provision.requestId)
            object.add("agent", provision.agent)
            object.add("answer", provision.answer.text)
            if let by = provision.answer.answeredBy { object.add("answered_by", by) }
        case let .output(agent, text):
            if let agent { object.add("agent", agent) }
            object.add("output", text)
        case let .warning(agent, message):
            if let agent { object.add("agent", agent) }
            object.add("message", message)
        case let .runCompleted(finalAgent, usage, durationMs):
            if let finalAgent { object.add("final_agent", finalAgent) }
            object.addRaw("usage", usageJSON(usage))
            object.addNumber("duration_ms", durationMs)
        case let .runFailed(error, agent):
            object.add("error", error)
            if let agent { object.add("agent", agent) }
        case let .runCancelled(reason):
            if let reason { object.add("reason", reason) }
        }
        object.addInteger("seq", event.sequence)
        object.addNumber("ts", event.timestamp)
    }

    private static func usageJSON(_ usage: Usage) -> String {
        "{\"input_tokens\":\(usage.inputTokens),\"output_tokens\":\(usage.outputTokens)"
            + (usage.estimated ? ",\"estimated\":true}" : "}")
    }

    /// Milliseconds and timestamps to microsecond precision, which `Double` round-trips through text exactly.
    static func number(_ value: Double) -> String {
        var bytes: [UInt8] = []
        appendNumber(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `number(_:)` appended as UTF-8 digits, with no string in between (every event's timestamp goes through it).
    static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        let scaled = (value * 1_000_000).rounded()
        // Below 2^33 a microsecond is wider than a double's step, so the six decimals are the shortest digits that
        // read back as the same double: what Swift's own description prints, without its cost (the timestamp of
        // every event went through it, a twentieth of a stream's time).
        guard abs(scaled) < 8_589_934_592 * 1_000_000 else {
            let micro = scaled / 1_000_000
            let text = micro == micro.rounded() && abs(micro) < 1e15 ? String(Int64(micro)) : "\(micro)"
            bytes.append(contentsOf: text.utf8)
            return
        }
        let micros = Int64(scaled)
        if micros < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(of: UInt64(abs(micros / 1_000_000)), to: &bytes)
        var fraction = UInt64(abs(micros % 1_000_000))
        guard fraction != 0 else { return }
        var digits = 6
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        bytes.append(UInt8(ascii: "."))
        appendDigits(of: fraction, width: digits, to: &bytes)
    }

    /// A whole number's decimal digits, zero-padded on the left to `width`.
    static func appendDigits(of value: UInt64, width: Int = 1, to bytes: inout [UInt8]) {
        var count = 1
        var bound: UInt64 = 10
        while count < 20, value >= bound {
            count += 1
            bound = bound &* 10
        }
        count = max(count, width)
        for _ in 0..<count { bytes.append(UInt8(ascii: "0")) }
        var index = bytes.count
        var rest = value
        repeat {
            index -= 1
            bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
    }
}

/// Builds a JSON object left to right in UTF-8, so keys keep the order a person reading `curl` output expects.
struct JSONObjectWriter {
    private var bytes: [UInt8]
    private var first = true

    /// Continues `output` (the object is appended after what it holds).
    init(output: [UInt8]) {
        bytes = output
        bytes.append(UInt8(ascii: "{"))
    }

    mutating func add(_ key: StaticString, _ value: String) {
        separate(key)
        JSONValue.writeQuoted(value, to: &bytes)
    }

    /// A wire number (`FlowtopWireFormat.number`).
    mutating func addNumber(_ key: StaticString, _ value: Double) {
        separate(key)
        FlowtopWireFormat.appendNumber(value, to: &bytes)
    }

    mutating func addInteger(_ key: StaticString, _ value: Int) {
        separate(key)
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        FlowtopWireFormat.appendDigits(of: UInt64(value.magnitude), to: &bytes)
    }

    mutating func addRaw(_ key: StaticString, _ json: String) {
        separate(key)
        bytes.append(contentsOf: json.utf8)
    }

    /// Keys are our own ASCII names, written as they are.
    private mutating func separate(_ key: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}

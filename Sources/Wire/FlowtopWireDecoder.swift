import EventStream
import WorkflowCore

/// Reads flowtop's dialect back into `WorkflowEvent`s, losslessly for everything `FlowtopWireFormat` writes.
public enum FlowtopWireDecoder {
    public struct DecodingError: Error, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Decodes one SSE event; `seq` comes from the JSON (or the SSE id when the JSON lacks it).
    public static func decode(_ event: SSEEvent) throws(DecodingError) -> WorkflowEvent {
        try decode(json: event.data, fallbackSequence: event.numericId ?? Int(event.id), fallbackType: event.type == "message" ? nil : event.type)
    }

    /// Decodes one JSON object as `--json` prints it.
    public static func decode(json: String, fallbackSequence: Int? = nil, fallbackType: String? = nil) throws(DecodingError) -> WorkflowEvent {
        if let event = FlowtopDeltaDecoder.decode(json: json, fallbackSequence: fallbackSequence) { return event }
        return try decodeInGeneral(json: json, fallbackSequence: fallbackSequence, fallbackType: fallbackType)
    }

    /// Any event, through a `JSONValue` dictionary (the fast path's reference in tests).
    static func decodeInGeneral(json: String, fallbackSequence: Int?, fallbackType: String?) throws(DecodingError) -> WorkflowEvent {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: json)
        } catch {
            throw DecodingError(reason: "not JSON: \(error.reason)")
        }
        guard let object = value.objectValue else { throw DecodingError(reason: "not a JSON object") }
        let fields = Fields(object: object)
        guard let type = object["type"]?.stringValue ?? fallbackType else {
            throw DecodingError(reason: "no \"type\" field")
        }
        let sequence = object["seq"]?.intValue ?? fallbackSequence ?? 0
        let timestamp: Double
        if case let .number(value)? = object["ts"] { timestamp = value } else { timestamp = 0 }

        let kind: WorkflowEvent.Kind
        switch type {
        case "workflow_started":
            kind = .runStarted(.init(
                runId: try fields.string("run_id"), workflow: try fields.string("workflow"),
                participants: (object["participants"]?.arrayValue ?? []).compactMap(\.stringValue),
                model: fields.optionalString("model"), graph: try object["graph"].map(WorkflowGraphWire.graph)))
        case "run_resumed":
            kind = .runResumed(.init(
                checkpointSequence: object["checkpoint_seq"]?.intValue ?? 0,
                completedTurns: object["completed_turns"]?.intValue ?? 0, lastAgent: fields.optionalString("last_agent")))
        case "agent_started":
            kind = .agentStarted(agent: try fields.string("agent"))
        case "text":
            kind = .textDelta(
                agent: fields.optionalString("agent") ?? "", messageId: fields.optionalString("message_id") ?? "",
                text: try fields.string("text"))
        case "reasoning":
            kind = .reasoningDelta(
                agent: try fields.string("agent"), messageId: fields.optionalString("message_id") ?? "",
                text: try fields.string("delta"))
        case "tool_call":
            kind = .toolCallStarted(
                agent: try fields.string("agent"), callId: fields.optionalString("call_id") ?? "",
                tool: try fields.string("tool"), arguments: fields.optionalString("arguments") ?? "")
        case "tool_call_arguments":
            kind = .toolCallArgumentsDelta(
                agent: try fields.string("agent"), callId: try fields.string("call_id"), delta: try fields.string("delta"))
        case "tool_progress":
            guard case let .number(progress)? = object["progress"] else {
                throw DecodingError(reason: "\"tool_progress\" lacks the number field \"progress\"")
            }
            var total: Double?
            if case let .number(value)? = object["total"] { total = value }
            kind = .toolProgress(
                agent: try fields.string("agent"), callId: try fields.string("call_id"),
                progress: ToolProgress(progress: progress, total: total, message: fields.optionalString("message")))
        case "tool_result":
            kind = .toolResult(.init(
                agent: try fields.string("agent"), callId: fields.optionalString("call_id") ?? "",
                tool: fields.optionalString("tool") ?? "", result: try fields.string("result"),
                isError: object["is_error"] == .bool(true), durationMs: fields.number("duration_ms")))
        case "agent_completed":
            kind = .agentCompleted(
                agent: try fields.string("agent"), usage: object["usage"].map(usage),
                finishReason: fields.optionalString("finish_reason").map { FinishReason(rawValue: $0) ?? .other },
                maxTokens: object["max_tokens"]?.intValue)
        case "agent_transition":
            kind = .transition(from: fields.optionalString("from"), to: try fields.string("to"), reason: fields.optionalString("reason"))
        case "approval_requested":
            kind = .approvalRequested(.init(
                requestId: try fields.string("request_id"), agent: try fields.string("agent"),
                callId: fields.optionalString("call_id") ?? "", tool: try fields.string("tool"),
                arguments: fields.optionalString("arguments") ?? ""))
        case "approval_resolved":
            guard case let .bool(approved)? = object["approved"] else {
                throw DecodingError(reason: "\"approval_resolved\" lacks the boolean field \"approved\"")
            }
            kind = .approvalResolved(.init(
                requestId: try fields.string("request_id"), agent: try fields.string("agent"),
                callId: fields.optionalString("call_id") ?? "", tool: fields.optionalString("tool") ?? "",
                decision: ApprovalDecision(
                    approved: approved, reason: fields.optionalString("reason"), answeredBy: fields.optionalString("answered_by"))))
        case "input_requested":
            kind = .inputRequested(.init(
                requestId: try fields.string("request_id"), agent: try fields.string("agent"),
                question: try fields.string("question"), schema: object["schema"]))
        case "input_provided":
            kind = .inputProvided(.init(
                requestId: try fields.string("request_id"), agent: try fields.string("agent"),
                answer: InputAnswer(text: try fields.string("answer"), answeredBy: fields.optionalString("answered_by"))))
        case "output":
            kind = .output(agent: fields.optionalString("agent"), text: try fields.string("output"))
        case "warning":
            kind = .warning(agent: fields.optionalString("agent"), message: try fields.string("message"))
        case "done":
            kind = .runCompleted(
                finalAgent: fields.optionalString("final_agent"), usage: object["usage"].map(usage) ?? .zero,
                durationMs: fields.number("duration_ms"))
        case "error":
            kind = .runFailed(error: try fields.string("error"), agent: fields.optionalString("agent"))
        case "cancelled":
            kind = .runCancelled(reason: fields.optionalString("reason"))
        default:
            throw DecodingError(reason: "unknown event type \"\(type)\"")
        }
        return WorkflowEvent(sequence: sequence, timestamp: timestamp, kind: kind)
    }

    private static func usage(_ value: JSONValue) -> Usage {
        Usage(
            inputTokens: value["input_tokens"]?.intValue ?? 0, outputTokens: value["output_tokens"]?.intValue ?? 0,
            estimated: value["estimated"] == .bool(true))
    }

    private struct Fields {
        let object: [String: JSONValue]

        func string(_ key: String) throws(DecodingError) -> String {
            guard let value = object[key]?.stringValue else {
                throw DecodingError(reason: "\"\(object["type"]?.stringValue ?? "event")\" lacks the text field \"\(key)\"")
            }
            return value
        }

        func optionalString(_ key: String) -> String? { object[key]?.stringValue }

        func number(_ key: String) -> Double {
            if case let .number(value)? = object[key] { return value }
            return 0
        }
    }
}

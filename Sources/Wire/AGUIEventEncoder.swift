import Foundation
import WorkflowCore

/// Encodes `WorkflowEvent`s as AG-UI events (camelCase JSON objects with a `type`), as Agent Framework's AG-UI
/// endpoint sends them: RUN_STARTED first; STEP_STARTED/STEP_FINISHED per agent; TEXT_MESSAGE_START/CONTENT/END;
/// REASONING_START, REASONING_MESSAGE_START/CONTENT/END, REASONING_END for a model's reasoning (its message id is
/// the response's with a `reasoning_` prefix, so it never collides with the text message); TOOL_CALL_START/ARGS/END
/// and TOOL_CALL_RESULT; CUSTOM for transitions, output and requests for a person (`approval_requested`,
/// `approval_resolved`, `input_requested`, `input_provided`, which flowtop's own clients read); a request also goes
/// out as Agent Framework sends it (`AGUIHumanLoop`), and a stream that must end at one ends with `interrupt()`;
/// RUN_FINISHED or RUN_ERROR last.
public struct AGUIEventEncoder: Sendable {
    /// Echoed from the client's `RunAgentInput`; flowtop's run id stands in when the client gave none.
    public private(set) var threadId: String?
    public private(set) var runId: String?
    private var openMessage: String?
    private var openReasoning: String?
    private var openToolCalls: Set<String> = []
    /// Agent steps started and not finished, innermost last (an interrupted stream closes them, its follow-up
    /// opens them again).
    public internal(set) var openSteps: [String] = []
    /// Requests announced and not yet resolved, oldest first: the interrupts of an interrupted stream.
    public internal(set) var pendingRequests: [HumanRequest] = []

    public init(threadId: String? = nil, runId: String? = nil) {
        self.threadId = threadId
        self.runId = runId
    }

    /// The AG-UI event objects (JSON text, keys in AG-UI's order) that `event` becomes; possibly several (closing
    /// an open message first), possibly none.
    public mutating func encode(_ event: WorkflowEvent) -> [String] {
        var out: [String] = []
        switch event.kind {
        case let .runStarted(info):
            if runId == nil { runId = info.runId }
            if threadId == nil { threadId = info.runId }
            out.append(object("RUN_STARTED", [("threadId", .string(threadId!)), ("runId", .string(runId!))]))
        case let .runResumed(info):
            var value: [(String, Field)] = [
                ("checkpointSeq", .raw(String(info.checkpointSequence))), ("completedTurns", .raw(String(info.completedTurns))),
            ]
            if let agent = info.lastAgent { value.append(("lastAgent", .string(agent))) }
            out.append(custom("run_resumed", value))
        case let .agentStarted(agent):
            openSteps.append(agent)
            out.append(object("STEP_STARTED", [("stepName", .string(agent))]))
        case let .textDelta(_, messageId, text):
            closeReasoning(into: &out)
            if openMessage != messageId {
                closeMessage(into: &out)
                openMessage = messageId
                out.append(object("TEXT_MESSAGE_START", [("messageId", .string(messageId)), ("role", .string("assistant"))]))
            }
            out.append(object("TEXT_MESSAGE_CONTENT", [("messageId", .string(messageId)), ("delta", .string(text))]))
        case let .reasoningDelta(_, messageId, text):
            let id = "reasoning_" + messageId
            if openReasoning != id {
                closeMessage(into: &out)
                openReasoning = id
                out.append(object("REASONING_START", [("messageId", .string(id))]))
                out.append(object("REASONING_MESSAGE_START", [("messageId", .string(id)), ("role", .string("reasoning"))]))
            }
            out.append(object("REASONING_MESSAGE_CONTENT", [("messageId", .string(id)), ("delta", .string(text))]))
        case let .toolCallStarted(_, callId, tool, arguments):
            var fields: [(String, Field)] = [("toolCallId", .string(callId)), ("toolCallName", .string(tool))]
            if let openMessage { fields.append(("parentMessageId", .string(openMessage))) }
            closeMessage(into: &out)
            out.append(object("TOOL_CALL_START", fields))
            if !arguments.isEmpty {
                out.append(object("TOOL_CALL_ARGS", [("toolCallId", .string(callId)), ("delta", .string(arguments))]))
                out.append(object("TOOL_CALL_END", [("toolCallId", .string(callId))]))
            } else {
                openToolCalls.insert(callId)
            }
        case let .toolCallArgumentsDelta(_, callId, delta):
            out.append(object("TOOL_CALL_ARGS", [("toolCallId", .string(callId)), ("delta", .string(delta))]))
        case .toolProgress:
            // AG-UI has no progress event for a tool call; its clients see the call and then its result.
            break
        case let .toolResult(info):
            if openToolCalls.remove(info.callId) != nil {
                out.append(object("TOOL_CALL_END", [("toolCallId", .string(info.callId))]))
            }
            out.append(object("TOOL_CALL_RESULT", [
                ("messageId", .string("result_" + info.callId)), ("toolCallId", .string(info.callId)),
                ("content", .string(info.result)), ("role", .string("tool")),
            ]))
        case let .agentCompleted(agent, _, _, _):
            closeMessage(into: &out)
            if let index = openSteps.lastIndex(of: agent) { openSteps.remove(at: index) }
            out.append(object("STEP_FINISHED", [("stepName", .string(agent))]))
        case let .transition(from, to, reason):
            var value: [(String, Field)] = []
            if let from { value.append(("from", .string(from))) }
            value.append(("to", .string(to)))
            if let reason { value.append(("reason", .string(reason))) }
            out.append(custom("handoff_sent", value))
        case let .output(agent, text):
            var value: [(String, Field)] = []
            if let agent { value.append(("agent", .string(agent))) }
            value.append(("text", .string(text)))
            out.append(custom("workflow_output", value))
        case let .approvalRequested(request):
            closeMessage(into: &out)
            out.append(custom("approval_requested", [
                ("requestId", .string(request.requestId)), ("agent", .string(request.agent)),
                ("toolCallId", .string(request.callId)), ("toolCallName", .string(request.tool)),
                ("arguments", .string(request.arguments)),
            ]))
            if openToolCalls.remove(request.callId) != nil {
                out.append(object("TOOL_CALL_END", [("toolCallId", .string(request.callId))]))
            }
            announce(.approval(request), into: &out)
        case let .approvalResolved(resolution):
            var value: [(String, Field)] = [
                ("requestId", .string(resolution.requestId)), ("agent", .string(resolution.agent)),
                ("toolCallId", .string(resolution.callId)), ("toolCallName", .string(resolution.tool)),
                ("approved", .raw(resolution.decision.approved ? "true" : "false")),
            ]
            if let reason = resolution.decision.reason { value.append(("reason", .string(reason))) }
            if let by = resolution.decision.answeredBy { value.append(("answeredBy", .string(by))) }
            out.append(custom("approval_resolved", value))
            pendingRequests.removeAll { $0.id == resolution.requestId }
        case let .inputRequested(request):
            closeMessage(into: &out)
            var value: [(String, Field)] = [
                ("requestId", .string(request.requestId)), ("agent", .string(request.agent)),
                ("question", .string(request.question)),
            ]
            if let schema = request.schema { value.append(("schema", .raw(schema.jsonText))) }
            out.append(custom("input_requested", value))
            announce(.input(request), into: &out)
        case let .inputProvided(provision):
            var value: [(String, Field)] = [
                ("requestId", .string(provision.requestId)), ("agent", .string(provision.agent)),
                ("answer", .string(provision.answer.text)),
            ]
            if let by = provision.answer.answeredBy { value.append(("answeredBy", .string(by))) }
            out.append(custom("input_provided", value))
            pendingRequests.removeAll { $0.id == provision.requestId }
        case let .warning(agent, message):
            var value: [(String, Field)] = []
            if let agent { value.append(("agent", .string(agent))) }
            value.append(("message", .string(message)))
            out.append(custom("warning", value))
        case .runCompleted:
            closeMessage(into: &out)
            out.append(object("RUN_FINISHED", [("threadId", .string(threadId ?? "")), ("runId", .string(runId ?? ""))]))
        case let .runFailed(error, _):
            closeMessage(into: &out)
            out.append(object("RUN_ERROR", [("message", .string(error))]))
        case let .runCancelled(reason):
            closeMessage(into: &out)
            out.append(object("RUN_ERROR", [("message", .string(reason ?? "cancelled")), ("code", .string("cancelled"))]))
        }
        return out
    }

    private mutating func closeReasoning(into out: inout [String]) {
        if let open = openReasoning {
            out.append(object("REASONING_MESSAGE_END", [("messageId", .string(open))]))
            out.append(object("REASONING_END", [("messageId", .string(open))]))
            openReasoning = nil
        }
    }

    /// Closes the open text message, and the open reasoning before it.
    mutating func closeMessage(into out: inout [String]) {
        closeReasoning(into: &out)
        if let open = openMessage {
            out.append(object("TEXT_MESSAGE_END", [("messageId", .string(open))]))
            openMessage = nil
        }
    }

    /// A `CUSTOM` event: how flowtop's transitions, output, warnings and requests for a person travel over AG-UI,
    /// which has no event of its own for them.
    func custom(_ name: String, _ value: [(String, Field)]) -> String {
        object("CUSTOM", [("name", .string(name)), ("value", .raw(ordered(value)))])
    }

    func object(_ type: String, _ fields: [(String, Field)]) -> String {
        ordered([("type", .string(type))] + fields)
    }

    func ordered(_ fields: [(String, Field)]) -> String {
        var text = "{"
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { text += "," }
            JSONValue.writeQuoted(key, to: &text)
            text += ":"
            switch value {
            case let .raw(json): text += json
            case let .string(string): JSONValue.writeQuoted(string, to: &text)
            }
        }
        return text + "}"
    }

    /// A field value: a string, or JSON already written (nested objects keep their key order).
    enum Field: Sendable {
        case string(String)
        case raw(String)
    }
}

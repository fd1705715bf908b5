import WorkflowCore

/// Where an AG-UI stream stopped to wait for a person: what a follow-up run needs to answer (the same thread, the
/// requests, the conversation so far as the server's last `MESSAGES_SNAPSHOT` gave it).
public struct AGUIInterruption: Sendable, Hashable {
    public var threadId: String?
    public var runId: String?
    /// The requests the run waits on, oldest first.
    public var requests: [HumanRequest]
    /// The messages of the stream's last `MESSAGES_SNAPSHOT` (nil when it sent none).
    public var messages: [JSONValue]?

    public init(threadId: String?, runId: String?, requests: [HumanRequest], messages: [JSONValue]? = nil) {
        self.threadId = threadId
        self.runId = runId
        self.requests = requests
        self.messages = messages
    }
}

/// Requests for a person over AG-UI: Agent Framework's events, flowtop's `CUSTOM` ones, the interrupt that ends a
/// stream at them, and the follow-up run that goes on.
extension AGUIStreamDecoder {
    /// A tool call that stands for a request (`confirm_changes`, `request_info`), not a tool the agent runs.
    func isRequestCall(_ object: [String: JSONValue]) -> Bool {
        let name = object.string("toolCallName")
        return name == AGUIHumanLoop.confirmTool || name == AGUIHumanLoop.requestInfoTool
    }

    /// Emits a request event once, however many ways it arrives (flowtop's server sends its own and Agent
    /// Framework's); a resolution once too (a follow-up already showed it).
    mutating func requestEvent(_ kind: WorkflowEvent.Kind, at timestamp: Double) {
        switch kind {
        case .approvalRequested, .inputRequested:
            guard let request = kind.announcedRequest, requests[request.id] == nil else {
                return ledger.ignore("a request announced already")
            }
            requests[request.id] = request
        case let .approvalResolved(resolution):
            guard resolved.insert(resolution.requestId).inserted else { return ledger.ignore("a request resolved already") }
        case let .inputProvided(provision):
            guard resolved.insert(provision.requestId).inserted else { return ledger.ignore("a request resolved already") }
        default:
            break
        }
        ledger.emit(kind, at: timestamp)
    }

    /// `CUSTOM function_approval_request` (`{id, function_call{call_id, name, arguments}}`) or `CUSTOM request_info`
    /// (`{request_id, source_executor_id, data}`) as a request event.
    mutating func agentFrameworkRequest(_ name: String, _ value: JSONValue?, at timestamp: Double) -> WorkflowEvent.Kind? {
        guard let value else { return nil }
        if name == "function_approval_request" {
            guard let id = value["id"]?.stringValue, let call = value["function_call"] else { return nil }
            let callId = call["call_id"]?.stringValue ?? ""
            let arguments = call["arguments"].map { $0.stringValue ?? $0.jsonText } ?? ""
            return .approvalRequested(.init(
                requestId: id, agent: calls[callId]?.agent ?? currentAgent(at: timestamp), callId: callId,
                tool: call["name"]?.stringValue ?? calls[callId]?.tool ?? "", arguments: arguments))
        }
        guard let id = value["request_id"]?.stringValue else { return nil }
        let agent = value["source_executor_id"]?.stringValue.flatMap { isAgentStep($0) ? $0 : nil }
            ?? currentAgent(at: timestamp)
        let data = value["data"]
        let question = data?["question"]?.stringValue ?? data?["prompt"]?.stringValue ?? data?["message"]?.stringValue
            ?? data.map { $0.stringValue ?? $0.jsonText } ?? ""
        return .inputRequested(.init(requestId: id, agent: agent, question: question, schema: data?["schema"]))
    }

    /// `RUN_FINISHED` with `outcome.type` `interrupt`: the run waits. Interrupts no event announced are announced
    /// from the interrupt itself; the run does not end here.
    mutating func interrupted(_ object: [String: JSONValue], at timestamp: Double) {
        var waiting: [HumanRequest] = []
        for interrupt in object["outcome"]?["interrupts"]?.arrayValue ?? [] {
            guard let id = interrupt["id"]?.stringValue else { continue }
            if requests[id] == nil, let kind = request(fromInterrupt: interrupt, id: id, at: timestamp) {
                requestEvent(kind, at: timestamp)
            }
            if let request = requests[id], !resolved.contains(id) { waiting.append(request) }
        }
        interruption = AGUIInterruption(
            threadId: object.string("threadId") ?? threadId, runId: object.string("runId") ?? runId,
            requests: waiting, messages: snapshot)
        ledger.ignore("RUN_FINISHED (interrupted)")
    }

    private mutating func request(fromInterrupt interrupt: JSONValue, id: String, at timestamp: Double) -> WorkflowEvent.Kind? {
        let metadata = interrupt["metadata"]?["agent_framework"]
        if interrupt["reason"]?.stringValue == "tool_call" {
            let call = metadata?["function_call"]
            let callId = interrupt["toolCallId"]?.stringValue ?? call?["call_id"]?.stringValue ?? ""
            return .approvalRequested(.init(
                requestId: id, agent: calls[callId]?.agent ?? currentAgent(at: timestamp), callId: callId,
                tool: call?["name"]?.stringValue ?? calls[callId]?.tool ?? "",
                arguments: call?["arguments"].map { $0.stringValue ?? $0.jsonText } ?? ""))
        }
        let agent = metadata?["source_executor_id"]?.stringValue.flatMap { isAgentStep($0) ? $0 : nil }
            ?? currentAgent(at: timestamp)
        return .inputRequested(.init(
            requestId: id, agent: agent, question: interrupt["message"]?.stringValue ?? "",
            schema: interrupt["responseSchema"]))
    }

    /// The follow-up run is on its way with `answers`: their resolutions are shown now (Agent Framework sends none;
    /// a flowtop server's own come later and are dropped as repeats), and the stream that follows is read as the same
    /// run.
    public mutating func resume(answering answers: [(request: HumanRequest, response: HumanResponse)], at timestamp: Double) -> [WorkflowEvent] {
        interruption = nil
        snapshot = nil
        for (request, response) in answers {
            if let resolution = request.resolution(by: response) { requestEvent(resolution, at: timestamp) }
        }
        return ledger.drain()
    }
}

import EventStream
import WorkflowCore

/// AG-UI (docs.ag-ui.com): `data: {"type": "TEXT_MESSAGE_CONTENT", ...}` with camelCase keys and no `event:` line.
///
/// Agents are the `STEP_STARTED`/`STEP_FINISHED` steps that `isAgentStep` accepts (the Agent Framework names steps
/// after executor ids, and also opens `superstep:N` steps and bookkeeping executors that are not agents). Message,
/// reasoning and tool-call events belong to the innermost open agent step when they start, or to a default agent
/// when the endpoint has no steps (a single agent); a `TEXT_MESSAGE_START` with a `name` names its agent. `CUSTOM`
/// `handoff_sent` (`{source, target}`) and `group_chat` (`{participant_name, round_index}`) become transitions; so
/// does a new agent step after another agent's when the server announced none. Agent Framework reports each model
/// call's tokens as `CUSTOM` `usage` (`{input_token_count, output_token_count}`), added to the agent whose step is
/// open and to the run's total; an executor's `ACTIVITY_SNAPSHOT` with status `failed` is a warning on its agent.
/// Requests for a person arrive as Agent Framework sends them or as flowtop's `CUSTOM` events (each request once);
/// a `RUN_FINISHED` with an interrupt outcome does not end the run but leaves `interruption` for a follow-up run,
/// whose stream this decoder goes on reading (`resume(answering:at:)`).
public struct AGUIStreamDecoder: RemoteStreamDecoder, Sendable {
    /// The pane for events outside any agent step.
    public let defaultAgentName: String
    /// The run's name in `runStarted`.
    public let workflowName: String
    /// Executor ids that are plumbing, not agents (besides every `superstep:N`).
    public let bookkeepingSteps: Set<String>

    public static let defaultBookkeepingSteps: Set<String> = ["input-conversation", "end-conversation", "end"]

    /// Event types that carry nothing flowtop shows; counted in `ignoredEventCounts`, never warned about.
    public static let ignoredTypes: Set<String> = [
        "TEXT_MESSAGE_END", "TOOL_CALL_END", "REASONING_END", "REASONING_MESSAGE_END", "REASONING_ENCRYPTED_VALUE",
        "THINKING_END", "THINKING_TEXT_MESSAGE_END", "STATE_SNAPSHOT", "STATE_DELTA", "MESSAGES_SNAPSHOT",
        "ACTIVITY_DELTA", "RAW",
    ]

    var ledger = DecoderLedger()
    private var runStarted = false
    private var startTime = 0.0
    /// Open agent steps, innermost last.
    private var openSteps: [String] = []
    /// Whether the default agent's pane was opened (events arrived outside any step).
    private var defaultAgentOpen = false
    private var lastAgent: String?
    /// The agent a transition already announced, so its step start does not announce it again.
    private var announced: String?
    private var messageAgents: [String: String] = [:]
    var calls: [String: (agent: String, tool: String, started: Double)] = [:]
    /// Requests announced so far, by id (each is shown once, whichever way it came); resolved ones are kept too.
    var requests: [String: HumanRequest] = [:]
    var resolved: Set<String> = []
    /// Tool calls that stand for a request (`confirm_changes`, `request_info`): not tools the agent runs.
    private var requestCalls: Set<String> = []
    /// The ids the run was given in its last `RUN_STARTED`, and the latest `MESSAGES_SNAPSHOT`'s messages.
    var threadId: String?
    var runId: String?
    var snapshot: [JSONValue]?
    /// Where the stream stopped at requests for a person (`RUN_FINISHED` with an interrupt outcome).
    public internal(set) var interruption: AGUIInterruption?
    private var texts: [String: String] = [:]
    private var lastTextAgent: String?
    /// Tokens reported for each agent not yet completed, and for the whole run.
    private var agentUsage: [String: Usage] = [:]
    /// The agent a named message opened outside any step (a single-agent endpoint that names its agent).
    private var namedAgentOpen: String?
    private var runUsage = Usage.zero

    public init(
        defaultAgentName: String = "agent", workflowName: String = "remote",
        bookkeepingSteps: Set<String> = AGUIStreamDecoder.defaultBookkeepingSteps
    ) {
        self.defaultAgentName = defaultAgentName
        self.workflowName = workflowName
        self.bookkeepingSteps = bookkeepingSteps
    }

    public var unknownEventCounts: [String: Int] { ledger.unknownCounts }
    public var ignoredEventCounts: [String: Int] { ledger.ignoredCounts }

    /// Whether a step is an agent: not `superstep:N`, not a bookkeeping executor, not empty.
    public func isAgentStep(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("superstep:") && !bookkeepingSteps.contains(name)
    }

    public mutating func decode(_ event: SSEEvent, at timestamp: Double) -> [WorkflowEvent] {
        ledger.received += 1
        guard !ledger.isTerminated else { return [] }
        if runStarted, decodeDelta(event.data, at: timestamp) { return ledger.drain() }
        guard let object = ledger.object(event.data, at: timestamp) else { return ledger.drain() }
        guard let type = object.string("type") ?? (event.type == "message" ? nil : event.type) else {
            ledger.warn("no \"type\" field", at: timestamp)
            return ledger.drain()
        }
        if type != "RUN_STARTED" { ensureRunStarted(runId: "", at: timestamp) }
        if type.hasPrefix("TOOL_CALL_"), let id = object.string("toolCallId"), requestCalls.contains(id) {
            ledger.ignore("\(type) (a request for a person)")
            return ledger.drain()
        }
        switch type {
        case "RUN_STARTED":
            threadId = object.string("threadId") ?? threadId
            runId = object.string("runId") ?? runId
            ensureRunStarted(runId: object.string("runId") ?? "", at: timestamp)
        case "STEP_STARTED":
            let name = object.string("stepName") ?? ""
            guard isAgentStep(name) else { ledger.ignore("\(type) (not an agent)"); break }
            if let previous = lastAgent, previous != name, announced != name {
                ledger.emit(.transition(from: previous, to: name, reason: "next step"), at: timestamp)
            }
            announced = nil
            openSteps.append(name)
            lastAgent = name
            ledger.emit(.agentStarted(agent: name), at: timestamp)
        case "STEP_FINISHED":
            let name = object.string("stepName") ?? ""
            guard isAgentStep(name) else { ledger.ignore("\(type) (not an agent)"); break }
            if let index = openSteps.lastIndex(of: name) {
                openSteps.remove(at: index)
                ledger.emit(.agentCompleted(agent: name, usage: agentUsage.removeValue(forKey: name)), at: timestamp)
            }
        case "TEXT_MESSAGE_START", "REASONING_START", "REASONING_MESSAGE_START", "THINKING_START",
            "THINKING_TEXT_MESSAGE_START":
            if let id = object.string("messageId") {
                let named = object.string("name").flatMap { name in namedAgent(name, at: timestamp) }
                messageAgents[id] = named ?? currentAgent(at: timestamp)
            }
            ledger.ignore(type)
        case "ACTIVITY_SNAPSHOT":
            activity(object, at: timestamp)
        case "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CHUNK":
            let id = object.string("messageId") ?? ""
            let agent = agent(forMessage: id, at: timestamp)
            guard let delta = object.string("delta") else { break }
            text(delta, agent: agent, message: id, at: timestamp)
        case "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_CHUNK", "THINKING_TEXT_MESSAGE_CONTENT":
            let id = object.string("messageId") ?? ""
            let agent = agent(forMessage: id, at: timestamp)
            guard let delta = object.string("delta") else { break }
            ledger.emit(.reasoningDelta(agent: agent, messageId: id, text: delta), at: timestamp)
        case "TOOL_CALL_START" where isRequestCall(object):
            requestCalls.insert(object.string("toolCallId") ?? "")
            ledger.ignore("TOOL_CALL_START (a request for a person)")
        case "MESSAGES_SNAPSHOT":
            snapshot = object["messages"]?.arrayValue
            ledger.ignore(type)
        case "RUN_FINISHED" where object["outcome"]?["type"]?.stringValue == "interrupt":
            interrupted(object, at: timestamp)
        case "TOOL_CALL_START":
            // `parentMessageId` may name a message that was never started: attribution does not depend on it.
            startCall(id: object.string("toolCallId") ?? "", tool: object.string("toolCallName") ?? "", at: timestamp)
        case "TOOL_CALL_ARGS":
            let id = object.string("toolCallId") ?? ""
            guard let delta = object.string("delta") else { break }
            if calls[id] == nil { startCall(id: id, tool: "", at: timestamp) }
            ledger.emit(.toolCallArgumentsDelta(agent: calls[id]!.agent, callId: id, delta: delta), at: timestamp)
        case "TOOL_CALL_CHUNK":
            let id = object.string("toolCallId") ?? calls.keys.first ?? ""
            if calls[id] == nil { startCall(id: id, tool: object.string("toolCallName") ?? "", at: timestamp) }
            if let delta = object.string("delta"), !delta.isEmpty {
                ledger.emit(.toolCallArgumentsDelta(agent: calls[id]!.agent, callId: id, delta: delta), at: timestamp)
            }
        case "TOOL_CALL_RESULT":
            let id = object.string("toolCallId") ?? ""
            let call = calls[id] ?? (agent: currentAgent(at: timestamp), tool: "", started: timestamp)
            let content = object["content"].map { $0.stringValue ?? $0.jsonText } ?? ""
            ledger.emit(.toolResult(.init(
                agent: call.agent, callId: id, tool: call.tool, result: content, isError: false,
                durationMs: max(0, timestamp - call.started) * 1000)), at: timestamp)
        case "CUSTOM":
            custom(name: object.string("name") ?? "", value: object["value"], at: timestamp)
        case "RUN_FINISHED":
            finishRun(at: timestamp)
        case "RUN_ERROR":
            let message = object.string("message") ?? object.string("code") ?? "the run failed"
            ledger.emit(.runFailed(error: message, agent: openSteps.last), at: timestamp)
        default:
            if Self.ignoredTypes.contains(type) { ledger.ignore(type) } else { ledger.unknown(type, at: timestamp) }
        }
        return ledger.drain()
    }

    public mutating func finish(at timestamp: Double) -> [WorkflowEvent] {
        guard !ledger.isTerminated else { return [] }
        if let interruption {
            let ids = interruption.requests.map(\.id).joined(separator: ", ")
            ledger.emit(.runFailed(
                error: "the run stopped to wait for a person (\(ids)); it goes on when a follow-up run on thread "
                    + "\(interruption.threadId ?? "?") answers", agent: openSteps.last), at: timestamp)
            return ledger.drain()
        }
        ledger.emit(.runFailed(error: "the stream ended before RUN_FINISHED", agent: openSteps.last), at: timestamp)
        return ledger.drain()
    }

    /// The hot path: a text, reasoning or tool-argument delta, read without a dictionary. False when the event is
    /// anything else (or unusual), for the general path.
    private mutating func decodeDelta(_ data: String, at timestamp: Double) -> Bool {
        guard let picked = PickedMembers(data, types: Self.deltaTypes, ["messageId", "delta", "toolCallId"]),
              let delta = picked.string(1)
        else { return false }
        switch picked.type {
        case 0, 1:
            let id = picked.string(0) ?? ""
            text(delta, agent: agent(forMessage: id, at: timestamp), message: id, at: timestamp)
        case 2, 3, 4:
            let id = picked.string(0) ?? ""
            ledger.emit(.reasoningDelta(agent: agent(forMessage: id, at: timestamp), messageId: id, text: delta), at: timestamp)
        default:
            guard let id = picked.string(2), let call = calls[id] else { return false }
            ledger.emit(.toolCallArgumentsDelta(agent: call.agent, callId: id, delta: delta), at: timestamp)
        }
        return true
    }

    /// The delta types of the hot path, in the order `decodeDelta` tells them apart.
    private static let deltaTypes: [StaticString] = [
        "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CHUNK", "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_CHUNK",
        "THINKING_TEXT_MESSAGE_CONTENT", "TOOL_CALL_ARGS",
    ]

    private mutating func text(_ delta: String, agent: String, message id: String, at timestamp: Double) {
        texts[agent, default: ""] += delta
        lastTextAgent = agent
        ledger.emit(.textDelta(agent: agent, messageId: id, text: delta), at: timestamp)
    }

    private mutating func ensureRunStarted(runId: String, at timestamp: Double) {
        guard !runStarted else { return }
        runStarted = true
        startTime = timestamp
        ledger.emit(.runStarted(.init(runId: runId, workflow: workflowName, participants: [])), at: timestamp)
    }

    /// The innermost agent step, the agent a named message opened, or the default agent (opening its pane on
    /// first use).
    mutating func currentAgent(at timestamp: Double) -> String {
        if let agent = openSteps.last { return agent }
        if let named = namedAgentOpen { return named }
        if !defaultAgentOpen {
            defaultAgentOpen = true
            lastAgent = defaultAgentName
            ledger.emit(.agentStarted(agent: defaultAgentName), at: timestamp)
        }
        return defaultAgentName
    }

    private mutating func agent(forMessage id: String, at timestamp: Double) -> String {
        if let agent = messageAgents[id] { return agent }
        let agent = currentAgent(at: timestamp)
        if !id.isEmpty { messageAgents[id] = agent }
        return agent
    }

    private mutating func startCall(id: String, tool: String, at timestamp: Double) {
        let agent = currentAgent(at: timestamp)
        calls[id] = (agent, tool, timestamp)
        ledger.emit(.toolCallStarted(agent: agent, callId: id, tool: tool, arguments: ""), at: timestamp)
    }

    private mutating func custom(name: String, value: JSONValue?, at timestamp: Double) {
        switch name {
        case "handoff_sent":
            // Agent Framework names the two ends `source`/`target`; flowtop's own encoder `from`/`to`, with a reason.
            guard let target = (value?["target"] ?? value?["to"])?.stringValue else {
                return ledger.warn("handoff_sent without a target", at: timestamp)
            }
            let source = (value?["source"] ?? value?["from"])?.stringValue ?? lastAgent
            ledger.emit(.transition(from: source, to: target, reason: value?["reason"]?.stringValue ?? "handoff"), at: timestamp)
            announced = target
        case "group_chat":
            // The Agent Framework sends one when a participant is asked and one when it answered; only a change of
            // speaker is a transition.
            guard let speaker = value?["participant_name"]?.stringValue else {
                return ledger.ignore("CUSTOM group_chat")
            }
            guard speaker != (announced ?? lastAgent) else { return ledger.ignore("CUSTOM group_chat") }
            let round = value?["round_index"]?.intValue.map { "group chat round \($0)" } ?? "group chat"
            ledger.emit(.transition(from: lastAgent, to: speaker, reason: round), at: timestamp)
            announced = speaker
        case "usage":
            guard let fields = value?.objectValue else { return ledger.warn("CUSTOM usage without figures", at: timestamp) }
            func count(_ keys: String...) -> Int { keys.lazy.compactMap { fields[$0]?.intValue }.first ?? 0 }
            let usage = Usage(
                inputTokens: count("input_token_count", "prompt_tokens", "input_tokens", "inputTokens"),
                outputTokens: count("output_token_count", "completion_tokens", "output_tokens", "outputTokens"))
            let agent = openSteps.last ?? (defaultAgentOpen ? defaultAgentName : lastAgent ?? currentAgent(at: timestamp))
            agentUsage[agent] = (agentUsage[agent] ?? .zero) + usage
            runUsage = runUsage + usage
            ledger.ignore("CUSTOM usage")
        case "approval_requested", "approval_resolved", "input_requested", "input_provided":
            guard let kind = HumanRequestCustomEvent.kind(name: name, value: value, fallbackAgent: currentAgent(at: timestamp)) else {
                return ledger.warn("CUSTOM \(name) without a request_id", at: timestamp)
            }
            requestEvent(kind, at: timestamp)
        case "function_approval_request", "request_info":
            guard let kind = agentFrameworkRequest(name, value, at: timestamp) else {
                return ledger.warn("CUSTOM \(name) without a request id", at: timestamp)
            }
            requestEvent(kind, at: timestamp)
        default:
            ledger.ignore("CUSTOM \(name)")
        }
    }

    /// The agent a message's `name` gives: opened (with a transition from the previous one) when new.
    private mutating func namedAgent(_ name: String, at timestamp: Double) -> String? {
        guard isAgentStep(name) else { return nil }
        if openSteps.last == name || (openSteps.isEmpty && lastAgent == name) { return name }
        if openSteps.isEmpty {
            if let previous = lastAgent, previous != name {
                ledger.emit(.transition(from: previous, to: name, reason: nil), at: timestamp)
                // Only an agent still open here ends here; a step agent ended with its STEP_FINISHED.
                if previous == namedAgentOpen || (previous == defaultAgentName && defaultAgentOpen) {
                    ledger.emit(.agentCompleted(agent: previous, usage: agentUsage.removeValue(forKey: previous)), at: timestamp)
                }
            }
            defaultAgentOpen = false
            lastAgent = name
            ledger.emit(.agentStarted(agent: name), at: timestamp)
            namedAgentOpen = name
        }
        return name
    }

    /// Agent Framework's executor activity: a failed executor says why.
    private mutating func activity(_ object: [String: JSONValue], at timestamp: Double) {
        let content = object["content"]
        guard object.string("activityType") == "executor", content?["status"]?.stringValue == "failed" else {
            return ledger.ignore("ACTIVITY_SNAPSHOT")
        }
        let executor = content?["executor_id"]?.stringValue ?? "an executor"
        let error = content?["error"].map { $0.stringValue ?? $0["message"]?.stringValue ?? $0.jsonText } ?? "no reason given"
        ledger.emit(.warning(agent: isAgentStep(executor) ? executor : nil, message: "\(executor) failed: \(error)"), at: timestamp)
    }

    private mutating func finishRun(at timestamp: Double) {
        for agent in openSteps.reversed() {
            ledger.emit(.agentCompleted(agent: agent, usage: agentUsage.removeValue(forKey: agent)), at: timestamp)
        }
        openSteps.removeAll()
        if defaultAgentOpen {
            defaultAgentOpen = false
            ledger.emit(.agentCompleted(agent: defaultAgentName, usage: agentUsage.removeValue(forKey: defaultAgentName)), at: timestamp)
        }
        if let named = namedAgentOpen {
            namedAgentOpen = nil
            ledger.emit(.agentCompleted(agent: named, usage: agentUsage.removeValue(forKey: named)), at: timestamp)
        }
        let finalAgent = lastTextAgent ?? lastAgent
        ledger.emit(.output(agent: finalAgent, text: finalAgent.flatMap { texts[$0] } ?? ""), at: timestamp)
        ledger.emit(
            .runCompleted(finalAgent: finalAgent, usage: runUsage, durationMs: max(0, timestamp - startTime) * 1000),
            at: timestamp)
    }
}

import EventStream
import Foundation
import WorkflowCore

/// Agent Framework DevUI's stream (`POST /v1/responses`): OpenAI Responses-API events, one `data:` JSON line each,
/// no `id:` and no keepalives, ending with `data: [DONE]` even after an error.
///
/// A workflow's executors are output items of type `executor_action` (`executor_id`); each becomes a pane, and the
/// step from one executor to the next is a transition. Text (`response.output_text.delta`) belongs to the executor
/// its `metadata.executor_id` or its item names; an agent entity (no executors) speaks through `message` items in
/// one pane named `agentName`. Tools are `function_call` items, their arguments stream as
/// `response.function_call_arguments.delta` keyed by the item, and `response.function_result.complete` carries the
/// result by `call_id`. `response.completed` ends the run with its usage; `error` and `response.failed` end it as
/// failed. Spans and workflow bookkeeping (`response.trace.completed`, `response.workflow_event.complete[d]`, content
/// parts) are known and dropped; anything else is counted as unknown.
///
/// A run that asks a person (`response.function_approval.requested`, `response.request_info.requested`) goes on
/// over several responses of one conversation: its `response.completed` with requests pending does not end the run
/// (`isWaiting`), and the follow-up response that carries the answers (`followUp(carrying:)`) is decoded by the same
/// decoder, so its events continue the run's numbers, panes and usage with no second `runStarted`. DevUI never says
/// it took an answer (`response.function_approval.responded` is not sent), so the resolution is emitted when the
/// follow-up first shows work; an `error` and `response.failed` before that mean DevUI refused it, and the run is
/// left as it was, still waiting (`followUpOutcome`).
public struct DevUIStreamDecoder: RemoteStreamDecoder, Sendable {
    /// The pane of an agent entity, whose stream names no executor.
    public let agentName: String
    public let workflowName: String

    private var ledger = DecoderLedger()
    private var started = false
    private var startTime = 0.0
    /// Item id → the executor (agent) it belongs to; output index → the executor whose item holds that index.
    private var itemAgent: [String: String] = [:]
    private var indexAgent: [Int: String] = [:]
    /// Agents that have started and not completed, in start order.
    private var running: [String] = []
    private var lastAgent: String?
    /// The text each agent wrote, for the run's output.
    private var text: [String: String] = [:]
    private var textOrder: [String] = []
    private var calls: [String: (agent: String, tool: String, startedAt: Double)] = [:]
    /// A function-call item's id → its `call_id` (they are equal in what DevUI sends, but nothing promises it).
    private var itemCall: [String: String] = [:]
    private var lastError: String?
    /// Requests for a person DevUI waits on, oldest first.
    private var pending: [HumanRequest] = []
    /// A response completed with requests pending: the run goes on in a follow-up response.
    private var paused = false
    /// The answers the follow-up now streaming carries, resolved once it shows it took them.
    private var carried: [(request: HumanRequest, response: HumanResponse)] = []
    /// What the last follow-up did with its answers (nil until it tells).
    public private(set) var followUpOutcome: FollowUpOutcome?
    /// The usage of the responses completed so far while the run waited.
    private var usageSoFar = Usage.zero

    /// Whether DevUI took the answers a follow-up response carried.
    public enum FollowUpOutcome: Sendable, Hashable {
        case taken
        /// DevUI answered the follow-up with `error` / `response.failed` before any work: why, in its words.
        case refused(String)
    }

    public init(agentName: String = "agent", workflowName: String = "remote") {
        self.agentName = agentName
        self.workflowName = workflowName
    }

    public var unknownEventCounts: [String: Int] { ledger.unknownCounts }
    public var ignoredEventCounts: [String: Int] { ledger.ignoredCounts }

    /// Whether the run waits on a person: a response ended with requests pending, and only a follow-up response
    /// with their answers continues it.
    public var isWaiting: Bool { paused && !pending.isEmpty && !ledger.isTerminated }

    /// The requests DevUI waits on, oldest first.
    public var pendingRequests: [HumanRequest] { pending }

    /// The next stream is the follow-up response carrying `answers` (each to one of `pendingRequests`): their
    /// resolutions are emitted when it shows it took them.
    public mutating func followUp(carrying answers: [(request: HumanRequest, response: HumanResponse)]) {
        followUpOutcome = nil
        lastError = nil
        carried = answers
    }

    /// Types DevUI sends (or documents) that carry nothing a viewer shows.
    static let dropped: Set<String> = [
        "response.in_progress", "response.trace.completed", "response.trace.complete",
        "response.workflow_event.completed", "response.workflow_event.complete", "response.content_part.added",
        "response.content_part.done", "response.output_text.done", "response.function_call_arguments.done",
        "response.reasoning_text.done", "response.reasoning_summary_text.done", "response.reasoning_summary_part.added",
        "response.reasoning_summary_part.done",
    ]

    public mutating func decode(_ event: SSEEvent, at timestamp: Double) -> [WorkflowEvent] {
        ledger.received += 1
        guard !ledger.isTerminated else { return [] }
        if started, carried.isEmpty, decodeDelta(event.data, at: timestamp) { return ledger.drain() }
        if OpenAIChunk.isDone(event.data) {
            if !carried.isEmpty { refuse(lastError ?? "DevUI ended the follow-up response without taking the answer") }
            // A response that stopped for a person ends its stream; the run goes on in the follow-up.
            if paused { return ledger.drain() }
            start(runId: "", at: timestamp)
            fail(lastError ?? "the stream ended with [DONE] before response.completed", at: timestamp)
            return ledger.drain()
        }
        guard let object = ledger.object(event.data, at: timestamp) else { return ledger.drain() }
        guard let type = object.string("type") else {
            ledger.warn("an event without \"type\"", at: timestamp)
            return ledger.drain()
        }
        if !carried.isEmpty {
            switch type {
            case "error":
                // Before any work, DevUI's error is its answer to the follow-up, not the run's failure.
                lastError = object.string("message") ?? object["error"]?["message"]?.stringValue ?? "DevUI reported an error"
                return ledger.drain()
            case "response.failed":
                refuse(lastError ?? object["response"]?["error"]?["message"]?.stringValue ?? "the follow-up response failed")
                return ledger.drain()
            case "response.created", "response.in_progress": break
            default:
                if !Self.dropped.contains(type) { takeCarried(at: timestamp) }
            }
        }
        switch type {
        case "response.created":
            start(runId: object["response"]?["id"]?.stringValue ?? "", at: timestamp)
        case "response.output_item.added":
            start(runId: "", at: timestamp)
            itemAdded(object["item"] ?? .null, index: object["output_index"]?.intValue, at: timestamp)
        case "response.output_item.done":
            itemDone(object["item"] ?? .null, index: object["output_index"]?.intValue, at: timestamp)
        case "response.output_text.delta", "response.reasoning_text.delta", "response.reasoning_summary_text.delta":
            start(runId: "", at: timestamp)
            delta(object, reasoning: type != "response.output_text.delta", at: timestamp)
        case "response.function_call_arguments.delta":
            arguments(object.string("delta") ?? "", item: object.string("item_id") ?? "", at: timestamp)
        case "response.function_result.complete", "response.function_result.completed":
            result(object, at: timestamp)
        case "response.function_approval.requested":
            // The call streamed as a function_call item; its pane is the one that made it.
            let call = object["function_call"]
            let callId = call?["id"]?.stringValue ?? ""
            let arguments = call?["arguments"].map { $0.stringValue ?? $0.jsonText } ?? ""
            let request = ApprovalRequest(
                requestId: object.string("request_id") ?? "", agent: calls[callId]?.agent ?? lastAgent ?? agentName,
                callId: callId, tool: call?["name"]?.stringValue ?? "", arguments: arguments)
            pending.append(.approval(request))
            ledger.emit(.approvalRequested(request), at: timestamp)
        case "response.request_info.requested":
            // Agent Framework's request_info: the executor's request data (its `question` when it has one) and
            // the schema the answer must fit.
            let data = object["request_data"]
            let question = data?["question"]?.stringValue ?? data?["prompt"]?.stringValue
                ?? data.map { $0.stringValue ?? $0.jsonText } ?? "The workflow asks for input"
            let request = InputRequest(
                requestId: object.string("request_id") ?? "", agent: object.string("source_executor_id") ?? lastAgent ?? agentName,
                question: question, schema: object["response_schema"])
            pending.append(.input(request))
            ledger.emit(.inputRequested(request), at: timestamp)
        case "error":
            lastError = object.string("message") ?? object["error"]?["message"]?.stringValue ?? "DevUI reported an error"
            ledger.emit(.warning(agent: lastAgent, message: lastError!), at: timestamp)
        case "response.failed":
            start(runId: object["response"]?["id"]?.stringValue ?? "", at: timestamp)
            let reason = object["response"]?["error"]?["message"]?.stringValue ?? lastError ?? "the response failed"
            fail(reason, at: timestamp)
        case "response.completed":
            start(runId: object["response"]?["id"]?.stringValue ?? "", at: timestamp)
            complete(usage: object["response"]?["usage"], at: timestamp)
        default:
            if Self.dropped.contains(type) {
                ledger.ignore(type)
            } else {
                ledger.unknown(type, at: timestamp)
            }
        }
        return ledger.drain()
    }

    /// The hot path: a text or argument delta, read without a dictionary; false for anything else, for the general
    /// path.
    private mutating func decodeDelta(_ data: String, at timestamp: Double) -> Bool {
        guard let picked = PickedMembers(
            data, types: ["response.output_text.delta", "response.function_call_arguments.delta"],
            ["item_id", "delta", "output_index"], nested: ("metadata", "executor_id")),
            let fragment = picked.string(1)
        else { return false }
        let item = picked.string(0) ?? ""
        if picked.type == 0 {
            write(fragment, reasoning: false, item: item, executor: picked.nested?.stringValue,
                  index: picked[2]?.intValue, at: timestamp)
        } else {
            arguments(fragment, item: item, at: timestamp)
        }
        return true
    }

    public mutating func finish(at timestamp: Double) -> [WorkflowEvent] {
        guard !ledger.isTerminated else { return [] }
        start(runId: "", at: timestamp)
        if isWaiting {
            // No follow-up will come (nothing here can answer): say what the run is left waiting on.
            let asked = pending.map { request -> String in
                switch request {
                case let .approval(approval): return "\(approval.agent)'s \(approval.tool) call needs approval"
                case let .input(input): return "\(input.agent) asks: \(input.question)"
                }
            }
            fail("DevUI waits for a person (" + asked.joined(separator: "; ")
                + "); attach answers DevUI's requests from its dashboard", at: timestamp)
            return ledger.drain()
        }
        fail(
            lastError ?? "the stream ended before response.completed (DevUI cannot resume a response, so flowtop does not reconnect)",
            at: timestamp)
        return ledger.drain()
    }

    // MARK: Items

    private mutating func itemAdded(_ item: JSONValue, index: Int?, at timestamp: Double) {
        switch item["type"]?.stringValue {
        case "executor_action":
            let agent = item["executor_id"]?.stringValue ?? "executor"
            if let id = item["id"]?.stringValue { itemAgent[id] = agent }
            if let index { indexAgent[index] = agent }
            begin(agent, at: timestamp)
        case "function_call":
            let agent = index.flatMap { indexAgent[$0] } ?? lastAgent ?? agentName
            begin(agent, at: timestamp)
            let callId = item["call_id"]?.stringValue ?? item["id"]?.stringValue ?? "call_\(calls.count)"
            if let id = item["id"]?.stringValue { itemCall[id] = callId }
            let tool = item["name"]?.stringValue ?? "tool"
            calls[callId] = (agent, tool, timestamp)
            ledger.emit(.toolCallStarted(
                agent: agent, callId: callId, tool: tool, arguments: item["arguments"]?.stringValue ?? ""), at: timestamp)
        case "message":
            let agent = index.flatMap { indexAgent[$0] } ?? agentName
            if let id = item["id"]?.stringValue { itemAgent[id] = agent }
            begin(agent, at: timestamp)
        default:
            ledger.ignore("response.output_item.added (\(item["type"]?.stringValue ?? "?"))")
        }
    }

    private mutating func itemDone(_ item: JSONValue, index: Int?, at timestamp: Double) {
        guard item["type"]?.stringValue == "executor_action", let agent = item["executor_id"]?.stringValue else { return }
        if let error = item["error"], error != .null {
            let message = error.stringValue ?? error["message"]?.stringValue ?? error.jsonText
            ledger.emit(.warning(agent: agent, message: "\(agent) failed: \(message)"), at: timestamp)
        }
        // An agent executor's result carries its response, with why it ended ("length": at its token cap).
        let reason = item["result"]?.arrayValue?.lazy.compactMap { $0["agent_response"]?["finish_reason"]?.stringValue }.first
        end(agent, finishReason: reason.map(OpenAIChunk.finishReason), at: timestamp)
    }

    private mutating func delta(_ object: [String: JSONValue], reasoning: Bool, at timestamp: Double) {
        guard let fragment = object.string("delta") else { return }
        write(fragment, reasoning: reasoning, item: object.string("item_id") ?? "",
              executor: object["metadata"]?["executor_id"]?.stringValue, index: object["output_index"]?.intValue,
              at: timestamp)
    }

    /// A piece of a function call's arguments, by its item (whose call must have started).
    private mutating func arguments(_ fragment: String, item: String, at timestamp: Double) {
        let callId = itemCall[item] ?? item
        guard let call = calls[callId], !fragment.isEmpty else { return }
        ledger.emit(.toolCallArgumentsDelta(agent: call.agent, callId: callId, delta: fragment), at: timestamp)
    }

    /// A text or reasoning fragment, for the executor its metadata names, else its item's, else the one at its
    /// output index, else the last to start (an agent entity: its pane).
    private mutating func write(
        _ fragment: String, reasoning: Bool, item: String, executor: String?, index: Int?, at timestamp: Double
    ) {
        guard !fragment.isEmpty else { return }
        var agent = executor ?? itemAgent[item]
        if agent == nil, let index { agent = indexAgent[index] }
        let speaker = agent ?? lastAgent ?? agentName
        begin(speaker, at: timestamp)
        if reasoning {
            ledger.emit(.reasoningDelta(agent: speaker, messageId: item, text: fragment), at: timestamp)
        } else {
            if text[speaker] == nil { textOrder.append(speaker) }
            text[speaker, default: ""] += fragment
            ledger.emit(.textDelta(agent: speaker, messageId: item, text: fragment), at: timestamp)
        }
    }

    private mutating func result(_ object: [String: JSONValue], at timestamp: Double) {
        let callId = object.string("call_id") ?? itemCall[object.string("item_id") ?? ""] ?? ""
        let call = calls[callId] ?? (lastAgent ?? agentName, "tool", timestamp)
        let output = object["output"].map { $0.stringValue ?? $0.jsonText } ?? ""
        let status = object.string("status") ?? "completed"
        ledger.emit(.toolResult(.init(
            agent: call.agent, callId: callId, tool: call.tool, result: output, isError: status != "completed",
            durationMs: max(0, timestamp - call.startedAt) * 1000)), at: timestamp)
    }

    // MARK: Run

    private mutating func start(runId: String, at timestamp: Double) {
        guard !started else { return }
        started = true
        startTime = timestamp
        ledger.emit(.runStarted(.init(runId: runId, workflow: workflowName, participants: [], model: "devui")), at: timestamp)
    }

    /// An agent begins (once while it runs); control passing from the previous one is a transition.
    private mutating func begin(_ agent: String, at timestamp: Double) {
        guard !running.contains(agent) else { return }
        if let lastAgent, lastAgent != agent {
            ledger.emit(.transition(from: lastAgent, to: agent, reason: nil), at: timestamp)
        }
        running.append(agent)
        lastAgent = agent
        ledger.emit(.agentStarted(agent: agent), at: timestamp)
    }

    private mutating func end(_ agent: String, usage: Usage? = nil, finishReason: FinishReason? = nil, at timestamp: Double) {
        guard let position = running.firstIndex(of: agent) else { return }
        running.remove(at: position)
        ledger.emit(.agentCompleted(agent: agent, usage: usage, finishReason: finishReason), at: timestamp)
    }

    private mutating func complete(usage value: JSONValue?, at timestamp: Double) {
        var usage = usageSoFar
        if let fields = value?.objectValue {
            usage = usage + Usage(
                inputTokens: fields["input_tokens"]?.intValue ?? 0, outputTokens: fields["output_tokens"]?.intValue ?? 0)
        }
        // Stopped for a person: the run (and its agents) go on in the follow-up response.
        if !pending.isEmpty {
            paused = true
            usageSoFar = usage
            return
        }
        // An agent entity's message has no done event of its own: it ends with the response.
        let single = running.count == 1
        for agent in running { end(agent, usage: single ? usage : nil, at: timestamp) }
        let final = textOrder.last
        ledger.emit(.output(agent: final, text: final.flatMap { text[$0] } ?? ""), at: timestamp)
        ledger.emit(
            .runCompleted(finalAgent: final, usage: usage, durationMs: max(0, timestamp - startTime) * 1000), at: timestamp)
    }

    /// The follow-up showed work: the answers it carried were taken.
    private mutating func takeCarried(at timestamp: Double) {
        for (request, response) in carried {
            pending.removeAll { $0.id == request.id }
            if let resolution = request.resolution(by: response) { ledger.emit(resolution, at: timestamp) }
        }
        carried = []
        paused = false
        lastError = nil
        followUpOutcome = .taken
    }

    /// DevUI did not take the follow-up's answers: the run stays as it was, waiting on the same requests.
    private mutating func refuse(_ reason: String) {
        carried = []
        lastError = nil
        followUpOutcome = .refused(reason)
    }

    private mutating func fail(_ reason: String, at timestamp: Double) {
        ledger.emit(.runFailed(error: reason, agent: running.last), at: timestamp)
    }
}

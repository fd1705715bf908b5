import Foundation
import EventStream
import WorkflowCore

/// OpenAI chat-completion chunks (`object: chat.completion.chunk`), as OpenAI, Azure OpenAI and llama.cpp stream
/// them, ending with `data: [DONE]`. One agent pane, named by `agentName` or the chunks' `model`.
///
/// Tool calls are merged by `index`: the call starts once, when its id and name are known (OpenAI sends them only in
/// the first fragment, llama.cpp repeats them in every one), and each `arguments` fragment is a delta. Chunks with
/// empty `choices` or no `delta` (Azure's content-filter chunks, the usage chunk) are tolerated.
public struct OpenAIChunkStreamDecoder: RemoteStreamDecoder, Sendable {
    /// The pane's name; `nil` names it after the first chunk's `model`.
    public let agentName: String?
    /// The run's name in `runStarted`.
    public let workflowName: String

    private var ledger = DecoderLedger()
    private var agent = ""
    private var started = false
    private var startTime = 0.0
    private var text = ""
    private var usage: Usage?

    private struct Call {
        var id: String?
        var name: String?
        var started = false
        /// Arguments that came before the call's name.
        var pendingArguments = ""
    }

    private var calls: [Int: Call] = [:]

    public init(agentName: String? = nil, workflowName: String = "remote") {
        self.agentName = agentName
        self.workflowName = workflowName
    }

    public var unknownEventCounts: [String: Int] { ledger.unknownCounts }
    public var ignoredEventCounts: [String: Int] { ledger.ignoredCounts }

    public mutating func decode(_ event: SSEEvent, at timestamp: Double) -> [WorkflowEvent] {
        ledger.received += 1
        guard !ledger.isTerminated else { return [] }
        if OpenAIChunk.isDone(event.data) {
            start(model: nil, id: "", at: timestamp)
            complete(at: timestamp)
            return ledger.drain()
        }
        let chunk: OpenAIChunk
        do {
            chunk = try OpenAIChunk(parsing: event.data)
        } catch {
            switch error {
            case let .unreadable(reason): ledger.warn(reason, agent: started ? agent : nil, at: timestamp)
            }
            return ledger.drain()
        }
        if let error = chunk.error {
            start(model: chunk.model, id: chunk.id ?? "", at: timestamp)
            let message = error["message"]?.stringValue ?? error.stringValue ?? error.jsonText
            ledger.emit(.runFailed(error: message, agent: agent), at: timestamp)
            return ledger.drain()
        }
        guard chunk.isChunk else {
            ledger.unknown(chunk.object ?? "object without \"choices\"", at: timestamp)
            return ledger.drain()
        }
        start(model: chunk.model, id: chunk.id ?? "", at: timestamp)
        if let reported = chunk.usage { usage = reported }
        let messageId = chunk.id ?? ""
        guard let delta = chunk.delta else { return ledger.drain() }
        if let reasoning = delta.reasoning, !reasoning.isEmpty {
            ledger.emit(.reasoningDelta(agent: agent, messageId: messageId, text: reasoning), at: timestamp)
        }
        if let content = delta.content, !content.isEmpty {
            text += content
            ledger.emit(.textDelta(agent: agent, messageId: messageId, text: content), at: timestamp)
        }
        for fragment in delta.toolCalls {
            merge(index: fragment.index, id: fragment.id, name: fragment.name, arguments: fragment.arguments, at: timestamp)
        }
        return ledger.drain()
    }

    public mutating func finish(at timestamp: Double) -> [WorkflowEvent] {
        guard !ledger.isTerminated else { return [] }
        ledger.emit(.runFailed(error: "the stream ended before [DONE]", agent: started ? agent : nil), at: timestamp)
        return ledger.drain()
    }

    private mutating func start(model: String?, id: String, at timestamp: Double) {
        guard !started else { return }
        started = true
        startTime = timestamp
        agent = agentName ?? model ?? "assistant"
        ledger.emit(.runStarted(.init(runId: id, workflow: workflowName, participants: [agent], model: model)), at: timestamp)
        ledger.emit(.agentStarted(agent: agent), at: timestamp)
    }

    private mutating func merge(index: Int, id: String?, name: String?, arguments: String?, at timestamp: Double) {
        var call = calls[index] ?? Call()
        if call.id == nil, let id, !id.isEmpty { call.id = id }
        if call.name == nil, let name, !name.isEmpty { call.name = name }
        let fragment = arguments ?? ""
        if !call.started, let tool = call.name {
            call.started = true
            let callId = call.id ?? "call_\(index)"
            call.id = callId
            ledger.emit(.toolCallStarted(agent: agent, callId: callId, tool: tool, arguments: ""), at: timestamp)
            let buffered = call.pendingArguments + fragment
            call.pendingArguments = ""
            if !buffered.isEmpty {
                ledger.emit(.toolCallArgumentsDelta(agent: agent, callId: callId, delta: buffered), at: timestamp)
            }
        } else if call.started {
            if !fragment.isEmpty {
                ledger.emit(.toolCallArgumentsDelta(agent: agent, callId: call.id!, delta: fragment), at: timestamp)
            }
        } else {
            call.pendingArguments += fragment
        }
        calls[index] = call
    }

    private mutating func complete(at timestamp: Double) {
        // A call whose name never came is still shown.
        for index in calls.keys.sorted() where calls[index]?.started == false {
            merge(index: index, id: nil, name: "unknown", arguments: nil, at: timestamp)
        }
        ledger.emit(.agentCompleted(agent: agent, usage: usage), at: timestamp)
        ledger.emit(.output(agent: agent, text: text), at: timestamp)
        ledger.emit(
            .runCompleted(finalAgent: agent, usage: usage ?? .zero, durationMs: max(0, timestamp - startTime) * 1000),
            at: timestamp)
    }
}

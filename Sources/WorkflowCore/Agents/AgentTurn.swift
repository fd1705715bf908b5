import Foundation

/// One agent's turn: stream a response, run the tools it asks for (in parallel), feed the results back, and
/// repeat until it answers in text, hands off, or passes its tool-round cap.
struct AgentTurn {
    struct Result: Sendable {
        /// The agent's final text.
        var text: String
        var usage: Usage
        /// Set when the agent called a handoff tool.
        var handoff: Handoff?
    }

    struct Handoff: Sendable, Hashable {
        var target: String
        var reason: String?
    }

    let agent: Agent
    let sink: WorkflowEventSink
    /// Handoff tool name → target agent name, for handoff workflows.
    var handoffTargets: [String: (agent: String, description: String)] = [:]
    /// The turn's part in the workflow, told to the model with each request; a turn with handoff targets is a
    /// handoff turn.
    var context: TurnContext

    init(
        agent: Agent, sink: WorkflowEventSink, handoffTargets: [String: (agent: String, description: String)] = [:],
        context: TurnContext = .participant
    ) {
        self.agent = agent
        self.sink = sink
        self.handoffTargets = handoffTargets
        if handoffTargets.isEmpty {
            self.context = context
        } else {
            var targets: [String: String] = [:]
            for target in handoffTargets.values { targets[target.agent] = target.description }
            self.context = .handoff(targets: targets)
        }
    }

    /// Runs the turn, or, in a resumed run, answers it from the checkpoint when it completed before the run was
    /// cut; a completed live turn is checkpointed.
    func run(conversation: [ChatMessage]) async throws -> Result {
        guard let log = sink.turnLog else { return try await live(conversation: conversation) }
        if let recorded = log.replay(agent: agent.name) {
            return Result(
                text: recorded.text, usage: recorded.usage,
                handoff: recorded.handoffTarget.map { Handoff(target: $0, reason: recorded.handoffReason) })
        }
        let result = try await WorkflowEventSink.$inLiveTurn.withValue(true) { try await live(conversation: conversation) }
        log.complete(
            .init(agent: agent.name, text: result.text, usage: result.usage, handoffTarget: result.handoff?.target,
                  handoffReason: result.handoff?.reason),
            sequence: sink.count)
        return result
    }

    private func live(conversation: [ChatMessage]) async throws -> Result {
        if case let .human(question, schema) = agent.kind { return try await humanTurn(question: question, schema: schema) }
        sink.emit(.agentStarted(agent: agent.name))
        var messages = [ChatMessage.system(agent.instructions)] + conversation.map(asSeenByAgent)
        var usage = Usage.zero
        let definitions = agent.tools.map(\.definition) + handoffTargets.keys.sorted().map { name in
            ToolDefinition(
                name: name, description: "Hand the conversation to \(handoffTargets[name]!.agent): \(handoffTargets[name]!.description)",
                parameters: [
                    "type": "object",
                    "properties": ["reason": ["type": "string", "description": "Why this agent should take over"]],
                ])
        }

        for round in 0... {
            try Task.checkCancellation()
            let messageId = "msg_" + RandomID.make()
            var text = ""
            var calls = ToolCallAccumulator()
            var reported: Usage?
            var chunks = 0
            var finish: FinishReason?
            let request = ChatRequest(
                agent: agent.name, messages: messages, tools: definitions, model: agent.model,
                generation: agent.generation, context: context)
            try await agent.client.streamResponse(request) { update in
                switch update {
                case let .textDelta(delta):
                    guard !delta.isEmpty else { return }
                    chunks += 1
                    text += delta
                    sink.emit(.textDelta(agent: agent.name, messageId: messageId, text: delta))
                case let .toolCallDelta(delta):
                    chunks += 1
                    calls.add(delta)
                case let .usage(counts):
                    reported = (reported ?? .zero) + counts
                case let .finished(reason):
                    finish = reason
                }
            }
            // A provider that streams no usage (or zeros for a response that streamed) is counted instead.
            if let reported, reported.totalTokens > 0 || chunks == 0 {
                usage = usage + reported
            } else {
                usage = usage + UsageEstimate.usage(for: request, outputTokens: chunks)
            }
            let toolCalls = calls.finishedCalls(idPrefix: "call_\(messageId)")
            if toolCalls.isEmpty {
                sink.emit(completion(usage, finish))
                return Result(text: text, usage: usage, handoff: nil)
            }
            var assistant = ChatMessage(role: .assistant, author: agent.name, contents: [])
            if !text.isEmpty { assistant.contents.append(.text(text)) }
            assistant.contents += toolCalls.map(ChatContent.functionCall)
            messages.append(assistant)

            if let call = toolCalls.first(where: { handoffTargets[$0.name] != nil }) {
                let target = handoffTargets[call.name]!.agent
                let reason = (try? JSONValue(parsing: call.arguments))?["reason"]?.stringValue
                sink.emit(.toolCallStarted(agent: agent.name, callId: call.callId, tool: call.name, arguments: call.arguments))
                sink.emit(.toolResult(.init(
                    agent: agent.name, callId: call.callId, tool: call.name, result: "Transferred to \(target).",
                    isError: false, durationMs: 0)))
                sink.emit(completion(usage, finish))
                return Result(text: text, usage: usage, handoff: Handoff(target: target, reason: reason))
            }
            guard round < agent.maxToolRounds else {
                throw WorkflowError(
                    agent: agent.name,
                    "still calling tools after \(agent.maxToolRounds) rounds (the cap); stopping this run")
            }
            let results = try await runTools(toolCalls)
            messages.append(ChatMessage(role: .tool, author: agent.name, contents: results.map(ChatContent.functionResult)))
        }
        fatalError("unreachable: the loop returns or throws")
    }

    private func completion(_ usage: Usage, _ finish: FinishReason?) -> WorkflowEvent.Kind {
        .agentCompleted(agent: agent.name, usage: usage, finishReason: finish, maxTokens: agent.generation.maxTokens)
    }

    /// Runs the calls at once and returns their results in the order the model asked for them.
    private func runTools(_ calls: [FunctionCall]) async throws -> [FunctionResult] {
        try await withThrowingTaskGroup(of: (Int, FunctionResult).self) { group in
            for (position, call) in calls.enumerated() {
                group.addTask {
                    (position, try await runTool(call))
                }
            }
            var results = [FunctionResult?](repeating: nil, count: calls.count)
            for try await (position, result) in group { results[position] = result }
            return results.map { $0! }
        }
    }

    private func runTool(_ call: FunctionCall) async throws -> FunctionResult {
        let tool = agent.tools.first(where: { $0.name == call.name })
        // The timeline names a server's tool with its server; the model keeps the name it called.
        let shownName = tool?.qualifiedName ?? call.name
        sink.emit(.toolCallStarted(agent: agent.name, callId: call.callId, tool: shownName, arguments: call.arguments))
        // A held call waits before its clock starts: its duration is the tool's, not the person's.
        var rejection: ApprovalDecision?
        if let tool, tool.approval == .always {
            let decision = try await approval(of: call, shownName: shownName)
            if !decision.approved { rejection = decision }
        }
        let clock = ContinuousClock()
        let start = clock.now
        var output: String
        var failed = false
        if let rejection {
            output = Self.rejectionResult(reason: rejection.reason)
            failed = true
        } else if let tool {
            do {
                let arguments = call.arguments.trimmingCharacters(in: .whitespaces).isEmpty
                    ? JSONValue.object([:]) : try JSONValue(parsing: call.arguments)
                let reporter = ToolProgressReporter { [sink, agent] progress in
                    sink.emit(.toolProgress(agent: agent.name, callId: call.callId, progress: progress))
                }
                output = try await ToolProgressReporting.$reporter.withValue(reporter) { try await tool.body(arguments) }
            } catch let error as JSONValue.ParseError {
                output = "Error: the arguments are not valid JSON (\(error.reason))"
                failed = true
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                output = "Error: \(error)"
                failed = true
            }
        } else {
            let known = agent.tools.map(\.name).joined(separator: ", ")
            output = "Error: there is no tool named \(call.name)" + (known.isEmpty ? "" : "; available: \(known)")
            failed = true
        }
        let elapsed = clock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        sink.emit(.toolResult(.init(
            agent: agent.name, callId: call.callId, tool: shownName, result: output, isError: failed,
            durationMs: milliseconds)))
        return FunctionResult(callId: call.callId, name: call.name, result: output, isError: failed)
    }

    /// Another agent's contribution reaches this agent as a user message naming its author: chat APIs expect the
    /// assistant role to be the model itself, and tool calls of other agents would reference unknown call ids.
    private func asSeenByAgent(_ message: ChatMessage) -> ChatMessage {
        guard message.role == .assistant || message.role == .tool, let author = message.author, author != agent.name
        else { return message }
        return ChatMessage(role: .user, author: author, contents: [.text("[\(author)] \(message.text)")])
    }
}

public enum RandomID {
    /// 12 hex digits: unique enough within a run, short enough to read in a log.
    public static func make() -> String {
        let value = UInt64.random(in: 0..<(1 << 48))
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }
}

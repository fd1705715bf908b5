import Synchronization
import Testing
@testable import WorkflowCore

@Suite("Generation settings, stop reasons and usage in runs")
struct GenerationRunTests {
    /// The requests a run sent, for asserting on what the workflows put in them.
    final class RequestLog: Sendable {
        private let storage = Mutex<[ChatRequest]>([])
        func append(_ request: ChatRequest) { storage.withLock { $0.append(request) } }
        var requests: [ChatRequest] { storage.withLock { $0 } }
    }

    static func completions(_ events: [WorkflowEvent]) -> [(agent: String, usage: Usage?, reason: FinishReason?, cap: Int?)] {
        events.compactMap { event in
            guard case let .agentCompleted(agent, usage, reason, cap) = event.kind else { return nil }
            return (agent, usage, reason, cap)
        }
    }

    @Test func scriptedModelStopsAtTheCapWithLength() async throws {
        let request = ChatRequest(
            agent: "Writer", messages: [.system("Write creative content."), .user("A poem about Oslo")],
            generation: GenerationSettings(maxTokens: 5))
        var tokens = 0
        var finish: FinishReason?
        var usage: Usage?
        try await ScriptedChatClient().streamResponse(request) { update in
            switch update {
            case .textDelta: tokens += 1
            case let .finished(reason): finish = reason
            case let .usage(counts): usage = counts
            case .toolCallDelta: Issue.record("no tool calls expected")
            }
        }
        #expect(tokens == 5)
        #expect(finish == .length)
        #expect(usage?.outputTokens == 5)
        #expect(usage?.estimated == false)
    }

    @Test func scriptedModelUnderTheCapStopsByItself() async throws {
        let request = ChatRequest(
            agent: "Writer", messages: [.system("Write creative content."), .user("A poem about Oslo")],
            generation: GenerationSettings(maxTokens: 10_000))
        var finish: FinishReason?
        try await ScriptedChatClient().streamResponse(request) { update in
            if case let .finished(reason) = update { finish = reason }
        }
        #expect(finish == .stop)
    }

    @Test func aCappedTurnReportsLengthAndItsCapWhenItCompletes() async throws {
        let workflow = try WorkflowDefinitionLoader.resolve("research-writer")
            .build(client: ScriptedChatClient(), overrides: GenerationSettings(maxTokens: 8))
        let events = await run(workflow, "Research the weather in Seattle and write a short poem about it")
        let writer = Self.completions(events).first { $0.agent == "Writer" }
        #expect(writer?.reason == .length)
        #expect(writer?.cap == 8)
        #expect(ScriptedTokenizer.count(text(of: "Writer", in: events)) == 8)
        #expect(events.last.map { if case .runCompleted = $0.kind { true } else { false } } == true)
    }

    @Test func requestsCarryTheAgentsGenerationSettings() async throws {
        let log = RequestLog()
        let client = ClosureChatClient { request, _ in
            log.append(request)
            return ScriptedReplyForTest(text: "ok")
        }
        let definition = try WorkflowDefinitionLoader.parse(
            "name: x\nkind: sequential\ndefaults: {max_tokens: 300, seed: 3}\nagents:\n  - {name: A, instructions: i, temperature: 0.5}\n",
            file: "x.yaml")
        _ = await run(definition.build(client: client, overrides: GenerationSettings(maxTokens: 120)), "hi")
        #expect(log.requests.map(\.generation) == [GenerationSettings(maxTokens: 120, temperature: 0.5, seed: 3)])
    }

    @Test func aProviderThatStreamsNoUsageIsCountedAndMarkedEstimated() async throws {
        let client = ClosureChatClient { _, _ in ScriptedReplyForTest(text: "one two three") }
        let events = await run(SequentialWorkflow(name: "s", agents: [Agent(name: "A", instructions: "Be brief.", client: client)]), "hello there")
        let usage = Self.completions(events).first?.usage
        #expect(usage?.estimated == true)
        #expect(usage?.outputTokens == 1)  // one streamed chunk
        #expect((usage?.inputTokens ?? 0) > 0)
        guard case let .runCompleted(_, total, _) = events.last?.kind else {
            Issue.record("the run did not complete")
            return
        }
        #expect(total.estimated)
        #expect(total.totalTokens > 0)
    }

    @Test func reportedUsageIsNotMarkedEstimated() async throws {
        let events = await run(try preset("research-writer"), "Weather in Oslo")
        for completion in Self.completions(events) { #expect(completion.usage?.estimated == false) }
    }

    @Test func aSumIsAnEstimateWhenAnyPartIs() {
        let reported = Usage(inputTokens: 10, outputTokens: 5)
        let counted = Usage(inputTokens: 3, outputTokens: 2, estimated: true)
        #expect((reported + counted) == Usage(inputTokens: 13, outputTokens: 7, estimated: true))
        #expect((reported + reported).estimated == false)
        #expect((Usage.zero + counted).estimated)
    }

    @Test func theManagerIsToldItsParticipantsAsContext() async throws {
        let log = RequestLog()
        let client = ClosureChatClient { request, _ in
            log.append(request)
            return ScriptedReplyForTest(text: request.context == .participant ? "APPROVED" : "Writer")
        }
        let definition = try WorkflowDefinitionLoader.resolve("group-chat")
        _ = await run(definition.build(client: client), "A poem")
        let contexts = log.requests.map(\.context)
        #expect(contexts.first == .manager(participants: ["Writer", "Critic"]))
        #expect(contexts.contains(.participant))
    }

    @Test func aHandoffTurnIsToldItsTargetsAsContext() async throws {
        let log = RequestLog()
        let client = ClosureChatClient { request, _ in
            log.append(request)
            return ScriptedReplyForTest(text: "I will answer myself.")
        }
        _ = await run(try preset("handoff", client: client), "Weather in Lima?")
        guard case let .handoff(targets) = log.requests.first?.context else {
            Issue.record("the first request has no handoff context")
            return
        }
        #expect(Set(targets.keys) == ["Weather", "Time"])
        #expect(targets["Weather"]?.contains("weather") == true)
    }

    @Test func scriptedManagerPicksFromItsContextNotItsPrompt() async throws {
        // No roster anywhere in the prompt: the participants come only from the context.
        let request = ChatRequest(
            agent: "Boss", messages: [.system("Coordinate."), .user("Write something")],
            context: .manager(participants: ["Poet", "Editor"]))
        var reply = ""
        try await ScriptedChatClient().streamResponse(request) { update in
            if case let .textDelta(text) = update { reply += text }
        }
        #expect(reply == "Poet")
    }

    @Test func scriptedTriageHandsOffFromItsContextNotToolDescriptions() async throws {
        let tools = [
            ToolDefinition(name: "handoff_to_forecaster", description: "unrelated words", parameters: ["type": "object"]),
            ToolDefinition(name: "handoff_to_clock", description: "unrelated words", parameters: ["type": "object"]),
        ]
        let request = ChatRequest(
            agent: "Triage", messages: [.system("Decide who answers."), .user("Will it rain in Lima tomorrow?")],
            tools: tools, context: .handoff(targets: ["Forecaster": "Answers weather questions.", "Clock": "Tells the time."]))
        var calls: [String] = []
        try await ScriptedChatClient().streamResponse(request) { update in
            if case let .toolCallDelta(delta) = update, let name = delta.name { calls.append(name) }
        }
        #expect(calls == ["handoff_to_forecaster"])
    }
}

extension GenerationRunTests {
    @Test func benchmarkAnswersKeepTheirLengthWhateverTheCap() async throws {
        let request = ChatRequest(agent: "A", messages: [.user("hi")], generation: GenerationSettings(maxTokens: 3))
        var tokens = 0
        var finish: FinishReason?
        try await ScriptedChatClient(fixedAnswerTokens: 50).streamResponse(request) { update in
            if case .textDelta = update { tokens += 1 }
            if case let .finished(reason) = update { finish = reason }
        }
        #expect(tokens == 50)
        #expect(finish == .stop)
    }
}

import EventStream
import Testing
import Wire
import WorkflowCore

@Suite("AG-UI output of a model's reasoning")
struct AGUIEncoderTests {
    static let run: [WorkflowEvent.Kind] = [
        .runStarted(.init(runId: "run_1", workflow: "w", participants: ["Thinker"], model: nil)),
        .agentStarted(agent: "Thinker"),
        .reasoningDelta(agent: "Thinker", messageId: "m1", text: "Weigh"),
        .reasoningDelta(agent: "Thinker", messageId: "m1", text: " options."),
        .textDelta(agent: "Thinker", messageId: "m1", text: "Answer"),
        .reasoningDelta(agent: "Thinker", messageId: "m2", text: "Again."),
        .agentCompleted(agent: "Thinker", usage: nil),
        .runCompleted(finalAgent: "Thinker", usage: .zero, durationMs: 1),
    ]

    static func mapped() -> [String] {
        var encoder = AGUIEventEncoder(threadId: "t", runId: "r")
        return run.enumerated().flatMap { index, kind in encoder.encode(WorkflowEvent(sequence: index + 1, timestamp: 0, kind: kind)) }
    }

    @Test func reasoningIsBracketedAndClosedBeforeTextAndAtTheStepEnd() throws {
        let types = try Self.mapped().map { try #require(JSONValue(parsing: $0)["type"]?.stringValue) }
        #expect(types == [
            "RUN_STARTED", "STEP_STARTED",
            "REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_CONTENT",
            "REASONING_MESSAGE_END", "REASONING_END",
            "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT",
            "TEXT_MESSAGE_END", "REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT",
            "REASONING_MESSAGE_END", "REASONING_END",
            "STEP_FINISHED", "RUN_FINISHED",
        ])
        let first = try JSONValue(parsing: Self.mapped()[3])
        #expect(first["messageId"]?.stringValue == "reasoning_m1")
        #expect(first["role"]?.stringValue == "reasoning")
    }

    /// What `flowtop attach` makes of it: the same reasoning and text, attributed to the agent.
    @Test func attachReadsItBackAsTheAgentsReasoning() {
        var decoder = AGUIStreamDecoder(defaultAgentName: "agent", workflowName: "w")
        let decoded = Self.mapped().flatMap { decoder.decode(SSEEvent(data: $0), at: 0) }.map(\.kind)
        let reasoning = decoded.compactMap { kind -> String? in
            if case let .reasoningDelta(agent, _, text) = kind, agent == "Thinker" { return text }
            return nil
        }
        #expect(reasoning == ["Weigh", " options.", "Again."])
        #expect(decoded.contains { if case .textDelta("Thinker", _, "Answer") = $0 { true } else { false } })
    }

    @Test func aCancelledRunEndsWithRunErrorCodedCancelledAndItsReason() throws {
        var encoder = AGUIEventEncoder(threadId: "t", runId: "r")
        let objects = encoder.encode(WorkflowEvent(sequence: 9, timestamp: 0, kind: .runCancelled(reason: "the client disconnected")))
        let last = try JSONValue(parsing: try #require(objects.last))
        #expect(last["type"]?.stringValue == "RUN_ERROR")
        #expect(last["code"]?.stringValue == "cancelled")
        #expect(last["message"]?.stringValue == "the client disconnected")
    }
}

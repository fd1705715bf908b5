import EventStream
import Testing
import Wire
import WorkflowCore

/// AG-UI as Agent Framework's endpoint sends it (agent-framework-ag-ui 1.7.0; `agui_peer_*` recorded from the peer
/// kit's server on its fake model, `agui_workflow.sse` from a llama.cpp-backed run).
@Suite("AG-UI from Agent Framework")
struct AGUIAgentFrameworkTests {
    static func decode(_ name: String) throws -> (run: Decoded, decoder: AGUIStreamDecoder) {
        var decoder = AGUIStreamDecoder(defaultAgentName: "agent", workflowName: "w")
        let run = Decoded(&decoder, try Capture.events(name))
        return (run, decoder)
    }

    @Test func customUsageGoesToTheAgentWhoseStepIsOpenAndAddsUpForTheRun() throws {
        let (run, _) = try Self.decode("agui_peer_workflow.sse")
        let perAgent = run.kinds.compactMap { kind -> (String, Usage)? in
            if case let .agentCompleted(agent, usage?, _, _) = kind { return (agent, usage) }
            return nil
        }
        // The Researcher made two model calls (the tool call, then its notes), the Writer one.
        #expect(perAgent.map(\.0) == ["Researcher", "Writer"])
        #expect(perAgent.first?.1 == Usage(inputTokens: 10 + 28, outputTokens: 6 + 36))
        #expect(perAgent.last?.1 == Usage(inputTokens: 52, outputTokens: 39))
        guard case let .runCompleted(_, total, _)? = run.all.last?.kind else {
            Issue.record("the run did not complete")
            return
        }
        #expect(total == Usage(inputTokens: 90, outputTokens: 81))
    }

    @Test func theIntermediateAgentsReasoningIsItsOwnAndTheWritersTextIsTheAnswer() throws {
        let (run, _) = try Self.decode("agui_peer_workflow.sse")
        let reasoningAgents = Set(run.kinds.compactMap { kind -> String? in
            if case let .reasoningDelta(agent, _, _) = kind { return agent }
            return nil
        })
        #expect(reasoningAgents == ["Researcher"])
        let writer = run.kinds.compactMap { kind -> String? in
            if case let .textDelta("Writer", _, text) = kind { return text }
            return nil
        }.joined()
        #expect(!writer.isEmpty)
        #expect(run.kinds.contains(.output(agent: "Writer", text: writer)))
    }

    @Test func executorActivityIsKnownNotUnknownAndASingleAgentsUsageIsCounted() throws {
        let (workflow, decoder) = try Self.decode("agui_peer_workflow.sse")
        #expect(decoder.unknownEventCounts.isEmpty)
        #expect((decoder.ignoredEventCounts["ACTIVITY_SNAPSHOT"] ?? 0) == 6)
        #expect(workflow.isGapFree)
        let (agent, _) = try Self.decode("agui_peer_agent.sse")
        guard case let .runCompleted(_, total, _)? = agent.all.last?.kind else {
            Issue.record("the agent run did not complete")
            return
        }
        #expect(total.totalTokens > 0)
    }

    @Test func aFailedExecutorActivityIsAWarningOnItsAgent() {
        var decoder = AGUIStreamDecoder()
        _ = decoder.decode(SSEEvent(data: #"{"type":"RUN_STARTED","threadId":"t","runId":"r"}"#), at: 1)
        let events = decoder.decode(SSEEvent(data: #"{"type":"ACTIVITY_SNAPSHOT","messageId":"m","activityType":"executor","content":{"executor_id":"Writer","status":"failed","error":"model unavailable"}}"#), at: 2)
        #expect(events.map(\.kind) == [.warning(agent: "Writer", message: "Writer failed: model unavailable")])
    }

    @Test func aTextMessageNamingItsAgentOpensThatAgentsPane() {
        var decoder = AGUIStreamDecoder()
        var kinds: [WorkflowEvent.Kind] = []
        for data in [
            #"{"type":"RUN_STARTED","threadId":"t","runId":"r"}"#,
            #"{"type":"TEXT_MESSAGE_START","messageId":"m1","role":"assistant","name":"Researcher"}"#,
            #"{"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":"Sunny."}"#,
            #"{"type":"TOOL_CALL_START","toolCallId":"c1","toolCallName":"get_weather"}"#,
            #"{"type":"TOOL_CALL_RESULT","messageId":"r1","toolCallId":"c1","content":"Sunny","role":"tool"}"#,
            #"{"type":"TEXT_MESSAGE_START","messageId":"m2","role":"assistant","name":"Writer"}"#,
            #"{"type":"TEXT_MESSAGE_CONTENT","messageId":"m2","delta":"A poem."}"#,
            #"{"type":"RUN_FINISHED","threadId":"t","runId":"r"}"#,
        ] { kinds += decoder.decode(SSEEvent(data: data), at: 1).map(\.kind) }
        #expect(kinds.contains(.textDelta(agent: "Researcher", messageId: "m1", text: "Sunny.")))
        #expect(kinds.contains(.textDelta(agent: "Writer", messageId: "m2", text: "A poem.")))
        #expect(kinds.contains(.transition(from: "Researcher", to: "Writer", reason: nil)))
        #expect(kinds.contains { if case .toolCallStarted("Researcher", "c1", "get_weather", _) = $0 { true } else { false } })
        #expect(!kinds.contains(.agentStarted(agent: "agent")))
        let completed = kinds.compactMap { kind -> String? in
            if case let .agentCompleted(agent, _, _, _) = kind { return agent }
            return nil
        }
        #expect(completed == ["Researcher", "Writer"], "each named agent ends once")
    }
}

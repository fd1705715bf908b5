import EventStream
import Testing
import Wire
import WorkflowCore

@Suite("AG-UI decoder")
struct AGUIDecoderTests {
    @Test func agentFrameworkWorkflowCapture() throws {
        var decoder = AGUIStreamDecoder()
        let run = Decoded(&decoder, try Capture.events("agui_workflow.sse"))
        #expect(run.isGapFree)
        #expect(run.warnings.isEmpty)
        #expect(decoder.unknownEventCounts.isEmpty)
        #expect(decoder.ignoredEventCounts["ACTIVITY_SNAPSHOT"] == 6)

        // Researcher and Writer are the agents; supersteps and input-conversation are not.
        #expect(run.agentsStarted == ["Researcher", "Writer"])
        let completed = run.kinds.compactMap { kind -> String? in
            if case let .agentCompleted(agent, _, _, _) = kind { return agent } else { return nil }
        }
        #expect(completed == ["Researcher", "Writer"])
        #expect(!run.all.contains { $0.agent?.hasPrefix("superstep:") == true || $0.agent == "input-conversation" })

        guard case let .runStarted(info) = run.kinds.first else { Issue.record("no runStarted first"); return }
        #expect(info.runId == "run-1")

        // The Researcher's reasoning, its tool call assembled from deltas, and the result.
        #expect(run.reasoning(of: "Researcher").hasPrefix("Tool result: Weather in Seattle, WA, USA | sunny, 21°C"))
        #expect(run.reasoning(of: "Writer").isEmpty)
        let call = try #require(run.toolCalls.first)
        #expect(run.toolCalls.count == 1)
        #expect(call.agent == "Researcher" && call.tool == "get_weather")
        let arguments = run.arguments(of: call.callId)
        #expect(arguments == #"{ "location": "Seattle, WA, USA | " } "#)
        #expect(try JSONValue(parsing: arguments)["location"] == .string("Seattle, WA, USA | "))
        let result = try #require(run.toolResults.first)
        #expect(result.agent == "Researcher" && result.tool == "get_weather" && result.callId == call.callId)
        #expect(result.result == "Weather in Seattle, WA, USA | : sunny, 21°C, light breeze from the west.")
        #expect(result.durationMs == 18_000)  // TOOL_CALL_START is event 12 (from 0), its RESULT event 30: 18 s on the test clock.

        // One transition, Researcher → Writer, before the Writer starts.
        #expect(run.transitions.map { "\($0.from ?? "-")>\($0.to)" } == ["Researcher>Writer"])
        let transitionIndex = try #require(run.kinds.firstIndex { if case .transition = $0 { true } else { false } })
        let writerIndex = try #require(run.kinds.firstIndex(of: .agentStarted(agent: "Writer")))
        #expect(transitionIndex == writerIndex - 1)

        // The Writer's text; RUN_FINISHED gives output (the last agent's text) and runCompleted, last.
        let writerText = run.text(of: "Writer")
        #expect(writerText.hasPrefix("What is the weather in Seattle? subtree"))
        #expect(run.text(of: "Researcher").isEmpty)
        let count = run.kinds.count
        #expect(run.kinds[count - 2] == .output(agent: "Writer", text: writerText))
        guard case let .runCompleted(finalAgent, _, durationMs)? = run.kinds.last else {
            Issue.record("the last event is not runCompleted"); return
        }
        #expect(finalAgent == "Writer")
        #expect(durationMs == 132_000)
        #expect(run.fromFinish.isEmpty)
    }

    @Test func singleAgentWithServerTool() throws {
        for name in ["agui_agent_server_tool.sse", "agui_agent_keepalive_comments.sse"] {
            var decoder = AGUIStreamDecoder(defaultAgentName: "weather")
            let run = Decoded(&decoder, try Capture.events(name))
            #expect(run.isGapFree)
            #expect(run.warnings.isEmpty, "\(name)")
            #expect(decoder.unknownEventCounts.isEmpty)
            #expect(decoder.ignoredEventCounts["MESSAGES_SNAPSHOT"] == 1)
            #expect(run.agentsStarted == ["weather"])
            let call = try #require(run.toolCalls.first)
            #expect(run.toolCalls.count == 1 && call.tool == "get_weather" && call.agent == "weather")
            #expect(try JSONValue(parsing: run.arguments(of: call.callId)).objectValue?["location"] != nil)
            #expect(run.toolResults.map(\.result) == ["Weather in Seattle, WA, USA | : sunny, 21°C, light breeze from the west."])
            #expect(!run.allText.isEmpty)
            #expect(run.kinds.suffix(3).first == .agentCompleted(agent: "weather", usage: nil))
            #expect(run.kinds.suffix(2).first == .output(agent: "weather", text: run.allText))
            #expect(run.all.last?.isTerminal == true)
            if case .runCompleted = run.kinds.last {} else { Issue.record("\(name) does not end in runCompleted") }
        }
    }

    @Test func frontendToolCallWithoutResult() throws {
        var decoder = AGUIStreamDecoder()
        let run = Decoded(&decoder, try Capture.events("agui_frontend_tool_call.sse"))
        #expect(run.isGapFree)
        #expect(run.warnings.isEmpty)
        let call = try #require(run.toolCalls.first)
        #expect(call.tool == "change_background")
        #expect(try JSONValue(parsing: run.arguments(of: call.callId)) == .object(["color": .string("blue")]))
        #expect(run.toolResults.isEmpty)
        #expect(run.kinds.suffix(2).first == .output(agent: "agent", text: ""))
        if case .runCompleted = run.kinds.last {} else { Issue.record("does not end in runCompleted") }
    }

    @Test func writerTextOnly() throws {
        var decoder = AGUIStreamDecoder(defaultAgentName: "Writer")
        let run = Decoded(&decoder, try Capture.events("agui_writer_text.sse"))
        #expect(run.isGapFree)
        #expect(run.warnings.isEmpty)
        #expect(run.agentsStarted == ["Writer"])
        #expect(!run.allText.isEmpty)
        #expect(run.kinds.suffix(2).first == .output(agent: "Writer", text: run.allText))
        #expect(run.toolCalls.isEmpty)
    }

    @Test func theStepIgnoreRule() {
        let decoder = AGUIStreamDecoder()
        #expect(decoder.isAgentStep("Researcher"))
        #expect(decoder.isAgentStep("Writer"))
        #expect(!decoder.isAgentStep("superstep:1"))
        #expect(!decoder.isAgentStep("superstep:12"))
        #expect(!decoder.isAgentStep("input-conversation"))
        #expect(!decoder.isAgentStep(""))
        let custom = AGUIStreamDecoder(bookkeepingSteps: ["router"])
        #expect(!custom.isAgentStep("router"))
        #expect(custom.isAgentStep("input-conversation"))
        #expect(!custom.isAgentStep("superstep:3"))
    }

    @Test func flowtopsOwnHandoffSentWithFromAndToIsOneTransitionWithItsReason() {
        var decoder = AGUIStreamDecoder()
        let run = Decoded(&decoder, [
            sse(#"{"type":"RUN_STARTED","threadId":"t","runId":"r"}"#),
            sse(#"{"type":"STEP_STARTED","stepName":"Researcher"}"#),
            sse(#"{"type":"STEP_FINISHED","stepName":"Researcher"}"#),
            sse(#"{"type":"CUSTOM","name":"handoff_sent","value":{"from":"Researcher","to":"Writer","reason":"next in sequence"}}"#),
            sse(#"{"type":"STEP_STARTED","stepName":"Writer"}"#),
            sse(#"{"type":"STEP_FINISHED","stepName":"Writer"}"#),
            sse(#"{"type":"RUN_FINISHED","threadId":"t","runId":"r"}"#),
        ])
        #expect(run.transitions.map { "\($0.from ?? "-")>\($0.to):\($0.reason ?? "")" } == ["Researcher>Writer:next in sequence"])
        #expect(run.warnings.isEmpty)
    }

    @Test func handoffAndGroupChatBecomeTransitions() {
        var decoder = AGUIStreamDecoder()
        let run = Decoded(&decoder, [
            sse(#"{"type":"RUN_STARTED","threadId":"t","runId":"r"}"#),
            sse(#"{"type":"STEP_STARTED","stepName":"triage"}"#),
            sse(#"{"type":"STEP_FINISHED","stepName":"triage"}"#),
            sse(#"{"type":"CUSTOM","name":"handoff_sent","value":{"source":"triage","target":"billing"}}"#),
            sse(#"{"type":"STEP_STARTED","stepName":"billing"}"#),
            sse(#"{"type":"STEP_FINISHED","stepName":"billing"}"#),
            sse(#"{"type":"CUSTOM","name":"group_chat","value":{"round_index":1,"participant_name":"critic"}}"#),
            sse(#"{"type":"STEP_STARTED","stepName":"critic"}"#),
            sse(#"{"type":"CUSTOM","name":"group_chat","value":{"round_index":1,"participant_name":"critic"}}"#),
            sse(#"{"type":"STEP_FINISHED","stepName":"critic"}"#),
            sse(#"{"type":"CUSTOM","name":"status","value":{"state":"IN_PROGRESS"}}"#),
            sse(#"{"type":"RUN_FINISHED","threadId":"t","runId":"r"}"#),
        ])
        #expect(run.isGapFree)
        #expect(run.transitions.map { "\($0.from ?? "-")>\($0.to):\($0.reason ?? "")" }
            == ["triage>billing:handoff", "billing>critic:group chat round 1"])
        #expect(run.agentsStarted == ["triage", "billing", "critic"])
        #expect(run.warnings.isEmpty)
        #expect(decoder.ignoredEventCounts["CUSTOM status"] == 1)
        #expect(decoder.ignoredEventCounts["CUSTOM group_chat"] == 1)
    }

    @Test func runErrorFailsTheRun() {
        var decoder = AGUIStreamDecoder()
        let run = Decoded(&decoder, [
            sse(#"{"type":"RUN_STARTED","threadId":"t","runId":"r"}"#),
            sse(#"{"type":"STEP_STARTED","stepName":"Writer"}"#),
            sse(#"{"type":"RUN_ERROR","message":"model overloaded","code":"RateLimit"}"#),
            sse(#"{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"late"}"#),
        ])
        #expect(run.isGapFree)
        #expect(run.kinds.last == .runFailed(error: "model overloaded", agent: "Writer"))
        #expect(run.fromFinish.isEmpty)
    }

    @Test func malformedJSONWarnsOnceAndDecodingContinues() {
        var decoder = AGUIStreamDecoder()
        let run = Decoded(&decoder, [
            sse(#"{"type":"RUN_STARTED","threadId":"t","runId":"r"}"#),
            sse(#"{"type":"TEXT_MESSAGE_START","messageId":"m","role":"assistant"}"#),
            sse(#"{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"Hel"#),
            sse(#"{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"lo"}"#),
            sse(#"{"type":"RUN_FINISHED","threadId":"t","runId":"r"}"#),
        ])
        #expect(run.isGapFree)
        #expect(run.warnings.count == 1)
        #expect(run.warnings.first?.hasPrefix("event 3: not JSON") == true)
        #expect(run.allText == "lo")
        if case .runCompleted = run.kinds.last {} else { Issue.record("does not end in runCompleted") }
    }

    @Test func unknownTypesAreCountedAndWarnedOnce() {
        var decoder = AGUIStreamDecoder()
        let run = Decoded(&decoder, [
            sse(#"{"type":"RUN_STARTED","threadId":"t","runId":"r"}"#),
            sse(#"{"type":"META_EVENT","x":1}"#),
            sse(#"{"type":"META_EVENT","x":2}"#),
            sse(#"{"type":"OTHER_THING"}"#),
            sse(#"{"type":"STATE_SNAPSHOT","snapshot":{}}"#),
            sse(#"{"type":"RUN_FINISHED","threadId":"t","runId":"r"}"#),
        ])
        #expect(run.isGapFree)
        #expect(decoder.unknownEventCounts == ["META_EVENT": 2, "OTHER_THING": 1])
        #expect(decoder.ignoredEventCounts["STATE_SNAPSHOT"] == 1)
        #expect(run.warnings.count == 2)
        #expect(run.warnings.first?.contains("META_EVENT") == true)
    }

    @Test func aStreamCutBeforeRunFinishedFails() {
        var decoder = AGUIStreamDecoder()
        let run = Decoded(&decoder, [
            sse(#"{"type":"RUN_STARTED","threadId":"t","runId":"r"}"#),
            sse(#"{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"Hi"}"#),
        ])
        #expect(run.isGapFree)
        #expect(run.fromFinish.map(\.kind) == [.runFailed(error: "the stream ended before RUN_FINISHED", agent: nil)])
    }
}

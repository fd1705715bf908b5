import EventStream
import Testing
import Wire
import WorkflowCore

/// DevUI's stream as Agent Framework's real server sent it (the captures in Fixtures, recorded from
/// agent-framework-devui 1.0.0b261022): executors become panes, tools carry their streamed arguments and results.
@Suite("DevUI stream decoding")
struct DevUIDecoderTests {
    static func decode(_ name: String, agentName: String = "agent") throws -> Decoded {
        var decoder = DevUIStreamDecoder(agentName: agentName, workflowName: "research_writer")
        return Decoded(&decoder, try Capture.events(name))
    }

    @Test func eachExecutorOfAWorkflowIsAnAgentInTheOrderItRan() throws {
        let run = try Self.decode("devui_research_writer.sse")
        let started = run.kinds.compactMap { kind -> String? in
            if case let .agentStarted(agent) = kind { return agent }
            return nil
        }
        #expect(started == ["input-conversation", "Researcher", "Writer"])
        let completed = run.kinds.compactMap { kind -> String? in
            if case let .agentCompleted(agent, _, _, _) = kind { return agent }
            return nil
        }
        #expect(completed == ["input-conversation", "Researcher", "Writer"])
        // The fake model's answers hit their cap: DevUI says so in each agent executor's result.
        #expect(run.kinds.contains(.agentCompleted(agent: "Writer", usage: nil, finishReason: .length)))
        let transitions = run.kinds.compactMap { kind -> String? in
            if case let .transition(from, to, _) = kind { return "\(from ?? "-")→\(to)" }
            return nil
        }
        #expect(transitions == ["input-conversation→Researcher", "Researcher→Writer"])
    }

    @Test func theToolCallHasItsStreamedArgumentsAndItsResult() throws {
        let run = try Self.decode("devui_research_writer.sse")
        guard case let .toolCallStarted(agent, callId, tool, _)? = run.kinds.first(where: {
            if case .toolCallStarted = $0 { true } else { false }
        }) else {
            Issue.record("no tool call")
            return
        }
        #expect(agent == "Researcher")
        #expect(tool == "get_weather")
        let arguments = run.kinds.compactMap { kind -> String? in
            if case let .toolCallArgumentsDelta(_, id, delta) = kind, id == callId { return delta }
            return nil
        }.joined()
        #expect(arguments == #"{ "location": "Seattle, WA, USA " }"#)
        let result = run.kinds.compactMap { kind -> WorkflowEvent.ToolResultInfo? in
            if case let .toolResult(info) = kind { return info }
            return nil
        }
        #expect(result.count == 1)
        #expect(result.first?.callId == callId)
        #expect(result.first?.agent == "Researcher")
        #expect(result.first?.result == "Weather in Seattle, WA, USA : sunny, 21°C, light breeze from the west.")
        #expect(result.first?.isError == false)
    }

    @Test func textGoesToTheExecutorThatWroteItAndTheRunCompletesWithTheWritersAnswer() throws {
        let run = try Self.decode("devui_research_writer.sse")
        func text(_ name: String) -> String {
            run.kinds.compactMap { kind -> String? in
                if case let .textDelta(agent, _, text) = kind, agent == name { return text }
                return nil
            }.joined()
        }
        #expect(text("Researcher").hasPrefix("Training user\nTraining model: 2016-09-23"))
        #expect(text("Writer").hasPrefix("Training user\nTraining model: 2016-10"))
        #expect(text("input-conversation").isEmpty)
        guard case let .runCompleted(final, usage, _)? = run.all.last?.kind else {
            Issue.record("the run did not complete: \(String(describing: run.all.last))")
            return
        }
        #expect(final == "Writer")
        #expect(usage == .zero, "DevUI sent \"usage\": null (llama.cpp reports none)")
        #expect(run.kinds.contains(.output(agent: "Writer", text: text("Writer"))))
        #expect(run.fromFinish.isEmpty)
        #expect(run.isGapFree)
    }

    @Test func spansAndWorkflowBookkeepingAreDroppedNotUnknown() throws {
        var decoder = DevUIStreamDecoder()
        _ = Decoded(&decoder, try Capture.events("devui_research_writer.sse"))
        #expect(decoder.unknownEventCounts.isEmpty)
        #expect((decoder.ignoredEventCounts["response.trace.completed"] ?? 0) > 0)
        #expect((decoder.ignoredEventCounts["response.workflow_event.completed"] ?? 0) > 0)
    }

    @Test func anAgentEntitySpeaksInOnePaneAndItsApprovalRequestIsShown() throws {
        let run = try Self.decode("devui_approval_flow.sse", agentName: "approval_flow")
        #expect(run.kinds.contains(.agentStarted(agent: "approval_flow")))
        #expect(run.kinds.contains { if case .toolCallStarted("approval_flow", _, "book_table", _) = $0 { true } else { false } })
        #expect(run.kinds.contains(.approvalRequested(.init(
            requestId: "af-call-d3c9a2ae37d243e5b43b881db2ca7cd5", agent: "approval_flow",
            callId: "call__0_book_table_cmpl-f2ffd339-d275-458b-bedd-4b4ac0c88602", tool: "book_table",
            arguments: #"{"restaurant":"L'Officiel de la Vie,"}"#))))
        #expect(!run.kinds.contains { if case .warning = $0 { true } else { false } })
        // The response completed with the request pending: the run waits, and a stream that ends there (no
        // follow-up) says what it waits on.
        #expect(!run.events.contains { $0.isTerminal })
        guard case let .runFailed(error, _)? = run.fromFinish.last?.kind else {
            Issue.record("the end of the stream should fail the waiting run: \(run.fromFinish)")
            return
        }
        #expect(error.contains("approval_flow's book_table call needs approval"))
    }

    @Test func aReviewersRequestInfoIsAQuestionWithItsAnswerSchema() throws {
        let run = try Self.decode("devui_review_flow.sse")
        let questions = run.kinds.compactMap { kind -> InputRequest? in
            if case let .inputRequested(request) = kind { return request }
            return nil
        }
        #expect(questions == [InputRequest(
            requestId: "8af9ca23-4853-4b43-b5f6-235479ccfe45", agent: "Reviewer",
            question: "Reply with feedback for the Writer (or 'ok' to keep the research as is).",
            schema: ["type": "string"])])
        #expect(!run.kinds.contains { if case .warning = $0 { true } else { false } })
    }

    @Test func anErrorThenResponseFailedEndsTheRunAsFailedWithTheServersReason() throws {
        let run = try Self.decode("devui_approval_unknown_request_id.sse")
        guard case let .runFailed(error, _)? = run.all.last?.kind else {
            Issue.record("expected a failed run, got \(String(describing: run.all.last?.kind))")
            return
        }
        #expect(error == "OpenAI input message did not contain any supported message content")
        #expect(run.all.filter(\.isTerminal).count == 1)
    }

    @Test func aStreamCutBeforeResponseCompletedFailsWithTheReasonAndNoReconnect() throws {
        let events = try Capture.events("devui_research_writer.sse")
        var decoder = DevUIStreamDecoder()
        let cut = Decoded(&decoder, Array(events.prefix(40)))
        guard case let .runFailed(error, agent)? = cut.all.last?.kind else {
            Issue.record("expected a failed run")
            return
        }
        #expect(error.contains("ended before response.completed"))
        #expect(error.contains("cannot resume"))
        #expect(agent == "Researcher")
    }

    @Test func aMalformedEventIsAWarningAndDecodingGoesOn() {
        var decoder = DevUIStreamDecoder()
        let first = decoder.decode(SSEEvent(data: #"{"type":"response.created","response":{"id":"resp_1"}}"#), at: 1)
        let bad = decoder.decode(SSEEvent(data: "{not json"), at: 2)
        let next = decoder.decode(SSEEvent(data: #"{"type":"response.output_text.delta","item_id":"m","delta":"Hi"}"#), at: 3)
        #expect(first.map(\.kind) == [.runStarted(.init(runId: "resp_1", workflow: "remote", participants: [], model: "devui"))])
        #expect(bad.count == 1)
        #expect(bad.first?.isWarningEvent == true)
        #expect(next.map(\.kind).contains(.textDelta(agent: "agent", messageId: "m", text: "Hi")))
    }

    @Test func theRunsUsageIsNotGivenToOneOfSeveralAgentsStillRunning() {
        var decoder = DevUIStreamDecoder()
        var kinds: [WorkflowEvent.Kind] = []
        for data in [
            #"{"type":"response.created","response":{"id":"r"}}"#,
            #"{"type":"response.output_item.added","output_index":1,"item":{"type":"executor_action","id":"e1","executor_id":"A"}}"#,
            #"{"type":"response.output_item.added","output_index":2,"item":{"type":"executor_action","id":"e2","executor_id":"B"}}"#,
            #"{"type":"response.completed","response":{"id":"r","usage":{"input_tokens":7,"output_tokens":5}}}"#,
        ] { kinds += decoder.decode(SSEEvent(data: data), at: 1).map(\.kind) }
        #expect(kinds.contains(.agentCompleted(agent: "A", usage: nil)))
        #expect(kinds.contains(.agentCompleted(agent: "B", usage: nil)))
        #expect(kinds.contains(.runCompleted(finalAgent: nil, usage: Usage(inputTokens: 7, outputTokens: 5), durationMs: 0)))
    }

    @Test func aTypeDevUIAddsLaterIsCountedNotFatal() {
        var decoder = DevUIStreamDecoder()
        _ = decoder.decode(SSEEvent(data: #"{"type":"response.created","response":{"id":"r"}}"#), at: 1)
        _ = decoder.decode(SSEEvent(data: #"{"type":"response.something_new","x":1}"#), at: 2)
        _ = decoder.decode(SSEEvent(data: #"{"type":"response.something_new","x":2}"#), at: 3)
        #expect(decoder.unknownEventCounts == ["response.something_new": 2])
    }
}

extension WorkflowEvent {
    var isWarningEvent: Bool {
        if case .warning = kind { return true }
        return false
    }
}

import EventStream
import Testing
import Wire
import WorkflowCore

/// Requests for a person over AG-UI as Agent Framework's endpoint (agent-framework-ag-ui 1.7.0) sends them, and
/// as flowtop's server sends them. The peers kit's AG-UI server offers no approval agent, so the Agent Framework
/// streams here are written after that package's `_emit_approval_request`, `request_info` path and
/// `_build_run_finished_event`; the real captures pin down what must not be taken for a request.
@Suite("AG-UI approvals and questions on the wire")
struct AGUIHumanLoopTests {
    static let arguments = #"{"restaurant": "Luigi's", "party_size": 2}"#

    /// A held `book_table` call as Agent Framework's AG-UI endpoint streams it: the call, `CUSTOM
    /// function_approval_request`, the `confirm_changes` call, the snapshot, and the interrupt.
    static let agentFrameworkApproval: [String] = [
        #"{"type":"RUN_STARTED","threadId":"thread-9","runId":"run-9"}"#,
        #"{"type":"TEXT_MESSAGE_START","messageId":"m1","role":"assistant"}"#,
        #"{"type":"TOOL_CALL_START","toolCallId":"call_book","toolCallName":"book_table","parentMessageId":"m1"}"#,
        #"{"type":"TOOL_CALL_ARGS","toolCallId":"call_book","delta":"{\"restaurant\": \"Luigi's\", \"party_size\": 2}"}"#,
        #"{"type":"TOOL_CALL_END","toolCallId":"call_book"}"#,
        #"{"type":"CUSTOM","name":"function_approval_request","value":{"id":"call_book","function_call":{"call_id":"call_book","name":"book_table","arguments":{"restaurant":"Luigi's","party_size":2}}}}"#,
        #"{"type":"TOOL_CALL_START","toolCallId":"confirm-1","toolCallName":"confirm_changes","parentMessageId":"m1"}"#,
        #"{"type":"TOOL_CALL_ARGS","toolCallId":"confirm-1","delta":"{\"function_name\": \"book_table\", \"function_call_id\": \"call_book\", \"function_arguments\": {\"restaurant\": \"Luigi's\", \"party_size\": 2}, \"steps\": [{\"description\": \"Execute book_table\", \"status\": \"enabled\"}]}"}"#,
        #"{"type":"TOOL_CALL_END","toolCallId":"confirm-1"}"#,
        #"{"type":"TEXT_MESSAGE_END","messageId":"m1"}"#,
        #"{"type":"MESSAGES_SNAPSHOT","messages":[{"id":"m0","role":"user","content":"Book a table"},{"id":"m1","role":"assistant","toolCalls":[{"id":"call_book","type":"function","function":{"name":"book_table","arguments":"{\"restaurant\": \"Luigi's\", \"party_size\": 2}"}}]}]}"#,
        #"{"type":"RUN_FINISHED","threadId":"thread-9","runId":"run-9","outcome":{"type":"interrupt","interrupts":[{"id":"call_book","reason":"tool_call","message":"Approve running book_table?","toolCallId":"call_book","metadata":{"agent_framework":{"type":"function_approval_request","function_call":{"call_id":"call_book","name":"book_table","arguments":{"restaurant":"Luigi's","party_size":2}}}}}]}}"#,
    ]

    /// A workflow's question (`ctx.request_info`) as Agent Framework's AG-UI workflow endpoint streams it.
    static let agentFrameworkQuestion: [String] = [
        #"{"type":"RUN_STARTED","threadId":"thread-r","runId":"run-r"}"#,
        #"{"type":"STEP_STARTED","stepName":"Reviewer"}"#,
        #"{"type":"STEP_FINISHED","stepName":"Reviewer"}"#,
        #"{"type":"TOOL_CALL_START","toolCallId":"req-7","toolCallName":"request_info"}"#,
        #"{"type":"TOOL_CALL_ARGS","toolCallId":"req-7","delta":"{\"request_id\": \"req-7\", \"source_executor_id\": \"Reviewer\", \"request_type\": \"ReviewRequest\", \"response_type\": \"str\", \"data\": {\"question\": \"What should the Writer change?\"}}"}"#,
        #"{"type":"TOOL_CALL_END","toolCallId":"req-7"}"#,
        #"{"type":"CUSTOM","name":"request_info","value":{"request_id":"req-7","source_executor_id":"Reviewer","request_type":"ReviewRequest","response_type":"str","data":{"question":"What should the Writer change?"}}}"#,
        #"{"type":"RUN_FINISHED","threadId":"thread-r","runId":"run-r","outcome":{"type":"interrupt","interrupts":[{"id":"req-7","reason":"input_required","message":"What should the Writer change?","responseSchema":{"type":"string"}}]}}"#,
    ]

    static func decode(_ lines: [String], into decoder: inout AGUIStreamDecoder) -> [WorkflowEvent] {
        lines.enumerated().flatMap { index, line in decoder.decode(SSEEvent(data: line), at: 1000 + Double(index)) }
    }

    static func requests(_ events: [WorkflowEvent]) -> [WorkflowEvent.Kind] {
        events.map(\.kind).filter {
            switch $0 {
            case .approvalRequested, .approvalResolved, .inputRequested, .inputProvided: true
            default: false
            }
        }
    }

    @Test func anAgentFrameworkApprovalIsOneRequestAndTheRunWaitsInsteadOfEnding() throws {
        var decoder = AGUIStreamDecoder()
        let events = Self.decode(Self.agentFrameworkApproval, into: &decoder)
        let approval = ApprovalRequest(
            requestId: "call_book", agent: "agent", callId: "call_book", tool: "book_table", arguments: #"{"party_size":2,"restaurant":"Luigi's"}"#)
        #expect(Self.requests(events) == [.approvalRequested(approval)])
        #expect(events.contains { $0.isTerminal } == false)
        let interruption = try #require(decoder.interruption)
        #expect(interruption.threadId == "thread-9")
        #expect(interruption.requests == [.approval(approval)])
        #expect(interruption.messages?.count == 2)
        let tools = events.compactMap { if case let .toolCallStarted(_, _, tool, _) = $0.kind { tool } else { nil } }
        #expect(tools == ["book_table"], "confirm_changes is the approval's form, not a tool the agent ran")
        #expect(events.map(\.sequence) == Array(1...events.count))
    }

    @Test func aStreamThatEndsAtAnInterruptWithNoFollowUpFailsSayingTheRunWaits() throws {
        var decoder = AGUIStreamDecoder()
        _ = Self.decode(Self.agentFrameworkApproval, into: &decoder)
        guard case let .runFailed(error, _)? = decoder.finish(at: 2000).last?.kind else {
            Issue.record("no failure")
            return
        }
        #expect(error.contains("wait for a person (call_book)"))
        #expect(error.contains("thread-9"))
    }

    @Test func aFollowUpShowsTheResolutionAndItsStreamIsTheSameRun() throws {
        var decoder = AGUIStreamDecoder()
        let first = Self.decode(Self.agentFrameworkApproval, into: &decoder)
        let request = try #require(decoder.interruption?.requests.first)
        let decision = ApprovalDecision(approved: true, answeredBy: "dashboard")
        let resolution = decoder.resume(answering: [(request, .approval(decision))], at: 1500)
        guard case let .approvalResolved(resolved)? = resolution.first?.kind else {
            Issue.record("no resolution")
            return
        }
        #expect(resolved.decision == decision)
        #expect(decoder.interruption == nil)
        let rest = Self.decode([
            #"{"type":"RUN_STARTED","threadId":"thread-9","runId":"run-9-2"}"#,
            #"{"type":"TOOL_CALL_RESULT","messageId":"r1","toolCallId":"call_book","content":"Booked.","role":"tool"}"#,
            #"{"type":"TEXT_MESSAGE_START","messageId":"m2","role":"assistant"}"#,
            #"{"type":"TEXT_MESSAGE_CONTENT","messageId":"m2","delta":"Done!"}"#,
            #"{"type":"TEXT_MESSAGE_END","messageId":"m2"}"#,
            #"{"type":"RUN_FINISHED","threadId":"thread-9","runId":"run-9-2"}"#,
        ], into: &decoder)
        let all = first + resolution + rest
        #expect(all.filter { if case .runStarted = $0.kind { true } else { false } }.count == 1)
        #expect(all.map(\.sequence) == Array(1...all.count))
        #expect(rest.contains { if case let .toolResult(result) = $0.kind { result.tool == "book_table" } else { false } })
        if case .runCompleted = all.last?.kind {} else { Issue.record("the continued run does not complete") }
    }

    @Test func anAgentFrameworkQuestionIsAnInputRequestOfItsExecutor() throws {
        var decoder = AGUIStreamDecoder()
        let events = Self.decode(Self.agentFrameworkQuestion, into: &decoder)
        let question = InputRequest(requestId: "req-7", agent: "Reviewer", question: "What should the Writer change?")
        #expect(Self.requests(events) == [.inputRequested(question)])
        #expect(decoder.interruption?.requests == [.input(question)])
        #expect(events.contains { if case .toolCallStarted = $0.kind { true } else { false } } == false)
    }

    @Test func anInterruptNoEventAnnouncedIsAnnouncedFromTheInterrupt() throws {
        var decoder = AGUIStreamDecoder()
        let events = Self.decode([Self.agentFrameworkQuestion[0], Self.agentFrameworkQuestion.last!], into: &decoder)
        #expect(Self.requests(events) == [.inputRequested(.init(
            requestId: "req-7", agent: "agent", question: "What should the Writer change?", schema: ["type": "string"]))])
    }

    @Test func flowtopsServerSendsBothShapesAndTheyDecodeToOneRequest() throws {
        var encoder = AGUIEventEncoder(threadId: "t", runId: "r")
        let approval = ApprovalRequest(requestId: "req_1", agent: "Researcher", callId: "call_1", tool: "send_report", arguments: #"{"to":"team"}"#)
        var lines: [String] = []
        for (index, kind) in [
            WorkflowEvent.Kind.runStarted(.init(runId: "run_1", workflow: "approval", participants: [])),
            .agentStarted(agent: "Researcher"),
            .toolCallStarted(agent: "Researcher", callId: "call_1", tool: "send_report", arguments: #"{"to":"team"}"#),
            .approvalRequested(approval),
        ].enumerated() {
            lines += encoder.encode(WorkflowEvent(sequence: index + 1, timestamp: 0, kind: kind))
        }
        lines += encoder.interrupt()
        let names = lines.compactMap { try? JSONValue(parsing: $0) }.compactMap { $0["name"]?.stringValue ?? $0["toolCallName"]?.stringValue }
        #expect(names == ["send_report", "approval_requested", "function_approval_request", "confirm_changes"])
        let finished = try JSONValue(parsing: try #require(lines.last))
        #expect(finished["outcome"]?["interrupts"]?.arrayValue?.first?["id"]?.stringValue == "req_1")
        #expect(try JSONValue(parsing: lines[lines.count - 2])["type"]?.stringValue == "STEP_FINISHED")

        var decoder = AGUIStreamDecoder()
        let events = Self.decode(lines, into: &decoder)
        #expect(Self.requests(events) == [.approvalRequested(approval)])
        #expect(decoder.interruption?.requests == [.approval(approval)])
    }

    @Test func aFollowUpRunOpensTheStepsTheInterruptClosed() throws {
        var encoder = AGUIEventEncoder(threadId: "t", runId: "r-2")
        let lines = encoder.resume(steps: ["Researcher"])
        #expect(lines == [
            #"{"type":"RUN_STARTED","threadId":"t","runId":"r-2"}"#, #"{"type":"STEP_STARTED","stepName":"Researcher"}"#,
        ])
        #expect(encoder.openSteps == ["Researcher"])
    }

    @Test func theCapturedFrontendToolExchangeHoldsNoRequestForAPerson() throws {
        for name in ["agui_frontend_tool_call.sse", "agui_frontend_tool_result_followup.sse"] {
            var decoder = AGUIStreamDecoder()
            let run = Decoded(&decoder, try Capture.events(name))
            #expect(Self.requests(run.all).isEmpty, "\(name)")
            #expect(decoder.interruption == nil, "\(name)")
            if case .runCompleted = run.kinds.last {} else { Issue.record("\(name) does not end in runCompleted") }
        }
    }

    @Test func anAnswerReadsAgentFrameworksShapesAndRefusesOthersInWords() throws {
        let approval = HumanRequest.approval(.init(requestId: "req_1", agent: "R", callId: "call_1", tool: "send_report", arguments: "{}"))
        #expect(try AGUIHumanLoop.response(from: AGUIHumanLoop.payload(ofContent: #"{"accepted": false, "reason": "no"}"#), for: approval, answeredBy: "x")
            == .approval(.init(approved: false, reason: "no", answeredBy: "x")))
        #expect(try AGUIHumanLoop.response(from: ["approved": true], for: approval, answeredBy: "x")
            == .approval(.init(approved: true, answeredBy: "x")))
        #expect(throws: AGUIHumanLoop.AnswerProblem.self) {
            try AGUIHumanLoop.response(from: .string("yes"), for: approval, answeredBy: "x")
        }
        let question = HumanRequest.input(.init(requestId: "req_2", agent: "E", question: "Tone?", schema: ["type": "string", "enum": ["formal"]]))
        #expect(try AGUIHumanLoop.response(from: AGUIHumanLoop.payload(ofContent: "formal"), for: question, answeredBy: "x")
            == .input(.init(text: "formal", answeredBy: "x")))
        #expect(throws: AGUIHumanLoop.AnswerProblem.self) {
            try AGUIHumanLoop.response(from: .string("grumpy"), for: question, answeredBy: "x")
        }
        #expect(AGUIHumanLoop.request(named: "confirm_req_1", among: [approval, question]) == approval)
        #expect(AGUIHumanLoop.request(named: "call_1", among: [approval, question]) == approval)
        #expect(AGUIHumanLoop.toolContent(for: .approval(.init(approved: false, reason: "later"))) == #"{"accepted":false,"reason":"later"}"#)
    }
}

import Foundation
import Testing
import Wire
import WorkflowCore
import WorkflowServer
import RemoteStream

/// `POST /api/agui` with the approval preset: the stream ends at each request as Agent Framework's AG-UI endpoint
/// ends it, and the follow-up run on the same thread answers it and streams the rest of the same run.
@Suite("AG-UI approvals and questions on flowtop serve")
struct AGUIApprovalTests {
    static let prompt = "Research the weather in Lisbon and send the report"

    static func firstRun(thread: String) -> String {
        #"{"threadId":"\#(thread)","runId":"r-1","messages":[{"id":"m1","role":"user","content":"\#(prompt)"}],"#
            + #""state":{},"tools":[],"context":[],"forwardedProps":{}}"#
    }

    /// A follow-up on `thread` whose last message is a tool message answering `toolCallId` with `content`.
    static func followUp(thread: String, runId: String, toolCallId: String, content: String) -> String {
        var quoted = ""
        JSONValue.writeQuoted(content, to: &quoted)
        return #"{"threadId":"\#(thread)","runId":"\#(runId)","messages":[{"id":"m1","role":"user","content":"\#(prompt)"},"#
            + #"{"id":"m2","role":"tool","toolCallId":"\#(toolCallId)","content":\#(quoted)}],"#
            + #""state":{},"tools":[],"context":[],"forwardedProps":{}}"#
    }

    /// The AG-UI events of a stream: each `data:` object.
    static func objects(_ answer: Answer) throws -> [JSONValue] {
        try answer.events.map { try JSONValue(parsing: $0.data) }
    }

    static func type(_ object: JSONValue) -> String { object["type"]?.stringValue ?? "" }

    static func interrupts(_ objects: [JSONValue]) -> [JSONValue] {
        objects.last?["outcome"]?["interrupts"]?.arrayValue ?? []
    }

    /// Starts a run on `thread` and returns its first stream (ended at the approval) and the run's record.
    static func interruptedRun(_ harness: ServerHarness, thread: String) async throws -> ([JSONValue], ApprovalRequest) {
        let first = try objects(try await harness.stream(firstRun(thread: thread), path: "/api/agui"))
        let run = try #require(harness.server.registry.list().first)
        guard case let .approval(approval)? = harness.server.registry.run(id: run.id)?.desk.pending.first else {
            throw HarnessError("the run does not wait on an approval")
        }
        return (first, approval)
    }

    @Test("the stream ends at the approval with Agent Framework's events and an interrupt, and the run waits")
    func streamEndsAtTheApproval() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let (events, approval) = try await Self.interruptedRun(harness, thread: "t-end")
        let custom = events.filter { Self.type($0) == "CUSTOM" }.compactMap { $0["name"]?.stringValue }
        #expect(custom.contains("approval_requested"), "flowtop's own event, for older attach clients")
        let request = try #require(events.first { $0["name"]?.stringValue == "function_approval_request" })
        #expect(request["value"]?["id"]?.stringValue == approval.requestId)
        #expect(request["value"]?["function_call"]?["call_id"]?.stringValue == approval.callId)
        #expect(request["value"]?["function_call"]?["name"]?.stringValue == "send_report")
        let confirm = try #require(events.first { $0["toolCallName"]?.stringValue == "confirm_changes" })
        #expect(confirm["toolCallId"]?.stringValue == AGUIHumanLoop.confirmCallId(for: approval.requestId))
        let finished = try #require(events.last)
        #expect(Self.type(finished) == "RUN_FINISHED")
        #expect(finished["threadId"]?.stringValue == "t-end")
        #expect(finished["outcome"]?["type"]?.stringValue == "interrupt")
        let interrupt = try #require(Self.interrupts(events).first)
        #expect(interrupt["id"]?.stringValue == approval.requestId)
        #expect(interrupt["reason"]?.stringValue == "tool_call")
        #expect(interrupt["toolCallId"]?.stringValue == approval.callId)
        let stepsOpened = events.filter { Self.type($0) == "STEP_STARTED" }.count
        #expect(events.filter { Self.type($0) == "STEP_FINISHED" }.count == stepsOpened, "no step left open")
        #expect(harness.server.registry.list().first?.state == .running)
        harness.server.registry.stopAll(reason: "test over")
        try await harness.shutdown()
    }

    @Test("a follow-up with the tool message {\"accepted\": true} approves the call and streams the same run on")
    func followUpApproves() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let (_, approval) = try await Self.interruptedRun(harness, thread: "t-yes")
        let next = try Self.objects(try await harness.stream(
            Self.followUp(thread: "t-yes", runId: "r-2", toolCallId: approval.callId, content: #"{"accepted": true}"#),
            path: "/api/agui"))
        let started = try #require(next.first)
        #expect(Self.type(started) == "RUN_STARTED")
        #expect(started["threadId"]?.stringValue == "t-yes")
        #expect(started["runId"]?.stringValue == "r-2")
        #expect(Self.type(next[1]) == "STEP_STARTED" && next[1]["stepName"]?.stringValue == "Researcher",
                "the step the interrupt closed opens again")
        let resolved = try #require(next.first { $0["name"]?.stringValue == "approval_resolved" })
        #expect(resolved["value"]?["approved"] == .bool(true))
        #expect(resolved["value"]?["answeredBy"]?.stringValue == "an AG-UI client")
        let result = try #require(next.first { Self.type($0) == "TOOL_CALL_RESULT" && $0["toolCallId"]?.stringValue == approval.callId })
        #expect(result["content"]?.stringValue?.contains("rejected") == false)
        // The run goes on to the Editor's question and stops there.
        let interrupt = try #require(Self.interrupts(next).first)
        #expect(interrupt["reason"]?.stringValue == "input_required")
        #expect(interrupt["message"]?.stringValue == "Which tone should the Writer take?")
        #expect(harness.server.registry.list().count == 1, "the same run, not a new one")
        harness.server.registry.stopAll(reason: "test over")
        try await harness.shutdown()
    }

    @Test("a follow-up that rejects with a reason gives the model the rejection and the reason")
    func followUpRejectsWithAReason() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let (_, approval) = try await Self.interruptedRun(harness, thread: "t-no")
        let next = try Self.objects(try await harness.stream(
            Self.followUp(thread: "t-no", runId: "r-2", toolCallId: approval.callId,
                          content: #"{"accepted": false, "reason": "not to the press"}"#),
            path: "/api/agui"))
        let resolved = try #require(next.first { $0["name"]?.stringValue == "approval_resolved" })
        #expect(resolved["value"]?["approved"] == .bool(false))
        #expect(resolved["value"]?["reason"]?.stringValue == "not to the press")
        let result = try #require(next.first { Self.type($0) == "TOOL_CALL_RESULT" && $0["toolCallId"]?.stringValue == approval.callId })
        #expect(result["content"]?.stringValue == "Error: Tool call invocation was rejected by user. Reason: not to the press")
        harness.server.registry.stopAll(reason: "test over")
        try await harness.shutdown()
    }

    @Test("the question is answered by a follow-up too (a resume entry here), and the run then finishes")
    func followUpAnswersTheQuestion() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let (_, approval) = try await Self.interruptedRun(harness, thread: "t-q")
        let second = try Self.objects(try await harness.stream(
            Self.followUp(thread: "t-q", runId: "r-2", toolCallId: approval.callId, content: #"{"accepted": true}"#),
            path: "/api/agui"))
        let question = try #require(Self.interrupts(second).first?["id"]?.stringValue)
        let resume = #"{"threadId":"t-q","runId":"r-3","messages":[],"resume":[{"interruptId":"\#(question)","#
            + #""status":"resolved","payload":"formal"}]}"#
        let third = try Self.objects(try await harness.stream(resume, path: "/api/agui"))
        let provided = try #require(third.first { $0["name"]?.stringValue == "input_provided" })
        #expect(provided["value"]?["answer"]?.stringValue == "formal")
        let finished = try #require(third.last)
        #expect(Self.type(finished) == "RUN_FINISHED")
        #expect(finished.objectValue?.keys.contains("outcome") == false)
        #expect(finished["runId"]?.stringValue == "r-3")
        #expect(harness.server.registry.list().first?.state == .completed)
        try await harness.shutdown()
    }

    @Test("an answer of the wrong shape is 422 with a message that says the shape, and the run waits on")
    func wrongShapeIs422() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let (_, approval) = try await Self.interruptedRun(harness, thread: "t-shape")
        let answer = try await harness.send(
            "/api/agui", body: Self.followUp(thread: "t-shape", runId: "r-2", toolCallId: approval.callId, content: "sure, go ahead"))
        #expect(answer.status == 422)
        let detail = try #require(try JSONValue(parsing: answer.body)["detail"]?.arrayValue?.first)
        #expect(detail["msg"]?.stringValue?.contains(#"{"accepted": true|false"#) == true)
        #expect(detail["loc"] == .array([.string("body"), .string("messages"), .string("1"), .string("content")]))
        #expect(harness.server.registry.list().first.flatMap { harness.server.registry.run(id: $0.id) }?.desk.pending.first?.id
            == approval.requestId)
        harness.server.registry.stopAll(reason: "test over")
        try await harness.shutdown()
    }

    @Test("a tool message that names no request of the thread's run is 422 naming the request it waits on")
    func unknownRequestIs422() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let (_, approval) = try await Self.interruptedRun(harness, thread: "t-unknown")
        let answer = try await harness.send(
            "/api/agui", body: Self.followUp(thread: "t-unknown", runId: "r-2", toolCallId: "call_nope", content: #"{"accepted": true}"#))
        #expect(answer.status == 422)
        #expect(answer.body.contains("call_nope"))
        #expect(answer.body.contains(approval.requestId))
        let elsewhere = try await harness.send(
            "/api/agui", body: Self.followUp(thread: "t-other", runId: "r-2", toolCallId: approval.callId, content: #"{"accepted": true}"#))
        #expect(elsewhere.status == 422)
        #expect(elsewhere.body.contains("no run on thread 't-other' waits for an answer"))
        harness.server.registry.stopAll(reason: "test over")
        try await harness.shutdown()
    }

    @Test("the first answer wins: a second follow-up for the same request is 409")
    func secondAnswerIs409() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let (_, approval) = try await Self.interruptedRun(harness, thread: "t-twice")
        let first = try await harness.stream(
            Self.followUp(thread: "t-twice", runId: "r-2", toolCallId: approval.callId, content: #"{"accepted": true}"#),
            path: "/api/agui")
        #expect(first.status == 200)
        let second = try await harness.send(
            "/api/agui", body: Self.followUp(thread: "t-twice", runId: "r-3", toolCallId: approval.callId, content: #"{"accepted": false}"#))
        #expect(second.status == 409)
        #expect(second.body.contains("already answered"))
        harness.server.registry.stopAll(reason: "test over")
        try await harness.shutdown()
    }
}

@Suite("attach answering flowtop serve's AG-UI run")
struct AGUIAttachServeTests {
    @Test func attachAnswersEachRequestWithAFollowUpAndSeesTheRunToItsEndAsOneRun() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let client = EventSourceClient()
        let request = EventSourceRequest(
            url: harness.base + "/api/agui", body: Array(AGUIApprovalTests.firstRun(thread: "t-attach").utf8),
            headers: [("Content-Type", "application/json")])
        let followUps = try #require(AGUIFollowUps(request: request))
        var all: [WorkflowEvent] = []
        _ = await RemoteAttach.run(
            request, client: client, format: nil, agentName: nil, followUps: followUps, onState: { _ in },
            onEvent: { event in
                all.append(event)
                switch event.kind {
                case let .approvalRequested(approval):
                    _ = followUps.answer(approval.requestId, .approval(.init(approved: true, answeredBy: "dashboard")))
                case let .inputRequested(input):
                    _ = followUps.answer(input.requestId, .input(.init(text: "formal", answeredBy: "dashboard")))
                default: break
                }
            })
        await client.shutdown()
        #expect(all.filter { if case .runStarted = $0.kind { true } else { false } }.count == 1)
        #expect(all.filter { if case .approvalRequested = $0.kind { true } else { false } }.count == 1)
        #expect(all.filter { if case .approvalResolved = $0.kind { true } else { false } }.count == 1)
        #expect(all.filter { if case .inputProvided = $0.kind { true } else { false } }.count == 1)
        #expect(all.contains { if case .agentStarted("Writer") = $0.kind { true } else { false } })
        if case .runCompleted = all.last?.kind {} else { Issue.record("the run does not complete: \(String(describing: all.last))") }
        #expect(harness.server.registry.list().first?.state == .completed)
        try await harness.shutdown()
    }
}

import EventStream
import Foundation
import LoopbackHTTP
import RemoteStream
import Testing
import Wire
import WorkflowCore

/// `attach` to an AG-UI stream that stops at a request: the answer goes out as AG-UI's follow-up run on the same
/// thread, and its stream is read as the same run.
@Suite("attach answering an AG-UI run with its follow-up run")
struct AGUIFollowUpTests {
    static let original = #"{"threadId":"thread-9","runId":"run-9","messages":[{"id":"m0","role":"user","content":"Book a table"}],"state":{},"tools":[],"context":[],"forwardedProps":{}}"#

    static func sse(_ lines: [String]) -> ScriptedResponse {
        .eventStream(lines.map { .bytes(Array("data: \($0)\n\n".utf8)) })
    }

    static let continuation = [
        #"{"type":"RUN_STARTED","threadId":"thread-9","runId":"run-9-2"}"#,
        #"{"type":"TOOL_CALL_RESULT","messageId":"r1","toolCallId":"call_book","content":"Booked.","role":"tool"}"#,
        #"{"type":"TEXT_MESSAGE_START","messageId":"m2","role":"assistant"}"#,
        #"{"type":"TEXT_MESSAGE_CONTENT","messageId":"m2","delta":"Done!"}"#,
        #"{"type":"TEXT_MESSAGE_END","messageId":"m2"}"#,
        #"{"type":"RUN_FINISHED","threadId":"thread-9","runId":"run-9-2"}"#,
    ]

    /// Attaches with follow-ups, answering each request with `answer` as soon as it shows.
    static func attach(
        _ server: LoopbackServer, body: String, answer: @escaping @Sendable (HumanRequest) -> HumanResponse
    ) async throws -> [WorkflowEvent] {
        let client = EventSourceClient(policy: ReconnectPolicy(initialDelayMilliseconds: 10, maxDelayMilliseconds: 50, maxAttempts: 2))
        let request = EventSourceRequest(url: server.baseURL + "/agent", body: Array(body.utf8))
        let followUps = try #require(AGUIFollowUps(request: request))
        let collected = Collected()
        _ = await RemoteAttach.run(
            request, client: client, format: nil, agentName: nil, followUps: followUps, onState: { _ in },
            onEvent: { event in
                collected.add(event)
                switch event.kind {
                case let .approvalRequested(approval): #expect(followUps.answer(approval.requestId, answer(.approval(approval))))
                case let .inputRequested(input): #expect(followUps.answer(input.requestId, answer(.input(input))))
                default: break
                }
            })
        await client.shutdown()
        return collected.events
    }

    @Test func anApprovalGoesOutAsTheToolMessageOfAFollowUpRunWhoseStreamIsTheSameRun() async throws {
        let server = LoopbackServer(responses: [Self.sse(AGUIHumanLoopTestLines.approval), Self.sse(Self.continuation)])
        try await server.start()
        let events = try await Self.attach(server, body: Self.original) { _ in .approval(.init(approved: true)) }
        await server.shutdown()

        let followUp = try #require(server.requests.dropFirst().first)
        #expect(followUp.method == "POST")
        #expect(followUp.path == "/agent")
        #expect(String(decoding: followUp.body, as: UTF8.self) == #"{"context":[],"forwardedProps":{},"messages":[{"content":"Book a table","id":"m0","role":"user"},{"id":"m1","role":"assistant","toolCalls":[{"function":{"arguments":"{\"restaurant\": \"Luigi's\", \"party_size\": 2}","name":"book_table"},"id":"call_book","type":"function"}]},{"content":"{\"accepted\":true}","id":"answer_call_book","role":"tool","toolCallId":"call_book"}],"runId":"run-9-2","state":{},"threadId":"thread-9","tools":[]}"#)
        #expect(events.filter { if case .runStarted = $0.kind { true } else { false } }.count == 1)
        #expect(events.map(\.sequence) == Array(1...events.count))
        #expect(events.contains { if case let .approvalResolved(resolution) = $0.kind { resolution.decision.approved } else { false } })
        #expect(events.compactMap { if case let .textDelta(_, _, text) = $0.kind { text } else { nil } } == ["Done!"])
        if case .runCompleted = events.last?.kind {} else { Issue.record("the continued run does not complete") }
    }

    @Test func aRejectionCarriesItsReasonAndAQuestionItsTextWithoutASnapshotToCopy() async throws {
        // No MESSAGES_SNAPSHOT here: the follow-up carries the original messages and the held call.
        let lines = AGUIHumanLoopTestLines.approval.filter { !$0.contains("MESSAGES_SNAPSHOT") }
        let server = LoopbackServer(responses: [Self.sse(lines), Self.sse(Self.continuation)])
        try await server.start()
        _ = try await Self.attach(server, body: Self.original) { _ in .approval(.init(approved: false, reason: "too pricey")) }
        await server.shutdown()
        let body = try JSONValue(parsing: String(decoding: try #require(server.requests.dropFirst().first).body, as: UTF8.self))
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.count == 3)
        #expect(messages[1]["toolCalls"]?.arrayValue?.first?["id"]?.stringValue == "call_book")
        #expect(messages[2]["content"]?.stringValue == #"{"accepted":false,"reason":"too pricey"}"#)
    }

    @Test func theFollowUpHasTheShapeOfTheCapturedFrontendToolFollowUp() throws {
        // The real request Agent Framework's AG-UI endpoint answered (shared/captures/requests), beside ours.
        let captured = try JSONValue(parsing: String(decoding: try Fixture.bytes("agui_frontend_tool_result.json"), as: UTF8.self))
        let original = try #require(try JSONValue(parsing: String(decoding: try Fixture.bytes("agui_frontend_tool.json"), as: UTF8.self)).objectValue)
        let approval = ApprovalRequest(requestId: "call_bg_1", agent: "agent", callId: "call_bg_1", tool: "change_background",
                                       arguments: #"{"color": "blue"}"#)
        let body = try JSONValue(parsing: AGUIFollowUps.body(
            input: original, interruption: AGUIInterruption(threadId: "thread-3", runId: "run-3", requests: [.approval(approval)]),
            answers: [(.approval(approval), .approval(.init(approved: true)))], number: 1))
        func keys(_ value: JSONValue?) -> [String] { value?.objectValue.map { $0.keys.sorted() } ?? [] }
        #expect(keys(body) == keys(captured))
        #expect(body["threadId"] == captured["threadId"])
        let ours = try #require(body["messages"]?.arrayValue)
        let theirs = try #require(captured["messages"]?.arrayValue)
        #expect(ours.count == theirs.count)
        for (mine, real) in zip(ours, theirs) {
            #expect(keys(mine) == keys(real))
            #expect(mine["role"] == real["role"])
        }
        #expect(ours[1]["toolCalls"] == theirs[1]["toolCalls"])
        #expect(ours[2]["toolCallId"] == theirs[2]["toolCallId"])
    }

    @Test func onlyARunAgentInputIsFollowedUp() {
        let url = "http://127.0.0.1:1/api/agui"
        #expect(AGUIFollowUps(request: EventSourceRequest(url: url)) == nil, "a GET watch stream")
        #expect(AGUIFollowUps(request: EventSourceRequest(url: url, body: Array(#"{"message":"hi"}"#.utf8))) == nil)
        #expect(AGUIFollowUps(request: EventSourceRequest(url: url, body: Array(Self.original.utf8))) != nil)
    }
}

/// The Agent Framework approval stream of `AGUIHumanLoopTests` (Wire's tests), for this target.
enum AGUIHumanLoopTestLines {
    static let approval: [String] = [
        #"{"type":"RUN_STARTED","threadId":"thread-9","runId":"run-9"}"#,
        #"{"type":"TEXT_MESSAGE_START","messageId":"m1","role":"assistant"}"#,
        #"{"type":"TOOL_CALL_START","toolCallId":"call_book","toolCallName":"book_table","parentMessageId":"m1"}"#,
        #"{"type":"TOOL_CALL_ARGS","toolCallId":"call_book","delta":"{\"restaurant\": \"Luigi's\", \"party_size\": 2}"}"#,
        #"{"type":"TOOL_CALL_END","toolCallId":"call_book"}"#,
        #"{"type":"CUSTOM","name":"function_approval_request","value":{"id":"call_book","function_call":{"call_id":"call_book","name":"book_table","arguments":{"restaurant":"Luigi's","party_size":2}}}}"#,
        #"{"type":"TOOL_CALL_START","toolCallId":"confirm-1","toolCallName":"confirm_changes","parentMessageId":"m1"}"#,
        #"{"type":"TOOL_CALL_END","toolCallId":"confirm-1"}"#,
        #"{"type":"TEXT_MESSAGE_END","messageId":"m1"}"#,
        #"{"type":"MESSAGES_SNAPSHOT","messages":[{"id":"m0","role":"user","content":"Book a table"},{"id":"m1","role":"assistant","toolCalls":[{"id":"call_book","type":"function","function":{"name":"book_table","arguments":"{\"restaurant\": \"Luigi's\", \"party_size\": 2}"}}]}]}"#,
        #"{"type":"RUN_FINISHED","threadId":"thread-9","runId":"run-9","outcome":{"type":"interrupt","interrupts":[{"id":"call_book","reason":"tool_call","toolCallId":"call_book"}]}}"#,
    ]
}

import Dashboard
import Foundation
import LoopbackHTTP
import RemoteStream
import Synchronization
import Testing
import WorkflowCore

/// A DevUI run answered from attach, against a loopback server that plays back what Agent Framework's DevUI
/// really answered (Fixtures, from agent-framework-devui 1.0.0b261022): the conversation it is created in, the first
/// response that stops for a person, and the follow-up that carries the answer.
@Suite("attach answering a DevUI run in its conversation")
struct DevUIConversationTests {
    static let approvalId = "af-call-d3c9a2ae37d243e5b43b881db2ca7cd5"
    static let rejectId = "af-call-45a44e0f423c4226980d9064672da759"
    static let reviewId = "8af9ca23-4853-4b43-b5f6-235479ccfe45"

    /// DevUI's two routes: the conversation (`conversation`'s capture) and `/v1/responses`, whose n-th POST gets
    /// `responses[n]` (the last one past the end).
    static func devUI(conversation: String, responses: [String]) throws -> LoopbackServer {
        let created = String(decoding: try Fixture.bytes(conversation), as: UTF8.self)
        let streams = try responses.map { try Fixture.bytes($0) }
        let posted = Mutex(0)
        return LoopbackServer { request in
            switch (request.method, request.path) {
            case ("POST", "/v1/conversations"): return .json(created)
            case ("POST", "/v1/responses"):
                let index = posted.withLock { count in
                    defer { count += 1 }
                    return min(count, streams.count - 1)
                }
                return .eventStream(ScriptedResponse.chunks(of: streams[index], size: 211))
            default: return .json(status: 404, #"{"error":{"message":"Not Found"}}"#)
            }
        }
    }

    /// What a run delivered and what became of each answer sent.
    final class Run: Sendable {
        let delivered = Mutex<[WorkflowEvent]>([])
        let answered = Mutex<[String?]>([])
        let reported = Mutex<[ConnectionState]>([])
        var events: [WorkflowEvent] { delivered.withLock { $0 } }
        var replies: [String?] { answered.withLock { $0 } }
        var states: [ConnectionState] { reported.withLock { $0 } }
    }

    /// Runs `entity` in a conversation created on `server`; each request the run shows is answered with
    /// `answer(request, attempt)` (attempt 0, then 1 when DevUI refused the first, …).
    static func attach(
        _ server: LoopbackServer, entity: DevUIServer.Entity, message: String,
        answer: @escaping @Sendable (HumanRequest, Int) -> HumanResponse
    ) async throws -> Run {
        let devUI = DevUIServer(url: server.baseURL, apiKey: nil)
        let client = EventSourceClient(policy: ReconnectPolicy(maxAttempts: 0))
        let conversation = try await devUI.createConversation(for: entity, using: client.httpClient)
        let answers = DevUIRequestAnswers()
        let run = Run()
        @Sendable func respond(to request: HumanRequest, attempt: Int) {
            Task {
                let reply = await answers.send(request.id, answer(request, attempt))
                run.answered.withLock { $0.append(reply) }
                if reply != nil, attempt < 3 { respond(to: request, attempt: attempt + 1) }
            }
        }
        _ = await DevUIConversationRun.run(
            server: devUI, entity: entity.id, conversation: conversation, message: message, answers: answers,
            client: client, agentName: entity.id,
            onState: { state in run.reported.withLock { $0.append(state) } },
            onEvent: { event in
                run.delivered.withLock { $0.append(event) }
                switch event.kind {
                case let .approvalRequested(request): respond(to: .approval(request), attempt: 0)
                case let .inputRequested(request): respond(to: .input(request), attempt: 0)
                default: break
                }
            })
        await client.shutdown()
        return run
    }

    static let concierge = DevUIServer.Entity(id: "approval_flow", type: "agent", name: "Approval Flow")
    static let reviewFlow = DevUIServer.Entity(id: "review_flow", type: "workflow", name: "Review Flow")
    static let booking = "Book a table for two at Luigi's tonight."
    static let approve: @Sendable (HumanRequest, Int) -> HumanResponse = { _, _ in
        .approval(.init(approved: true, answeredBy: "dashboard"))
    }

    @Test func theRunStartsInAConversationItCreatedAndTheApprovalIsAFollowUpInIt() async throws {
        let server = try Self.devUI(
            conversation: "devui_conversation_create_approve.json",
            responses: ["devui_approval_flow.sse", "devui_approval_approve_followup.sse"])
        try await server.start()
        _ = try await Self.attach(server, entity: Self.concierge, message: Self.booking, answer: Self.approve)
        await server.shutdown()
        let sent = server.requests
        #expect(sent.map(\.path) == ["/v1/conversations", "/v1/responses", "/v1/responses"])
        #expect(sent.first?.bodyText == #"{"metadata":{"agent_id":"approval_flow"}}"#)
        #expect(sent.dropFirst().first?.bodyText
            == #"{"conversation":"conv_6965b2c13a284b6b92d447f1d4b0fb2b","input":"Book a table for two at Luigi's tonight.","metadata":{"entity_id":"approval_flow"},"stream":true}"#)
        #expect(sent.last?.bodyText
            == #"{"conversation":"conv_6965b2c13a284b6b92d447f1d4b0fb2b","input":[{"content":[{"approved":true,"request_id":"af-call-d3c9a2ae37d243e5b43b881db2ca7cd5","type":"function_approval_response"}],"role":"user","type":"message"}],"metadata":{"entity_id":"approval_flow"},"stream":true}"#)
    }

    @Test func theFollowUpsEventsContinueTheSameRunInTheDashboard() async throws {
        let server = try Self.devUI(
            conversation: "devui_conversation_create_approve.json",
            responses: ["devui_approval_flow.sse", "devui_approval_approve_followup.sse"])
        try await server.start()
        let run = try await Self.attach(server, entity: Self.concierge, message: Self.booking, answer: Self.approve)
        await server.shutdown()
        let events = run.events
        #expect(events.map(\.sequence) == Array(1...events.count))
        #expect(events.filter { if case .runStarted = $0.kind { true } else { false } }.count == 1)
        #expect(events.filter(\.isTerminal).count == 1)
        #expect(run.replies == [nil])
        var state = DashboardState()
        _ = state.update(.events(events))
        #expect(state.runStatus == .completed)
        #expect(state.agents.map(\.name) == ["approval_flow"])
        let pane = state.agents[0].lines.map(\.text)
        #expect(pane.contains("⏸ book_table waits for your approval"))
        #expect(pane.contains("  ✔ approved by dashboard"))
        #expect(pane.contains { $0.contains("Booked a table for two") })
        #expect(state.requests.isEmpty)
        // Between the responses nothing is open: the header says what the run waits for.
        #expect(run.states.contains(.waiting("DevUI waits for an approval")))
    }

    @Test func aRejectionIsAFollowUpWithApprovedFalseAndTheModelHearsOfIt() async throws {
        let server = try Self.devUI(
            conversation: "devui_conversation_create_reject.json",
            responses: ["devui_approval_flow_for_reject.sse", "devui_approval_reject_followup.sse"])
        try await server.start()
        let run = try await Self.attach(server, entity: Self.concierge, message: Self.booking) { _, _ in
            .approval(.init(approved: false, reason: "not tonight", answeredBy: "dashboard"))
        }
        await server.shutdown()
        #expect(server.requests.last?.bodyText
            == #"{"conversation":"conv_2bfc36c059834af2ac523dd9efb36ac3","input":[{"content":[{"approved":false,"request_id":"af-call-45a44e0f423c4226980d9064672da759","type":"function_approval_response"}],"role":"user","type":"message"}],"metadata":{"entity_id":"approval_flow"},"stream":true}"#)
        var state = DashboardState()
        _ = state.update(.events(run.events))
        #expect(state.runStatus == .completed)
        let pane = state.agents[0].lines.map(\.text)
        #expect(pane.contains("  ✘ rejected by dashboard: not tonight"))
        #expect(state.timeline.first { $0.tool == "book_table" }?.result == "Error: Tool call invocation was rejected by user.")
    }

    @Test func aWorkflowsQuestionIsAnsweredWithAHILResponseInAWorkflowSession() async throws {
        let server = try Self.devUI(
            conversation: "devui_conversation_create_review.json",
            responses: ["devui_review_flow.sse", "devui_review_hil_followup.sse"])
        try await server.start()
        let run = try await Self.attach(server, entity: Self.reviewFlow, message: "Research Seattle weather and write a short poem") { _, _ in
            .input(.init(text: "Mention the light breeze.", answeredBy: "dashboard"))
        }
        await server.shutdown()
        let sent = server.requests
        #expect(sent.first?.bodyText == #"{"metadata":{"entity_id":"review_flow","type":"workflow_session"}}"#)
        #expect(sent.last?.bodyText
            == #"{"conversation":"conv_4042dec6bacd4b43a70165cdf7e18b76","input":[{"content":[{"responses":{"8af9ca23-4853-4b43-b5f6-235479ccfe45":"Mention the light breeze."},"type":"workflow_hil_response"}],"role":"user","type":"message"}],"metadata":{"entity_id":"review_flow"},"stream":true}"#)
        var state = DashboardState()
        _ = state.update(.events(run.events))
        #expect(state.runStatus == .completed)
        #expect(state.agents.map(\.name).contains("Writer"))
        let reviewer = try #require(state.agents.first { $0.name == "Reviewer" })
        #expect(reviewer.lines.map(\.text).contains("  ✎ answered by dashboard: Mention the light breeze."))
        #expect(state.output?.agent == "Writer")
        #expect(state.requests.isEmpty)
    }

    @Test func anAnswerDevUIRefusesComesBackInWordsAndTheRunWaitsUnchangedForAnother() async throws {
        let server = try Self.devUI(
            conversation: "devui_conversation_create_approve.json",
            responses: ["devui_approval_flow.sse", "devui_approval_unknown_request_id.sse", "devui_approval_approve_followup.sse"])
        try await server.start()
        let run = try await Self.attach(server, entity: Self.concierge, message: Self.booking, answer: Self.approve)
        await server.shutdown()
        #expect(run.replies == [
            "DevUI did not take the answer to \(Self.approvalId): Agent execution error: OpenAI input message did not contain any supported message content",
            nil,
        ])
        let events = run.events
        #expect(events.map(\.sequence) == Array(1...events.count))
        #expect(!events.contains { if case .runFailed = $0.kind { true } else { false } })
        #expect(events.filter { if case .approvalResolved = $0.kind { true } else { false } }.count == 1)
        #expect(events.last?.kind.isCompletion == true)
        #expect(server.requests.count == 4)
    }
}

extension WorkflowEvent.Kind {
    var isCompletion: Bool {
        if case .runCompleted = self { return true }
        return false
    }
}

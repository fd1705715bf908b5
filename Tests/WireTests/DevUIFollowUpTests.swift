import EventStream
import Testing
import Wire
import WorkflowCore

/// A DevUI run that asks a person goes on in a follow-up response of the same conversation, decoded by the same
/// decoder: the captures of Agent Framework's DevUI (agent-framework-devui 1.0.0b261022), first response then
/// follow-up, as `attach` sees them.
@Suite("DevUI follow-up responses continue the run")
struct DevUIFollowUpTests {
    /// The first response, then (answering its requests with `answers`) the follow-up; event `i` of the whole at
    /// `1000 + i`.
    struct Exchange {
        var decoder: DevUIStreamDecoder
        var first: [WorkflowEvent] = []
        var followUp: [WorkflowEvent] = []
        var all: [WorkflowEvent] { first + followUp }
        var kinds: [WorkflowEvent.Kind] { all.map(\.kind) }

        init(_ first: String, _ followUp: String, agentName: String = "agent", answers: [(String, HumanResponse)]) throws {
            decoder = DevUIStreamDecoder(agentName: agentName, workflowName: "devui")
            var clock = 1000.0
            for event in try Capture.events(first) {
                self.first += decoder.decode(event, at: clock)
                clock += 1
            }
            let pending = decoder.pendingRequests
            decoder.followUp(carrying: answers.compactMap { id, response in
                pending.first { $0.id == id }.map { (request: $0, response: response) }
            })
            for event in try Capture.events(followUp) {
                self.followUp += decoder.decode(event, at: clock)
                clock += 1
            }
        }
    }

    static let approvalId = "af-call-d3c9a2ae37d243e5b43b881db2ca7cd5"
    static let rejectId = "af-call-45a44e0f423c4226980d9064672da759"
    static let reviewId = "8af9ca23-4853-4b43-b5f6-235479ccfe45"
    static let approve = HumanResponse.approval(.init(approved: true, answeredBy: "dashboard"))

    @Test func anApprovedCallsFollowUpContinuesTheSameRunToItsEnd() throws {
        let run = try Exchange("devui_approval_flow.sse", "devui_approval_approve_followup.sse", agentName: "approval_flow",
                               answers: [(Self.approvalId, Self.approve)])
        #expect(run.kinds.filter { if case .runStarted = $0 { true } else { false } }.count == 1)
        #expect(run.all.map(\.sequence) == Array(1...run.all.count))
        #expect(!run.first.contains { $0.isTerminal }, "the first response.completed must not end a waiting run")
        #expect(run.all.filter(\.isTerminal).count == 1)
        guard case let .runCompleted(final, _, _)? = run.all.last?.kind else {
            Issue.record("the run did not complete: \(String(describing: run.all.last))")
            return
        }
        #expect(final == "approval_flow")
        #expect(run.decoder.followUpOutcome == .taken)
        #expect(!run.decoder.isWaiting)
    }

    @Test func theApprovalIsResolvedBeforeTheCallsResultInTheCallersPane() throws {
        let run = try Exchange("devui_approval_flow.sse", "devui_approval_approve_followup.sse", agentName: "approval_flow",
                               answers: [(Self.approvalId, Self.approve)])
        let resolved = try #require(run.followUp.firstIndex {
            if case .approvalResolved = $0.kind { true } else { false }
        })
        #expect(run.followUp[resolved].kind == .approvalResolved(.init(
            requestId: Self.approvalId, agent: "approval_flow",
            callId: "call__0_book_table_cmpl-f2ffd339-d275-458b-bedd-4b4ac0c88602", tool: "book_table",
            decision: .init(approved: true, answeredBy: "dashboard"))))
        let result = try #require(run.followUp.firstIndex { if case .toolResult = $0.kind { true } else { false } })
        #expect(resolved < result)
        guard case let .toolResult(info) = run.followUp[result].kind else { return }
        #expect(info.agent == "approval_flow" && info.tool == "book_table")
        #expect(info.result.hasPrefix("Booked a table for two"))
    }

    @Test func aRejectedCallsResultSaysTheUserRejectedIt() throws {
        let reject = HumanResponse.approval(.init(approved: false, reason: "not tonight", answeredBy: "dashboard"))
        let run = try Exchange("devui_approval_flow_for_reject.sse", "devui_approval_reject_followup.sse",
                               agentName: "approval_flow", answers: [(Self.rejectId, reject)])
        #expect(run.kinds.contains { kind in
            if case let .approvalResolved(resolution) = kind {
                return resolution.requestId == Self.rejectId && !resolution.decision.approved
                    && resolution.decision.reason == "not tonight"
            }
            return false
        })
        let results = run.kinds.compactMap { if case let .toolResult(info) = $0 { info.result } else { nil } }
        #expect(results == ["Error: Tool call invocation was rejected by user."])
        #expect(run.all.last?.kind.isCompletion == true)
    }

    @Test func aReviewersAnswerResumesTheWorkflowFromTheReviewerToTheWriter() throws {
        let answer = HumanResponse.input(.init(text: "Mention the light breeze.", answeredBy: "dashboard"))
        let run = try Exchange("devui_review_flow.sse", "devui_review_hil_followup.sse", answers: [(Self.reviewId, answer)])
        #expect(run.followUp.first?.kind == .inputProvided(.init(
            requestId: Self.reviewId, agent: "Reviewer", answer: .init(text: "Mention the light breeze.", answeredBy: "dashboard"))))
        let started = run.followUp.compactMap { if case let .agentStarted(agent) = $0.kind { agent } else { nil } }
        #expect(started == ["Reviewer", "Writer"])
        #expect(run.kinds.contains(.transition(from: "Reviewer", to: "Writer", reason: nil)))
        #expect(run.all.map(\.sequence) == Array(1...run.all.count))
        guard case let .runCompleted(final, _, _)? = run.all.last?.kind else {
            Issue.record("the run did not complete: \(String(describing: run.all.last))")
            return
        }
        #expect(final == "Writer")
    }

    @Test func aFollowUpDevUIRefusesLeavesTheRunWaitingOnTheSameRequestWithDevUIsReason() throws {
        let run = try Exchange("devui_approval_flow.sse", "devui_approval_unknown_request_id.sse", agentName: "approval_flow",
                               answers: [(Self.approvalId, Self.approve)])
        #expect(run.followUp.isEmpty, "a refused answer changes nothing in the run: \(run.followUp.map(\.kind))")
        #expect(run.decoder.followUpOutcome == .refused(
            "Agent execution error: OpenAI input message did not contain any supported message content"))
        #expect(run.decoder.isWaiting)
        #expect(run.decoder.pendingRequests.map(\.id) == [Self.approvalId])
    }

    @Test func afterARefusalTheNextFollowUpStillContinuesTheRun() throws {
        var run = try Exchange("devui_approval_flow.sse", "devui_approval_unknown_request_id.sse", agentName: "approval_flow",
                               answers: [(Self.approvalId, Self.approve)])
        let waiting = try #require(run.decoder.pendingRequests.first { $0.id == Self.approvalId })
        run.decoder.followUp(carrying: [(request: waiting, response: Self.approve)])
        var again: [WorkflowEvent] = []
        for event in try Capture.events("devui_approval_approve_followup.sse") { again += run.decoder.decode(event, at: 2000) }
        #expect(again.first.map { if case .approvalResolved = $0.kind { true } else { false } } == true)
        #expect(again.last?.kind.isCompletion == true)
        #expect((run.all + again).map(\.sequence) == Array(1...(run.all.count + again.count)))
    }

    @Test func anAnswerToARequestThatIsNotPendingIsNotResolved() throws {
        let run = try Exchange("devui_approval_flow.sse", "devui_approval_approve_followup.sse", agentName: "approval_flow",
                               answers: [("af-call-unknown", Self.approve)])
        #expect(!run.kinds.contains { if case .approvalResolved = $0 { true } else { false } })
    }
}

extension WorkflowEvent.Kind {
    var isCompletion: Bool {
        if case .runCompleted = self { return true }
        return false
    }
}

import Testing
@testable import WorkflowCore

@Suite("RequestDesk: first answer wins")
struct RequestDeskTests {
    let approval = HumanRequest.approval(.init(requestId: "req_1", agent: "A", callId: "c1", tool: "send_report", arguments: "{}"))

    /// Starts `ask` and returns once the desk lists the request (it is answerable from then on).
    func asking(_ desk: RequestDesk, _ request: HumanRequest) async -> Task<HumanResponse, any Error> {
        let task = Task { try await desk.ask(request) {} }
        while desk.pending.isEmpty { await Task.yield() }
        return task
    }

    @Test func theFirstAnswerResumesTheRunAndLaterOnesAreToldItWasAnswered() async throws {
        let desk = RequestDesk()
        let waiting = await asking(desk, approval)
        #expect(desk.isWaiting)
        #expect(desk.answer("req_1", with: .approval(.init(approved: false, reason: "first"))) == .accepted)
        #expect(desk.answer("req_1", with: .approval(.init(approved: true))) == .alreadyAnswered)
        #expect(try await waiting.value == .approval(.init(approved: false, reason: "first")))
        #expect(!desk.isWaiting)
    }

    @Test func anAnswerToAnIdNeverAskedIsUnknown() {
        #expect(RequestDesk().answer("req_nope", with: .input(.init(text: "hi"))) == .unknownRequest)
    }

    @Test func anAnswerOfTheWrongKindChangesNothing() async throws {
        let desk = RequestDesk()
        let waiting = await asking(desk, approval)
        #expect(desk.answer("req_1", with: .input(.init(text: "yes"))) == .wrongKind)
        #expect(desk.pending == [approval])
        #expect(desk.answer("req_1", with: .approval(.init(approved: true))) == .accepted)
        _ = try await waiting.value
    }

    @Test func pendingRequestsAreListedOldestFirst() async throws {
        let desk = RequestDesk()
        let second = HumanRequest.input(.init(requestId: "req_2", agent: "B", question: "Tone?"))
        let first = await asking(desk, approval)
        let later = Task { try await desk.ask(second) {} }
        while desk.pending.count < 2 { await Task.yield() }
        #expect(desk.pending.map(\.id) == ["req_1", "req_2"])
        desk.answer("req_2", with: .input(.init(text: "formal")))
        desk.answer("req_1", with: .approval(.init(approved: true)))
        _ = try await (first.value, later.value)
    }

    @Test func aStoppedRunLeavesNoRequestOpen() async throws {
        let desk = RequestDesk()
        let waiting = await asking(desk, approval)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(desk.pending.isEmpty)
        #expect(desk.answer("req_1", with: .approval(.init(approved: true))) == .alreadyAnswered)
    }
}

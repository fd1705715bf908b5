import Dashboard
import Testing
import WorkflowCore

@Suite("Requests for a person: prompt, queue, line editor")
struct RequestPromptTests {
    static let approval = ApprovalRequest(
        requestId: "req_1", agent: "Researcher", callId: "call_1", tool: "send_report",
        arguments: #"{"to":"team@example.com","summary":"Lisbon: 18°C, sunny"}"#)
    static let tone = InputRequest(
        requestId: "req_2", agent: "Editor", question: "Which tone should the Writer take?",
        schema: ["type": "string", "enum": ["cheerful", "formal", "poetic"]])

    func waiting(_ requests: [WorkflowEvent.Kind], width: Int = 80, height: Int = 24) -> DashboardState {
        var events = [
            event(1, .runStarted(.init(runId: "run_1", workflow: "approval", participants: ["Researcher", "Editor", "Writer"]))),
            event(2, .agentStarted(agent: "Researcher")),
            event(3, .toolCallStarted(agent: "Researcher", callId: "call_1", tool: "send_report", arguments: Self.approval.arguments)),
        ]
        for (offset, kind) in requests.enumerated() { events.append(event(4 + offset, kind)) }
        return state(width: width, height: height, events: events)
    }

    func press(_ keys: [Key], on state: inout DashboardState) -> [DashboardEffect] {
        keys.flatMap { state.update(.key($0)) }
    }

    func typing(_ text: String) -> [Key] { text.map(Key.character) }

    @Test func anApprovalShowsTheBadgeTheMarkedPaneAndThePrettyArguments() {
        let text = screen(waiting([.approvalRequested(Self.approval)]))
        #expect(text.contains("│ ⏸ 1 approval │"))
        #expect(text.contains("1 Researcher · ⏸ needs you"))
        #expect(text.contains("┌─ Approval ─"))
        #expect(text.contains("│ Researcher wants to call send_report"))
        #expect(text.contains(#"│ {"#))
        #expect(text.contains(#"│   "summary" : "Lisbon: 18°C, sunny","#))
        #expect(text.contains(#"│   "to" : "team@example.com""#))
        #expect(text.contains("y approve · n reject · ↑↓ scroll · Esc later"))
    }

    @Test func yApprovesAndTheAnswerGoesOutAsAnEffect() {
        var state = waiting([.approvalRequested(Self.approval)])
        let effects = press([.character("y")], on: &state)
        #expect(effects == [.answer(requestId: "req_1", .approval(ApprovalDecision(approved: true, answeredBy: "dashboard")))])
        #expect(state.requests.isEmpty)
        #expect(!screen(state).contains("Approval"))
    }

    @Test func anAnswerTheRunRefusedAsksAgainWithTheReasonInThePromptAndTheWarnings() {
        var state = waiting([.approvalRequested(Self.approval)])
        _ = press([.character("y")], on: &state)
        let reason = "DevUI did not take the answer to req_1: OpenAI input message did not contain any supported message content"
        _ = state.update(.answerRefused(requestId: "req_1", reason: reason))
        #expect(state.requests.current?.id == "req_1")
        #expect(state.warnings.contains(reason))
        let text = screen(state)
        #expect(text.contains("│ ✘ DevUI did not take the answer to req_1"), "\(text)")
        #expect(text.contains("y approve · n reject"))
        // Answered again, the reason goes with it.
        _ = press([.character("y")], on: &state)
        #expect(state.requests.isEmpty && state.requests.refusal == nil)
    }

    @Test func aRefusalAfterTheRunResolvedTheRequestOnlyWarns() {
        var state = waiting([.approvalRequested(Self.approval)])
        _ = press([.character("y")], on: &state)
        _ = state.update(.events([event(5, .approvalResolved(.init(
            requestId: "req_1", agent: "Researcher", callId: "call_1", tool: "send_report",
            decision: .init(approved: false, answeredBy: "alice"))))]))
        _ = state.update(.answerRefused(requestId: "req_1", reason: "already answered"))
        #expect(state.requests.isEmpty)
        #expect(state.warnings.contains("already answered"))
    }

    @Test func nAsksForAReasonAndTypedLettersAreNotKeys() {
        var state = waiting([.approvalRequested(Self.approval)])
        var effects = press([.character("n")] + typing("quiet please"), on: &state)
        #expect(effects.isEmpty, "q in the reason must not quit")
        let text = screen(state)
        #expect(text.contains("Reason (optional):"))
        #expect(text.contains("> quiet please▏"))
        #expect(text.contains("Enter rejects · Esc back"))
        effects = press([.enter], on: &state)
        #expect(effects == [.answer(requestId: "req_1", .approval(ApprovalDecision(
            approved: false, reason: "quiet please", answeredBy: "dashboard")))])
    }

    @Test func escapeLeavesTheReasonAndThenPutsThePromptAwayUntilA() {
        var state = waiting([.approvalRequested(Self.approval)])
        _ = press([.character("n"), .escape], on: &state)
        #expect(screen(state).contains("y approve · n reject"))
        _ = press([.escape], on: &state)
        #expect(!screen(state).contains("y approve"))
        #expect(screen(state).contains("⏸ 1 approval (a answers)"))
        // The dashboard's own keys work meanwhile; `a` brings the prompt back.
        #expect(press([.character("q")], on: &state) == [.quit])
        _ = press([.character("a")], on: &state)
        #expect(screen(state).contains("y approve · n reject"))
    }

    @Test func severalRequestsQueueOldestFirstAndTheQueueIsShown() {
        var state = waiting([.approvalRequested(Self.approval), .inputRequested(Self.tone)])
        var text = screen(state)
        #expect(text.contains("⏸ 1 approval · 1 question"))
        #expect(text.contains("┌─ Approval · 1 of 2 ─"))
        _ = press([.character("y")], on: &state)
        text = screen(state)
        #expect(text.contains("┌─ Question ─"))
        #expect(text.contains("│ Which tone should the Writer take?"))
    }

    @Test func fixedChoicesArePickedFromAList() {
        var state = waiting([.inputRequested(Self.tone)])
        var text = screen(state)
        #expect(text.contains("│ ▸ 1 cheerful"))
        #expect(text.contains("│   2 formal"))
        #expect(text.contains("↑↓ choose · Enter sends"))
        _ = press([.down], on: &state)
        text = screen(state)
        #expect(text.contains("│ ▸ 2 formal"))
        #expect(press([.enter], on: &state) == [.answer(requestId: "req_2", .input(InputAnswer(text: "formal", answeredBy: "dashboard")))])
    }

    @Test func aFreeQuestionOpensTheLineEditor() {
        let question = InputRequest(requestId: "req_3", agent: "Editor", question: "Anything to add?")
        var state = waiting([.inputRequested(question)])
        _ = press(typing("more wind") + [.home, .character("a"), .character(" ")], on: &state)
        #expect(screen(state).contains("> a ▏more wind"))
        #expect(press([.enter], on: &state) == [.answer(requestId: "req_3", .input(InputAnswer(text: "a more wind", answeredBy: "dashboard")))])
    }

    @Test func anAnswerFromElsewhereClosesThePrompt() {
        var state = waiting([.approvalRequested(Self.approval)])
        _ = state.update(.events([event(9, .approvalResolved(.init(
            requestId: "req_1", agent: "Researcher", callId: "call_1", tool: "send_report",
            decision: ApprovalDecision(approved: false, reason: "too early", answeredBy: "watcher"))))]))
        let text = screen(state)
        #expect(!text.contains("┌─ Approval"))
        #expect(text.contains("✘ rejected by watcher: too early"))
        #expect(!text.contains("needs you"))
    }

    @Test func longArgumentsScroll() {
        let lines = (1...40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        var long = Self.approval
        long.arguments = "{" + lines + "}"
        var state = waiting([.approvalRequested(long)])
        #expect(screen(state).contains("\"k1\" : 1"))
        // Ten rows down: past the title, the call id, the blank line, "Arguments", "{" and the first five keys.
        _ = press(Array(repeating: Key.down, count: 10), on: &state)
        let text = screen(state)
        #expect(!text.contains("\"k5\" : 5,"))
        #expect(text.contains("│   \"k6\" : 6,"))
        #expect(text.contains("↓↑"))
    }

    @Test func aWatchedStreamShowsItsRequestsWithoutAPrompt() {
        var state = DashboardState()
        state.requests.answerable = false
        state.size = (80, 24)
        for kind: WorkflowEvent.Kind in [
            .runStarted(.init(runId: "run_1", workflow: "approval", participants: ["Researcher"])),
            .approvalRequested(Self.approval),
        ] { _ = state.update(.events([event(state.lastSequence + 1, kind)])) }
        let text = screen(state)
        #expect(text.contains("⏸ 1 approval (answer where the run lives)"))
        #expect(text.contains("⏸ needs you"))
        #expect(!text.contains("y approve"))
        #expect(press([.character("y")], on: &state).isEmpty)
        #expect(press([.character("q")], on: &state) == [.quit])
    }

    @Test func theEndOfTheRunClearsThePrompt() {
        var state = waiting([.approvalRequested(Self.approval)])
        _ = state.update(.events([event(9, .runFailed(error: "no answer", agent: "Researcher"))]))
        #expect(state.requests.isEmpty)
        #expect(!screen(state).contains("Approval"))
    }
}

@Suite("LineEditor")
struct LineEditorTests {
    func edited(_ start: String, _ keys: [Key]) -> LineEditor {
        var editor = LineEditor(start)
        for key in keys { _ = editor.handle(key) }
        return editor
    }

    @Test func arrowsHomeAndEndMoveTheCursor() {
        #expect(edited("abc", [.left, .left, .character("X")]).text == "aXbc")
        #expect(edited("abc", [.home, .character("X"), .end, .character("Y")]).text == "XabcY")
        #expect(edited("abc", [.control("a"), .right, .character("X"), .control("e"), .character("Y")]).text == "aXbcY")
    }

    @Test func backspaceAndDeleteEraseEitherSide() {
        #expect(edited("abc", [.left, .backspace]).text == "ac")
        #expect(edited("abc", [.home, .delete]).text == "bc")
        #expect(edited("", [.backspace, .delete]).text == "")
    }

    @Test func controlKeysEraseToTheStartTheEndOrAWord() {
        #expect(edited("hello big world", [.left, .left, .control("u")]).text == "ld")
        #expect(edited("hello big world", [.home, .right, .control("k")]).text == "h")
        #expect(edited("hello big world  ", [.control("w")]).text == "hello big ")
    }

    @Test func enterSubmitsAndEscapeCancels() {
        var editor = LineEditor("x")
        #expect(editor.handle(.enter) == .submitted)
        #expect(editor.handle(.escape) == .cancelled)
        #expect(editor.handle(.tab) == .ignored)
    }

    @Test func aPasteArrivesAsItsCharacters() {
        #expect(edited("", "pasted text, 世界".map(Key.character)).text == "pasted text, 世界")
    }
}

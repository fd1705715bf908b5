import Dashboard
import Foundation
import Testing
import WorkflowCore

/// The runs list as a plain value: feed events and keys in, the screen as text out.
@Suite("The runs list: sorting, filtering, selection, letting go, rendering")
struct RunListTests {
    static let now = 1_800_000_100.0

    /// Run `number` started `number` seconds after the first; odd ones finished.
    static func run(_ number: Int, state: RunState = .running, workflow: String = "research-writer",
                    agent: String? = "Writer", tokens: Int = 0, tools: Int = 0, rate: Int = 0) -> RunSummary {
        let started = 1_800_000_000 + Double(number)
        return RunSummary(
            id: "run_\(String(repeating: "0", count: 10))\(number < 10 ? "0" : "")\(number)", workflow: workflow,
            state: state, started: started, finished: state.isFinished ? started + 5 : nil,
            agents: agent.map { ["Researcher", $0] } ?? [], currentAgent: agent,
            usage: Usage(inputTokens: tokens / 2, outputTokens: tokens - tokens / 2), toolCalls: tools, events: 40,
            eventsPerSecond: rate)
    }

    static func list(_ runs: [RunSummary], width: Int = 80, height: Int = 24, keep: Int = 500) -> RunListState {
        var state = RunListState(source: "http://127.0.0.1:7071", keep: keep)
        state.timeZone = TimeZone(identifier: "UTC")!
        _ = state.update(.resize(width: width, height: height))
        _ = state.update(.tick(now: now))
        _ = state.update(.connection(.live))
        _ = state.update(.feed(.snapshot(runs)))
        return state
    }

    static func press(_ state: inout RunListState, _ keys: Key...) {
        for key in keys { _ = state.update(.key(key)) }
    }

    @Test func runsAreListedNewestFirst() {
        let state = Self.list([Self.run(1), Self.run(3), Self.run(2)])
        #expect(state.visible.map(\.id) == [Self.run(3).id, Self.run(2).id, Self.run(1).id])
    }

    @Test func aDigitSortsByItsColumnAndAgainReverses() {
        var state = Self.list([Self.run(1, tokens: 50), Self.run(2, tokens: 900), Self.run(3, tokens: 300)])
        Self.press(&state, .character("6"))
        #expect(state.sort == .init(column: .tokens, descending: true))
        #expect(state.visible.map(\.usage.totalTokens) == [900, 300, 50])
        Self.press(&state, .character("6"))
        #expect(state.visible.map(\.usage.totalTokens) == [50, 300, 900])
    }

    @Test func sortingByStateFromAPutsRunningRunsFirst() {
        var state = Self.list([Self.run(1, state: .completed), Self.run(2), Self.run(3, state: .failed)])
        Self.press(&state, .character("1"))
        #expect(state.visible.map(\.state) == [.running, .failed, .completed])
    }

    @Test func theFilterKeepsRunsWhoseIdWorkflowAgentOrStateContainIt() {
        var state = Self.list([
            Self.run(1, workflow: "handoff", agent: "Triage"), Self.run(2, workflow: "group-chat", agent: "Critic"),
            Self.run(3, state: .failed, workflow: "concurrent", agent: "Summarizer"),
        ])
        Self.press(&state, .character("/"), .character("C"), .character("r"), .character("i"))
        #expect(state.editingFilter)
        #expect(state.visible.map(\.workflow) == ["group-chat"])
        Self.press(&state, .enter)
        #expect(!state.editingFilter)
        #expect(state.filter == "Cri")
        Self.press(&state, .character("/"), .backspace, .backspace, .backspace)
        for character in "failed" { Self.press(&state, .character(character)) }
        #expect(state.visible.map(\.workflow) == ["concurrent"])
        Self.press(&state, .escape)
        #expect(state.filter.isEmpty)
        #expect(state.visible.count == 3)
    }

    @Test func selectionMovesWithTheKeysAndStaysOnItsRunWhenNewerRunsArrive() {
        var state = Self.list((1...5).map { Self.run($0) })
        #expect(state.selectedId == Self.run(5).id)
        Self.press(&state, .down, .character("j"))
        #expect(state.selectedId == Self.run(3).id)
        Self.press(&state, .up)
        #expect(state.selectedId == Self.run(4).id)
        _ = state.update(.feed(.started(Self.run(6))))
        #expect(state.visible.first?.id == Self.run(6).id)
        #expect(state.selectedId == Self.run(4).id)
        Self.press(&state, .character("G"))
        #expect(state.selectedId == Self.run(1).id)
        Self.press(&state, .character("g"))
        #expect(state.selectedId == Self.run(6).id)
    }

    @Test func pageKeysMoveAPageAndScrollTheList() {
        var state = Self.list((1...60).map { Self.run($0) }, height: 12)
        #expect(state.pageSize == 9)
        Self.press(&state, .pageDown)
        #expect(state.selectedId == Self.run(51).id)
        #expect(state.scrollTop == 1)
        Self.press(&state, .pageDown, .pageDown, .pageUp)
        #expect(state.selectedId == Self.run(42).id)
        let rows = RunListView.render(state).lines
        #expect(rows[2].contains(Self.run(42).id))
    }

    @Test func enterOpensTheSelectedRunAndQQuits() {
        var state = Self.list([Self.run(1), Self.run(2)])
        Self.press(&state, .down)
        #expect(state.update(.key(.enter)) == [.open(runId: Self.run(1).id)])
        #expect(state.update(.key(.character("q"))) == [.quit])
        #expect(state.update(.key(.control("c"))) == [.quit])
    }

    @Test func pastTheLimitTheOldestFinishedRunsAreLetGo() {
        var state = Self.list([Self.run(1), Self.run(2, state: .completed), Self.run(3, state: .failed)], keep: 3)
        _ = state.update(.feed(.started(Self.run(4))))
        _ = state.update(.feed(.started(Self.run(5))))
        // Run 1 is older but still running: the finished ones go first, oldest first.
        #expect(Set(state.runs.keys) == Set([1, 4, 5].map { Self.run($0).id }))
        for number in 6...20 { _ = state.update(.feed(.started(Self.run(number)))) }
        // Running runs are never let go: the limit holds once they end.
        #expect(state.runs.count == 18)
        for number in 6...20 { _ = state.update(.feed(.ended(Self.run(number, state: .completed)))) }
        #expect(Set(state.runs.keys) == Set([1, 4, 5].map { Self.run($0).id }))
    }

    @Test func aSnapshotAfterAReconnectionDropsRunsThatEndedUnseen() {
        var state = Self.list([Self.run(1), Self.run(2, state: .completed)])
        _ = state.update(.feed(.snapshot([Self.run(3)])))
        #expect(Set(state.runs.keys) == Set([2, 3].map { Self.run($0).id }))
    }

    @Test func theScreenAt80x24ShowsTheColumnsTheRunsAndTheKeys() {
        let state = Self.list([
            Self.run(1, state: .completed, agent: "Writer", tokens: 1_580, tools: 1),
            Self.run(2, state: .failed, workflow: "handoff", agent: "Weather"),
            Self.run(3, workflow: "group-chat", agent: "Critic", tokens: 96, tools: 2, rate: 14),
        ])
        let lines = RunListView.render(state).lines
        #expect(lines.count == 24)
        #expect(lines.allSatisfy { DisplayWidth.of($0) == 80 })
        let text = RunListView.render(state).text
        #expect(text == """
             flowtop top │ live │ 3 runs · 1 running │ sort: started ↓
             STATE       RUN              WORKFLOW        AGENT   TOKENS TOOLS ELAPSED  EV/S
             ● running   run_000000000003 group-chat      Critic      96     2   01:37    14
             ✗ failed    run_000000000002 handoff         Weath…       –     0   00:05     –
             ✓ completed run_000000000001 research-writer Writer   1,580     1   00:05     –
            """ + String(repeating: "\n", count: 18) + "\n q quit  Enter open  ↑↓ select  / filter  1-0 sort  Esc clear  w warnings")
    }

    @Test func aWideTerminalShowsEveryColumnAndTheSortColumnIsMarked() {
        var state = Self.list([Self.run(1, tokens: 10)], width: 120)
        Self.press(&state, .character("6"))
        let titles = RunListView.render(state).lines[1]
        for title in ["STATE", "RUN", "WORKFLOW", "AGENT", "AGENTS", "TOKENS↓", "TOOLS", "ELAPSED", "EV/S", "STARTED"] {
            #expect(titles.contains(title), "\(title) in \(titles)")
        }
        #expect(RunListView.render(state).lines[2].contains("08:00:01"))
    }

    @Test func aNarrowTerminalKeepsTheMostImportantColumns() {
        let state = Self.list([Self.run(1, tokens: 10)], width: 44, height: 8)
        let lines = RunListView.render(state).lines
        #expect(lines[1].contains("STATE"))
        #expect(lines[1].contains("RUN"))
        #expect(lines[1].contains("WORKFL"))
        #expect(!lines[1].contains("TOKENS"))
        #expect(lines[2].contains(Self.run(1).id))
        #expect(lines.allSatisfy { DisplayWidth.of($0) == 44 })
    }

    @Test func theHeaderSaysWhenTheFeedIsReconnectingOrRefused() {
        var state = Self.list([Self.run(1)])
        _ = state.update(.connection(.reconnecting(delayMilliseconds: 2000, attempt: 2, maxAttempts: 10, reason: "refused")))
        #expect(RunListView.render(state).lines[0].contains("reconnecting in 2.0 s (attempt 2/10)"))
        _ = state.update(.connection(.closed("401 Unauthorized: pass --api-key")))
        #expect(RunListView.render(state).lines[0].contains("closed: 401 Unauthorized: pass --api-key"))
    }

    @Test func anEmptyFilterResultSaysSo() {
        var state = Self.list([Self.run(1)])
        for character in "/zzz" { Self.press(&state, .character(character)) }
        let text = RunListView.render(state).text
        #expect(text.contains("No run matches \"zzz\""))
        #expect(text.contains(" /zzz▏  Enter keep · Esc clear"))
    }

    @Test func thePlainTableListsEveryRunWithTitles() {
        let state = Self.list([Self.run(1, state: .completed), Self.run(2)])
        let lines = RunListView.table(state, width: 120).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix(" STATE"))
        #expect(lines[1].contains("● running") && lines[1].contains(Self.run(2).id))
        #expect(lines[2].contains("✓ completed"))
    }

    @Test func theHeaderNamesTheCommandShowingTheList() {
        var state = Self.list([Self.run(1)])
        state.title = "flowtop otel"
        let header = RunListView.render(state).text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.hasPrefix(" flowtop otel │"))
    }

    @Test func refusedRequestsShowAsAHeaderBadgeAndInTheWarningsOverlay() {
        var state = Self.list([Self.run(1)], width: 100)
        _ = state.update(.problems(["a body that is not valid protobuf (400)": 3, "late spans": 1]))
        let screen = RunListView.render(state).text
        #expect(screen.contains("⚠ 4 refused (w)"))
        Self.press(&state, .character("w"))
        let overlay = RunListView.render(state).text
        #expect(overlay.contains("Refused or skipped (4)"))
        #expect(overlay.contains("a body that is not valid protobuf (400)  ×3"))
        #expect(overlay.contains("late spans  ×1"))
        Self.press(&state, .escape)
        #expect(!RunListView.render(state).text.contains("Refused or skipped"))
    }

    @Test func theWarningsOverlaySaysSoWhenNothingWasRefused() {
        var state = Self.list([Self.run(1)])
        Self.press(&state, .character("w"))
        #expect(RunListView.render(state).text.contains("No warnings: nothing was refused"))
        #expect(!RunListView.render(state).text.contains("refused (w)"))
    }

    @Test func keysUnderTheWarningsOverlayScrollItRatherThanMoveTheSelection() {
        var state = Self.list([Self.run(1), Self.run(2)])
        let selected = state.selectedId
        Self.press(&state, .character("w"), .down, .down)
        #expect(state.selectedId == selected)
        #expect(state.warningsScroll == 2)
        Self.press(&state, .character("w"))
        #expect(!state.showingWarnings)
    }
}

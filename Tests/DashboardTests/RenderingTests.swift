import Dashboard
import Testing
import WorkflowCore

@Suite("Wrapping, overlays, search, scrolling")
struct RenderingTests {
    @Test func wideCharactersWrapByDisplayWidth() {
        let rows = TextWrap.rows("天气很好 sunny 🌦️ day 世界和平 ok", width: 10)
        #expect(rows == ["天气很好 ", "sunny 🌦️ ", "day ", "世界和平 ", "ok"])
        for row in rows { #expect(DisplayWidth.of(row) <= 10) }
    }

    @Test func longWordsAreSplitAndSpacesDoNotStartRows() {
        #expect(TextWrap.rows("abcdefghijkl mn", width: 5) == ["abcde", "fghij", "kl mn"])
        #expect(TextWrap.rows("one two three", width: 7) == ["one two", "three"])
    }

    @Test func displayWidths() {
        #expect(DisplayWidth.of("a") == 1)
        #expect(DisplayWidth.of("世") == 2)
        #expect(DisplayWidth.of("🌦️") == 2)
        #expect(DisplayWidth.of("é") == 1)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("ｆ") == 2)
        #expect(DisplayWidth.of("한") == 2)
    }

    @Test func wideCharactersInAPaneNeverSplitACell() {
        let events = [
            event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["写手"], model: nil))),
            event(2, .textDelta(agent: "写手", messageId: "m", text: "西雅图的天气：小雨，气温十二度。🌧️ 适合喝咖啡。")),
        ]
        let grid = DashboardView.render(state(width: 40, height: 10, events: events))
        // Broken at the space, as words are; no wide character is cut in half at the border.
        #expect(grid.lines[2] == "│西雅图的天气：小雨，气温十二度。🌧️    │")
        #expect(grid.lines[3] == "│适合喝咖啡。                          │")
        for line in grid.lines { #expect(DisplayWidth.of(line) == 40, "\(line)") }
    }

    @Test func helpOverlayListsEveryKey() {
        var dashboard = state(width: 90, height: 30, events: LayoutTests.events(agents: 2))
        _ = dashboard.handle(.character("?"))
        let text = screen(dashboard)
        for key in ["Tab / Shift-Tab", "1 – 9", "PgUp PgDn", "g  G", "space", "/", "Enter", "t", "z", "s", "mouse", "q  Ctrl-C"] {
            #expect(text.contains(key), "help lacks \(key)")
        }
        _ = dashboard.handle(.escape)
        #expect(!screen(dashboard).contains("Esc or ? closes"))
    }

    @Test func helpThatDoesNotFitTheTerminalScrollsToTheLastKey() {
        var dashboard = state(width: 80, height: 18, events: LayoutTests.events(agents: 2))
        _ = dashboard.handle(.character("?"))
        let last = "q  Ctrl-C"
        #expect(screen(dashboard).contains("↓ more"))
        #expect(!screen(dashboard).contains(last))
        for _ in 0..<40 { _ = dashboard.handle(.down) }
        let scrolled = screen(dashboard)
        #expect(scrolled.contains(last))
        #expect(scrolled.contains("↑ more"))
        #expect(!scrolled.contains("↓ more"))
    }

    @Test func searchHighlightsMatchesInTheFocusedPane() {
        var events = [event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["A"], model: nil)))]
        events.append(event(2, .textDelta(agent: "A", messageId: "m", text: "rain in Oslo\nsun in Rome\nrain again")))
        var dashboard = state(width: 50, height: 12, events: events)
        for key: Key in [.character("/"), .character("r"), .character("a"), .character("i"), .character("n")] {
            _ = dashboard.handle(key)
        }
        #expect(screen(dashboard).contains("/rain▏"))
        _ = dashboard.handle(.enter)
        let grid = DashboardView.render(dashboard)
        // Line 3 ("rain again") is the current match; line 1 another match.
        #expect(grid[1, 4].style == .searchCurrent)
        #expect(grid[4, 4].style == .searchCurrent)
        #expect(grid[1, 2].style == .searchMatch)
        #expect(grid[5, 2].style == .agentText)
        #expect(grid.lines.last!.contains("2 matches"))
        _ = dashboard.handle(.character("n"))
        #expect(DashboardView.render(dashboard)[1, 2].style == .searchCurrent)
    }

    @Test func searchWithoutMatchSaysSo() {
        var dashboard = state(width: 60, height: 12, events: LayoutTests.events(agents: 1))
        for key: Key in [.character("/"), .character("z"), .character("z"), .enter] { _ = dashboard.handle(key) }
        #expect(screen(dashboard).contains("No match for \"zz\" in Researcher"))
    }

    static func longRun() -> DashboardState {
        var events = [event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["A"], model: nil)))]
        for line in 1...100 { events.append(event(line + 1, .textDelta(agent: "A", messageId: "m", text: "line \(line)\n"))) }
        return state(width: 40, height: 12, events: events)
    }

    @Test func scrollingUpStopsFollowingAndFollowResumesAtTheBottom() {
        var dashboard = Self.longRun()
        #expect(screen(dashboard).contains("line 100"))
        _ = dashboard.handle(.pageUp)
        #expect(!screen(dashboard).contains("line 100"))
        #expect(dashboard.agents[0].follow == false)
        #expect(screen(dashboard).contains("more · f follows"))
        // New text arrives while scrolled up: the view stays put.
        let before = screen(dashboard)
        dashboard.apply(event(200, .textDelta(agent: "A", messageId: "m", text: "line 101\n")))
        let rows = { (text: String) in Array(text.components(separatedBy: "\n")[2...8]) }
        #expect(rows(screen(dashboard)) == rows(before))
        _ = dashboard.handle(.character("G"))
        #expect(dashboard.agents[0].follow)
        #expect(screen(dashboard).contains("line 101"))
    }

    @Test func topOfTheScrollbackIsReachable() {
        var dashboard = Self.longRun()
        _ = dashboard.handle(.character("g"))
        let text = screen(dashboard)
        #expect(text.contains("│line 1 "))
        #expect(text.contains("line 2"))
        _ = dashboard.handle(.down)
        #expect(dashboard.agents[0].scrollOffset > 0)
    }

    @Test func scrollbackIsBounded() {
        var dashboard = DashboardState(scrollback: 100)
        dashboard.apply(event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["A"], model: nil))))
        for line in 1...1000 { dashboard.apply(event(line + 1, .textDelta(agent: "A", messageId: "m", text: "\(line)\n"))) }
        #expect(dashboard.agents[0].lines.count <= 100 + 100 / 8)
        #expect(dashboard.agents[0].lines.last?.text == "")
        #expect(dashboard.agents[0].droppedLines > 0)
    }

    @Test func deltasBreakLinesAtLineFeedsAndDropTheCarriageReturnBeforeThem() {
        var dashboard = DashboardState()
        dashboard.apply(event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["A"], model: nil))))
        for (index, text) in ["one", " more\r\ntwo\n", "\nfour é\r", "\n", "🌦"].enumerated() {
            dashboard.apply(event(index + 2, .textDelta(agent: "A", messageId: "m", text: text)))
        }
        #expect(dashboard.agents[0].lines.map(\.text) == ["one more", "two", "", "four é", "🌦"])
    }
}

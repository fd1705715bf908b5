import Dashboard
import Testing
import WorkflowCore

@Suite("Keys and mouse")
struct KeyTests {
    @Test func tabCyclesPanesThenTheTimeline() {
        var dashboard = state(width: 100, height: 30, events: LayoutTests.events(agents: 3))
        #expect(dashboard.focus == 0)
        _ = dashboard.handle(.tab)
        _ = dashboard.handle(.tab)
        #expect(dashboard.focus == 2)
        _ = dashboard.handle(.tab)
        #expect(dashboard.timelineFocused)
        _ = dashboard.handle(.tab)
        #expect(!dashboard.timelineFocused && dashboard.focus == 0)
        _ = dashboard.handle(.backTab)
        #expect(dashboard.timelineFocused)
        _ = dashboard.handle(.character("2"))
        #expect(dashboard.focus == 1 && !dashboard.timelineFocused)
        _ = dashboard.handle(.character("9"))
        #expect(dashboard.focus == 1)
    }

    @Test func enterOnTheTimelineShowsTheFullCall() {
        var dashboard = state(width: 100, height: 30, events: LayoutTests.events(agents: 2))
        _ = dashboard.handle(.backTab)
        _ = dashboard.handle(.enter)
        #expect(dashboard.overlay == .toolDetail(index: 0, scroll: 0))
        let text = screen(dashboard)
        #expect(text.contains("get_weather · Researcher · succeeded in 8 ms"))
        #expect(text.contains("\"location\" : \"Oslo\""))
        #expect(text.contains("Oslo: 4°C"))
        _ = dashboard.handle(.escape)
        #expect(dashboard.overlay == nil)
    }

    @Test func wShowsWarningsAndSkippedEventTypes() {
        var dashboard = state(width: 100, height: 30, events: LayoutTests.events(agents: 1) + [
            event(90, .warning(agent: nil, message: "event 7: not JSON: unexpected character '{' at offset 1")),
        ])
        dashboard.skippedEventCounts = ["STATE_DELTA": 2, "mystery": 40, "ACTIVITY": 2]
        let header = screen(dashboard).split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("⚠ 1 warning · 44 skipped"))
        #expect(screen(dashboard).contains(" w warnings "), "the footer offers the key while there is something to see")
        _ = dashboard.handle(.character("w"))
        #expect(dashboard.overlay == .warnings(scroll: 0))
        let text = screen(dashboard)
        #expect(text.contains("Warnings (1)"))
        #expect(text.contains("1.  event 7: not JSON: unexpected character '{' at offset 1"))
        #expect(text.contains("Events of unknown types, skipped (44)"))
        // The most frequent first, ties by name.
        let rows = text.split(separator: "\n").map(String.init)
        let order = ["mystery  ×40", "ACTIVITY  ×2", "STATE_DELTA  ×2"].map { type in rows.firstIndex { $0.contains(type) } }
        #expect(order.allSatisfy { $0 != nil } && order == order.sorted { ($0 ?? 0) < ($1 ?? 0) })
        #expect(dashboard.handle(.character("q")) == [.quit])
        _ = dashboard.handle(.character("w"))
        #expect(dashboard.overlay == nil)
        #expect(Transcript.markdown(dashboard).contains("- `mystery` ×40"))
    }

    @Test func withNothingWrongTheHeaderSaysNothingAndTheOverlaySaysSo() {
        var dashboard = state(width: 100, height: 30, events: LayoutTests.events(agents: 1))
        #expect(!screen(dashboard).contains("⚠"))
        #expect(!screen(dashboard).contains(" w warnings "))
        _ = dashboard.handle(.character("w"))
        #expect(screen(dashboard).contains("No warnings"))
        #expect(screen(dashboard).contains("No events of unknown types"))
    }

    @Test func quitKeysAndSave() {
        var dashboard = state(width: 80, height: 24, events: LayoutTests.events(agents: 1))
        #expect(dashboard.handle(.character("q")) == [.quit])
        #expect(dashboard.handle(.control("c")) == [.quit])
        #expect(dashboard.handle(.character("s")) == [.saveTranscript])
        _ = dashboard.handle(.character("/"))
        #expect(dashboard.handle(.character("q")) == [], "q is text while typing a search")
        #expect(dashboard.handle(.control("c")) == [.quit])
    }

    @Test func toggles() {
        var dashboard = state(width: 80, height: 24, events: LayoutTests.events(agents: 2))
        _ = dashboard.handle(.character("t"))
        #expect(!dashboard.showTimeline)
        #expect(!screen(dashboard).contains("Tool calls"))
        _ = dashboard.handle(.character("z"))
        #expect(screen(dashboard).contains("1 Researcher") && !screen(dashboard).contains("2 Writer"))
        _ = dashboard.handle(.character(" "))
        #expect(dashboard.paused)
        #expect(screen(dashboard).contains("⏸ PAUSED"))
        _ = dashboard.handle(.character("f"))
        #expect(dashboard.agents[0].follow == false)
    }

    @Test func mouseClickFocusesAndWheelScrollsThePaneUnderIt() {
        var dashboard = RenderingTests.longRun()
        dashboard.apply(event(500, .textDelta(agent: "B", messageId: "b", text: "other pane")))
        dashboard.size = (80, 24)
        let layout = DashboardLayout(state: dashboard)
        let second = layout.rect(ofPane: 1)!
        _ = dashboard.handle(.mouse(MouseEvent(action: .press, x: second.x + 2, y: second.y + 2)))
        #expect(dashboard.focus == 1)
        let first = layout.rect(ofPane: 0)!
        _ = dashboard.handle(.mouse(MouseEvent(action: .wheelUp, x: first.x + 2, y: first.y + 2)))
        #expect(dashboard.agents[0].scrollOffset == 3)
        #expect(dashboard.agents[1].scrollOffset == 0)
    }

    @Test func transcriptHasTextToolCallsAndOutput() async throws {
        let events = try await scriptedEvents("research-writer", prompt: "Research the weather in Seattle and write a short poem about it")
        let markdown = Transcript.markdown(state(width: 80, height: 24, events: events))
        #expect(markdown.hasPrefix("# flowtop transcript: research-writer"))
        #expect(markdown.contains("## Researcher"))
        #expect(markdown.contains("## Writer"))
        #expect(markdown.contains("### 1. get_weather (Researcher, ok, 12 ms)"))
        #expect(markdown.contains("\"location\" : \"Seattle\""))
        #expect(markdown.contains("## Output (Writer)"))
    }
}

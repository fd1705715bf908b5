import Dashboard
import Testing
import WorkflowCore

@Suite("Dashboard layouts rendered as text")
struct LayoutTests {
    /// A run with `count` agents, each having said one line, the first having called a tool.
    static func events(agents count: Int) -> [WorkflowEvent] {
        let names = ["Researcher", "Writer", "Critic", "Editor", "Planner", "Coder", "Tester", "Reviewer"]
        var events = [event(1, .runStarted(.init(runId: "run_x", workflow: "demo", participants: Array(names.prefix(count)), model: "scripted")))]
        for (index, name) in names.prefix(count).enumerated() {
            events.append(event(events.count + 1, .agentStarted(agent: name)))
            events.append(event(events.count + 1, .textDelta(agent: name, messageId: "m\(index)", text: "\(name) says hello.")))
        }
        events.append(event(events.count + 1, .toolCallStarted(agent: "Researcher", callId: "c1", tool: "get_weather", arguments: #"{"location":"Oslo"}"#)))
        events.append(event(events.count + 1, .toolResult(.init(agent: "Researcher", callId: "c1", tool: "get_weather", result: "Oslo: 4°C", isError: false, durationMs: 8))))
        return events
    }

    @Test func oneAgentFillsTheWidth() {
        let text = screen(state(width: 60, height: 12, events: Self.events(agents: 1)))
        #expect(text == """
             flowtop │ demo │ ● running │ scripted │ ⏱ 00:29 │ 0 ev/s
            ┌ 1 Researcher · ● streaming ──────────────────────────────┐
            │Researcher says hello.                                    │
            │⚙ get_weather(location=Oslo)                              │
            │  ↳ Oslo: 4°C                                             │
            │                                                          │
            │                                                          │
            │                                                          │
            │                                                          │
            │                                                          │
            └──────────────────────────────────────────────────────────┘
             q quit  ? help  Tab focus  ↑↓ scroll  f follow  / search
            """)
    }

    @Test func twoAgentsSideBySideWithTheTimeline() {
        let text = screen(state(width: 70, height: 20, events: Self.events(agents: 2)))
        #expect(text == """
             flowtop │ demo │ ● running │ scripted │ ⏱ 00:29 │ 0 ev/s │ 7 events
            ┌ 1 Researcher · ● streaming ─────┐┌ 2 Writer · ● streaming ─────────┐
            │Researcher says hello.           ││Writer says hello.               │
            │⚙ get_weather(location=Oslo)     ││                                 │
            │  ↳ Oslo: 4°C                    ││                                 │
            │                                 ││                                 │
            │                                 ││                                 │
            │                                 ││                                 │
            │                                 ││                                 │
            │                                 ││                                 │
            │                                 ││                                 │
            │                                 ││                                 │
            │                                 ││                                 │
            │                                 ││                                 │
            └─────────────────────────────────┘└─────────────────────────────────┘
              Tool calls (1)
             08:00:06 Researcher get_weather location=Oslo ✓ 8 ms     Oslo: 4°C


             q quit  ? help  Tab focus  ↑↓ scroll  f follow  / search  t timeline
            """)
    }

    @Test func fourAgentsTileTwoByTwo() {
        let lines = DashboardView.render(state(width: 80, height: 24, events: Self.events(agents: 4))).lines
        #expect(lines[1].hasPrefix("┌ 1 Researcher"))
        #expect(lines[1].contains("┐┌ 2 Writer"))
        let secondRow = lines.firstIndex { $0.hasPrefix("┌ 3 Critic") }
        #expect(secondRow != nil)
        #expect(lines[secondRow!].contains("┐┌ 4 Editor"))
        #expect(lines.contains { $0.contains("│Critic says hello.") })
    }

    @Test func eightAgentsAllVisibleOnAWideTerminal() {
        let text = screen(state(width: 160, height: 40, events: Self.events(agents: 8)))
        for (index, name) in ["Researcher", "Writer", "Critic", "Editor", "Planner", "Coder", "Tester", "Reviewer"].enumerated() {
            #expect(text.contains("\(index + 1) \(name)"), "pane \(name)")
            #expect(text.contains("\(name) says hello."), "text of \(name)")
        }
        let lines = text.split(separator: "\n")
        // Four panes across, two rows.
        #expect(lines[1].components(separatedBy: "┐┌").count == 4)
    }

    @Test func eightAgentsOnASmallTerminalShowTabsAndTheFocusedPane() {
        var dashboard = state(width: 60, height: 16, events: Self.events(agents: 8))
        _ = dashboard.handle(.character("3"))
        let text = screen(dashboard)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1].hasPrefix(" 1 Researcher  2 Writer  3 Critic"))
        #expect(lines[2].hasPrefix("┌ 3 Critic"))
        #expect(lines[3] == "│Critic says hello.                                        │")
    }

    @Test func tooSmallSaysSoInsteadOfGarbage() {
        let text = screen(state(width: 30, height: 8, events: Self.events(agents: 2)))
        #expect(text == """


                  Terminal too small
                 30×8; flowtop needs
                   at least 40×10.
                       q quits


            """)
    }

    @Test func resizingDownAndBackLosesNothing() {
        var dashboard = state(width: 100, height: 30, events: Self.events(agents: 3))
        let before = screen(dashboard)
        dashboard.size = (40, 12)
        #expect(screen(dashboard).contains("Researcher"))
        dashboard.size = (20, 5)
        #expect(screen(dashboard).contains("too small"))
        dashboard.size = (100, 30)
        #expect(screen(dashboard) == before)
    }

    @Test func waitingScreenBeforeTheRunStarts() {
        var dashboard = DashboardState()
        dashboard.size = (60, 12)
        #expect(screen(dashboard).contains("Waiting for the workflow to start…"))
    }
}

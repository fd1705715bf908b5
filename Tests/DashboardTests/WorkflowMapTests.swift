import Dashboard
import Testing
import WorkflowCore

/// The workflow map (`m`), drawn into the 80×24 dashboard as text.
@Suite("Workflow map")
struct WorkflowMapTests {
    static func graph(_ preset: String) throws -> WorkflowGraph {
        try WorkflowDefinitionLoader.resolve(preset).build(client: ScriptedChatClient()).graph
    }

    /// A run of `graph` with the map shown, then `kinds` applied.
    static func mapped(_ graph: WorkflowGraph?, participants: [String], _ kinds: [WorkflowEvent.Kind], width: Int = 80, height: Int = 24) -> DashboardState {
        var events = [event(1, .runStarted(.init(runId: "r", workflow: "w", participants: participants, model: "scripted", graph: graph)))]
        for kind in kinds { events.append(event(events.count + 1, kind)) }
        var dashboard = state(width: width, height: height, events: events)
        _ = dashboard.update(.key(.character("m")))
        return dashboard
    }

    /// The screen's rows the map takes.
    static func mapRows(_ dashboard: DashboardState) -> [String] {
        guard let rect = DashboardLayout(state: dashboard).map else { return [] }
        return DashboardView.render(dashboard).text.split(separator: "\n", omittingEmptySubsequences: false)
            .dropFirst(rect.y).prefix(rect.height).map(String.init)
    }

    /// The style of the first cell on the screen showing `character` in row `row` from column `from`.
    static func style(of character: Character, row: Int, from: Int = 0, in dashboard: DashboardState) -> StyleRole? {
        let grid = DashboardView.render(dashboard)
        return (from..<grid.width).first { grid[$0, row].character == character }.map { grid[$0, row].style }
    }

    static let researchMidway: [WorkflowEvent.Kind] = [
        .agentStarted(agent: "Researcher"),
        .toolCallStarted(agent: "Researcher", callId: "c1", tool: "get_weather", arguments: #"{"location":"Oslo"}"#),
        .toolResult(.init(agent: "Researcher", callId: "c1", tool: "get_weather", result: "Oslo: 4°C", isError: false, durationMs: 8)),
        .agentCompleted(agent: "Researcher", usage: nil),
        .transition(from: "Researcher", to: "Writer", reason: "next in sequence"),
        .agentStarted(agent: "Writer"),
        .textDelta(agent: "Writer", messageId: "w", text: "A poem"),
    ]

    @Test func sequentialIsAChainWithTheStepTakenLit() throws {
        let dashboard = Self.mapped(try Self.graph("research-writer"), participants: ["Researcher", "Writer"], Self.researchMidway)
        #expect(Self.mapRows(dashboard) == [
            "─ Map · sequential ──────────────── ○ waiting ● running ⚙ tool ✓ done ✗ failed ─",
            " ✓ Researcher ━━━━▶ ● Writer",
        ])
        #expect(Self.style(of: "━", row: 2, in: dashboard) == .mapEdgeLit)
        #expect(Self.style(of: "▶", row: 2, in: dashboard) == .mapEdgeLit)
        let screen = DashboardView.render(dashboard).text
        #expect(screen.contains("┌ 1 Researcher · ✓ done"))
        #expect(screen.contains("2 Writer · ● streaming"))
    }

    @Test func groupChatIsTheManagerAboveItsParticipantsWithTheTurnTakenLit() throws {
        let dashboard = Self.mapped(try Self.graph("group-chat"), participants: ["Manager", "Writer", "Critic"], [
            .agentStarted(agent: "Manager"), .agentCompleted(agent: "Manager", usage: nil),
            .transition(from: nil, to: "Writer", reason: "chosen by Manager"),
            .agentStarted(agent: "Writer"), .agentCompleted(agent: "Writer", usage: nil),
            .agentStarted(agent: "Manager"), .agentCompleted(agent: "Manager", usage: nil),
            .transition(from: "Writer", to: "Critic", reason: "chosen by Manager"),
            .agentStarted(agent: "Critic"),
        ])
        #expect(Array(Self.mapRows(dashboard).dropFirst()) == [
            "  ✓ Manager",
            " ┌────┴━━━━━┐",
            " ✓ Writer   ● Critic",
        ])
        #expect(Self.style(of: "┐", row: 3, in: dashboard) == .mapEdgeLit)
        #expect(Self.style(of: "┌", row: 3, in: dashboard) == .mapEdge)
    }

    @Test func concurrentFansOutFromTheInputToStackedExpertsAndInToTheAggregator() throws {
        let dashboard = Self.mapped(try Self.graph("concurrent"), participants: ["Meteorologist", "Historian", "Travel Guide", "Summarizer"], [
            .agentStarted(agent: "Meteorologist"), .agentStarted(agent: "Historian"), .agentStarted(agent: "Travel Guide"),
            .toolCallStarted(agent: "Historian", callId: "c", tool: "lookup", arguments: "{}"),
            .agentCompleted(agent: "Meteorologist", usage: nil),
            .transition(from: "Meteorologist", to: "Summarizer", reason: "fan-in"),
        ])
        #expect(Array(Self.mapRows(dashboard).dropFirst()) == [
            "           ┌─▶ ✓ Meteorologist ━━┐",
            " ✓ input ──┼─▶ ⚙ Historian ──────┼━▶ ○ Summarizer",
            "           └─▶ ● Travel Guide ───┘",
        ])
        let screen = DashboardView.render(dashboard).text
        for pane in ["1 Meteorologist", "2 Historian", "3 Travel Guide", "4 Summarizer"] { #expect(screen.contains(pane)) }
    }

    @Test func handoffIsTriageWithItsSpecialistsAndAHandoffBackLitAgainstTheArrow() throws {
        let dashboard = Self.mapped(try Self.graph("handoff"), participants: ["Triage", "Weather", "Time"], [
            .agentStarted(agent: "Triage"), .agentCompleted(agent: "Triage", usage: nil),
            .transition(from: "Triage", to: "Weather", reason: "handoff"),
            .agentStarted(agent: "Weather"), .agentCompleted(agent: "Weather", usage: nil),
            .transition(from: "Weather", to: "Triage", reason: "handoff"),
            .agentStarted(agent: "Triage"),
        ])
        #expect(Array(Self.mapRows(dashboard).dropFirst()) == [
            " ● Triage ◀━┬━▶ ✓ Weather",
            "            └─▶ ○ Time",
        ])
        // Control went back to Triage: the back arrow is lit, the arrow into Weather is not.
        #expect(Self.style(of: "◀", row: 2, in: dashboard) == .mapEdgeLit)
        #expect(Self.style(of: "▶", row: 2, in: dashboard) == .mapEdge)
    }
}

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

    @Test func eachNodeTakesItsAgentsStateAsEventsArrive() throws {
        let graph = try Self.graph("research-writer")
        var dashboard = Self.mapped(graph, participants: ["Researcher", "Writer"], [])
        func row() -> String { Self.mapRows(dashboard)[1] }
        #expect(row() == " ○ Researcher ────▶ ○ Writer")
        dashboard.apply(event(10, .agentStarted(agent: "Researcher")))
        #expect(row() == " ● Researcher ────▶ ○ Writer")
        dashboard.apply(event(11, .toolCallStarted(agent: "Researcher", callId: "c", tool: "get_weather", arguments: "{}")))
        #expect(row() == " ⚙ Researcher ────▶ ○ Writer")
        dashboard.apply(event(12, .toolResult(.init(agent: "Researcher", callId: "c", tool: "get_weather", result: "ok", isError: false, durationMs: 1))))
        #expect(row() == " ● Researcher ────▶ ○ Writer")
        dashboard.apply(event(13, .agentCompleted(agent: "Researcher", usage: nil)))
        #expect(row() == " ✓ Researcher ────▶ ○ Writer")
        dashboard.apply(event(14, .transition(from: "Researcher", to: "Writer", reason: "next in sequence")))
        dashboard.apply(event(15, .agentStarted(agent: "Writer")))
        dashboard.apply(event(16, .runFailed(error: "model down", agent: "Writer")))
        #expect(row() == " ✓ Researcher ━━━━▶ ✗ Writer")
        #expect(Self.style(of: "✗", row: 2, in: dashboard) == .statusFailed)
        #expect(Self.style(of: "W", row: 2, in: dashboard) == .mapNode)
    }

    @Test func theRunningNodesNameIsLitAndTheOthersAreNot() throws {
        let dashboard = Self.mapped(try Self.graph("research-writer"), participants: ["Researcher", "Writer"], Self.researchMidway)
        #expect(Self.style(of: "W", row: 2, in: dashboard) == .mapNodeActive)
        #expect(Self.style(of: "R", row: 2, in: dashboard) == .mapNode)
        #expect(Self.style(of: "●", row: 2, in: dashboard) == .statusStreaming)
    }

    @Test func withoutAGraphTheMapIsTheAgentsSeenJoinedByTheTransitionsObserved() {
        let dashboard = Self.mapped(nil, participants: [], [
            .agentStarted(agent: "Researcher"), .agentCompleted(agent: "Researcher", usage: nil),
            .transition(from: "Researcher", to: "Writer", reason: nil), .agentStarted(agent: "Writer"),
            .agentCompleted(agent: "Writer", usage: nil), .transition(from: "Writer", to: "Researcher", reason: nil),
            .agentStarted(agent: "Researcher"), .agentStarted(agent: "Editor"),
        ])
        let rows = Self.mapRows(dashboard)
        #expect(rows[0].hasPrefix("─ Map · agents seen ─"))
        // Editor was seen but no step led to it: it stands in the first layer, under the Researcher.
        #expect(Array(rows.dropFirst()) == [
            " ● Researcher ◀━━━▶ ✓ Writer",
            " ● Editor",
        ])
        #expect(dashboard.map.declared == nil)
        #expect(dashboard.map.observedEdges == [WorkflowGraph.Edge("Researcher", "Writer"), WorkflowGraph.Edge("Writer", "Researcher")])
    }

    @Test func aSingleAgentStreamIsOneNode() {
        let dashboard = Self.mapped(nil, participants: ["llama"], [.agentStarted(agent: "llama")])
        #expect(Array(Self.mapRows(dashboard).dropFirst()) == [" ● llama"])
    }

    @Test func aLoopAndASkipThatCannotBeDrawnBetweenLayersAreListedBelow() {
        let graph = WorkflowGraph(
            kind: .workflow, nodes: ["Researcher", "Reviewer", "Writer"].map { WorkflowGraph.Node(id: $0) },
            edges: [.init("Researcher", "Reviewer"), .init("Reviewer", "Writer"), .init("Writer", "Researcher"), .init("Researcher", "Writer")])
        let dashboard = Self.mapped(graph, participants: ["Researcher", "Reviewer", "Writer"], [
            .agentStarted(agent: "Researcher"), .transition(from: "Researcher", to: "Writer", reason: nil),
        ])
        #expect(Array(Self.mapRows(dashboard).dropFirst()) == [
            " ● Researcher ────▶ ○ Reviewer ────▶ ○ Writer",
            " also: Writer ⇄ Researcher",
        ])
        #expect(Self.style(of: "⇄", row: 3, in: dashboard) == .mapEdgeLit)
    }

    @Test func fiveAgentsInAChainFitEightyColumnsWithTheirNamesWhole() {
        let names = ["Researcher", "Planner", "Writer", "Copy Editor", "Publisher"]
        let graph = WorkflowGraph(kind: .sequential, nodes: names.map { WorkflowGraph.Node(id: $0) }, edges: zip(names, names.dropFirst()).map { WorkflowGraph.Edge($0, $1) })
        let dashboard = Self.mapped(graph, participants: names, [.agentStarted(agent: "Researcher")])
        #expect(Self.mapRows(dashboard)[1] == " ● Researcher ──▶ ○ Planner ──▶ ○ Writer ──▶ ○ Copy Editor ──▶ ○ Publisher")
        let screen = DashboardView.render(dashboard).text
        for (index, name) in names.enumerated() { #expect(screen.contains("\(index + 1) \(name)")) }
    }

    @Test func longNamesAreShortenedBeforeTheMapGivesUpItsShape() {
        let names = ["Principal Researcher", "Senior Technical Writer", "Copy Editor In Chief", "Publisher"]
        let graph = WorkflowGraph(kind: .sequential, nodes: names.map { WorkflowGraph.Node(id: $0) }, edges: zip(names, names.dropFirst()).map { WorkflowGraph.Edge($0, $1) })
        let dashboard = Self.mapped(graph, participants: names, [])
        let row = Self.mapRows(dashboard)[1]
        #expect(row == " ○ Principal R… ────▶ ○ Senior Tech… ────▶ ○ Copy Editor… ────▶ ○ Publisher")
        #expect(DisplayWidth.of(row) <= 80)
    }

    @Test func onATinyTerminalTheMapIsOneLineAndThePanesKeepTheirRows() {
        let names = ["Researcher", "Planner", "Writer", "Copy Editor", "Publisher"]
        let graph = WorkflowGraph(kind: .sequential, nodes: names.map { WorkflowGraph.Node(id: $0) }, edges: zip(names, names.dropFirst()).map { WorkflowGraph.Edge($0, $1) })
        let dashboard = Self.mapped(graph, participants: names, [.agentStarted(agent: "Researcher"), .agentCompleted(agent: "Researcher", usage: nil),
                                                                 .transition(from: "Researcher", to: "Planner", reason: nil), .agentStarted(agent: "Planner")],
                                    width: 40, height: 10)
        let layout = DashboardLayout(state: dashboard)
        #expect(layout.map?.height == 1)
        // Every name at its shortest still does not fit 40 columns: the rest is cut.
        #expect(Self.mapRows(dashboard) == [" Map ✓ Res… → ● Pla… → ○ Wri… → ○ Cop… …"])
        #expect(Self.style(of: "→", row: 1, in: dashboard) == .mapEdgeLit)
        #expect(layout.panes.allSatisfy { $0.rect.height >= 4 })
    }

    @Test func mTogglesTheMapAndTheHelpAndFooterSayHow() throws {
        var dashboard = Self.mapped(try Self.graph("research-writer"), participants: ["Researcher", "Writer"], [])
        #expect(DashboardLayout(state: dashboard).map != nil)
        let panesWithMap = DashboardLayout(state: dashboard).panes.map(\.rect)
        _ = dashboard.update(.key(.character("m")))
        #expect(DashboardLayout(state: dashboard).map == nil)
        #expect(!screen(dashboard).contains("Map ·"))
        // Without the map the panes start right under the header.
        #expect(DashboardLayout(state: dashboard).panes.first?.rect.y == 1)
        #expect(panesWithMap.first?.y == 3)
        #expect(screen(dashboard).contains("  m map"))
        _ = dashboard.update(.key(.character("?")))
        #expect(screen(dashboard).contains("the workflow map"))
    }

    @Test func aSourceWarningJoinsTheWarnings() {
        var dashboard = DashboardState()
        _ = dashboard.update(.sourceWarning("cannot read research_writer's structure for the map"))
        #expect(dashboard.warnings == ["cannot read research_writer's structure for the map"])
    }

    @Test func anExecutorTheRunNeverReachedStaysWaitingAfterTheRunEnds() {
        // review_flow as DevUI ran it: the Reviewer asked a person, and the run completed before the Writer ran.
        let graph = WorkflowGraph(
            kind: .workflow, nodes: ["Researcher", "Reviewer", "Writer"].map { WorkflowGraph.Node(id: $0) },
            edges: [.init("Researcher", "Reviewer"), .init("Reviewer", "Writer")])
        let dashboard = Self.mapped(graph, participants: [], [
            .agentStarted(agent: "Researcher"), .agentCompleted(agent: "Researcher", usage: nil),
            .transition(from: "Researcher", to: "Reviewer", reason: nil), .agentStarted(agent: "Reviewer"),
            .agentCompleted(agent: "Reviewer", usage: nil), .runCompleted(finalAgent: "Reviewer", usage: .zero, durationMs: 1),
        ])
        #expect(Self.mapRows(dashboard)[1] == " ✓ Researcher ━━━━▶ ✓ Reviewer ────▶ ○ Writer")
    }
}

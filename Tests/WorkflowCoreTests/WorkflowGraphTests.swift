import Testing
@testable import WorkflowCore

@Suite("Each workflow describes its graph")
struct WorkflowGraphTests {
    @Test func theSequentialPresetIsAChainInOrder() throws {
        let graph = try preset("research-writer").graph
        #expect(graph.kind == .sequential)
        #expect(graph.nodes == [WorkflowGraph.Node(id: "Researcher"), WorkflowGraph.Node(id: "Writer")])
        #expect(graph.edges == [WorkflowGraph.Edge("Researcher", "Writer", kind: .sequence)])
        #expect(graph.start == "Researcher")
    }

    @Test func theGroupChatPresetIsTheManagerWithATurnEdgeToEachParticipant() throws {
        let graph = try preset("group-chat").graph
        #expect(graph.kind == .groupChat)
        #expect(graph.nodes.map(\.kind) == [.manager, .agent, .agent])
        #expect(graph.edges == [WorkflowGraph.Edge("Manager", "Writer", kind: .turn), WorkflowGraph.Edge("Manager", "Critic", kind: .turn)])
        #expect(graph.start == "Manager")
    }

    @Test func aRoundRobinGroupChatIsARingOfTurns() {
        let agents = ["A", "B", "C"].map { Agent(name: $0, instructions: "", client: ScriptedChatClient()) }
        let graph = GroupChatWorkflow(name: "rr", agents: agents, selection: .roundRobin).graph
        #expect(graph.edges.map { "\($0.source)→\($0.target)" } == ["A→B", "B→C", "C→A"])
        #expect(graph.edges.allSatisfy { $0.kind == .turn })
    }

    @Test func theConcurrentPresetFansOutFromTheInputAndInToTheSummarizer() throws {
        let graph = try preset("concurrent").graph
        #expect(graph.kind == .concurrent)
        #expect(graph.nodes.map(\.id) == ["input", "Meteorologist", "Historian", "Travel Guide", "Summarizer"])
        #expect(graph.nodes.map(\.kind) == [.input, .agent, .agent, .agent, .aggregator])
        #expect(graph.edges.filter { $0.kind == .fanOut }.map(\.target) == ["Meteorologist", "Historian", "Travel Guide"])
        #expect(graph.edges.filter { $0.kind == .fanIn }.map(\.source) == ["Meteorologist", "Historian", "Travel Guide"])
        #expect(graph.edges.filter { $0.kind == .fanIn }.allSatisfy { $0.target == "Summarizer" })
        #expect(graph.start == "input")
    }

    @Test func aConcurrentAgentNamedInputKeepsItsNameAndTheInputNodeTakesAnother() {
        let agents = ["input", "B"].map { Agent(name: $0, instructions: "", client: ScriptedChatClient()) }
        let graph = ConcurrentWorkflow(name: "c", agents: agents, aggregator: nil).graph
        #expect(graph.nodes.map(\.id) == ["input 2", "input", "B"])
        #expect(graph.nodes[0].name == "input")
    }

    @Test func theHandoffPresetIsTriageWithItsTargetsAndTheirWayBack() throws {
        let graph = try preset("handoff").graph
        #expect(graph.kind == .handoff)
        #expect(graph.start == "Triage")
        #expect(graph.edges.map { "\($0.source)→\($0.target)" } == ["Triage→Weather", "Triage→Time", "Weather→Triage", "Time→Triage"])
    }

    @Test func theRunsFirstEventCarriesTheGraphBesideTheParticipants() async throws {
        let workflow = try preset("handoff")
        let events = await run(workflow, "Weather in Lima?")
        guard case let .runStarted(info) = events.first?.kind else { Issue.record("no runStarted"); return }
        #expect(info.participants == ["Triage", "Weather", "Time"])
        #expect(info.graph == workflow.graph)
    }
}

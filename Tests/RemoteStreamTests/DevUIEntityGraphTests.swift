import Foundation
import LoopbackHTTP
import RemoteStream
import Testing
import WorkflowCore

/// The map's structure from DevUI's entity info, as Agent Framework's DevUI really answered
/// (agent-framework-devui 1.0.0b261022; Fixtures/devui_entity_info_*.json).
@Suite("DevUI entity info as a workflow graph")
struct DevUIEntityGraphTests {
    static func info(_ entity: String) throws -> JSONValue {
        try JSONValue(parsing: String(decoding: try Fixture.bytes("devui_entity_info_\(entity).json"), as: UTF8.self))
    }

    @Test func researchWriterIsTheInputThenResearcherThenWriterWithoutTheInternalEdges() throws {
        let graph = try #require(DevUIEntityGraph.graph(fromInfo: try Self.info("research_writer"), agentName: "research_writer"))
        #expect(graph.kind == .workflow)
        #expect(graph.nodes == [
            WorkflowGraph.Node(id: "input-conversation", kind: .input), WorkflowGraph.Node(id: "Researcher", kind: .agent),
            WorkflowGraph.Node(id: "Writer", kind: .agent),
        ])
        #expect(graph.edges == [WorkflowGraph.Edge("input-conversation", "Researcher"), WorkflowGraph.Edge("Researcher", "Writer")])
        #expect(graph.start == "input-conversation")
    }

    @Test func reviewFlowKeepsItsOwnReviewerExecutorAndStartsAtTheResearcher() throws {
        let graph = try #require(DevUIEntityGraph.graph(fromInfo: try Self.info("review_flow"), agentName: "review_flow"))
        #expect(graph.nodes.map(\.id) == ["Researcher", "Reviewer", "Writer"])
        #expect(graph.node("Reviewer")?.kind == .other)
        #expect(graph.edges == [WorkflowGraph.Edge("Researcher", "Reviewer"), WorkflowGraph.Edge("Reviewer", "Writer")])
        #expect(graph.start == "Researcher")
    }

    @Test func anAgentEntityIsOneNodeNamedAsItsPane() throws {
        let graph = try #require(DevUIEntityGraph.graph(fromInfo: try Self.info("approval_flow"), agentName: "approval_flow"))
        #expect(graph.kind == .agent)
        #expect(graph.nodes == [WorkflowGraph.Node(id: "approval_flow")])
        #expect(graph.edges.isEmpty)
    }

    @Test func fanOutAndFanInGroupsGiveTheirEdgeKinds() throws {
        let info = try JSONValue(parsing: """
            {"type":"workflow","executors":["d","a","b","j"],"workflow_dump":{"start_executor_id":"d",
             "executors":{"d":{"type":"Dispatcher"},"a":{"type":"AgentExecutor"},"b":{"type":"AgentExecutor"},"j":{"type":"Joiner"}},
             "edge_groups":[{"type":"FanOutEdgeGroup","edges":[{"source_id":"d","target_id":"a"},{"source_id":"d","target_id":"b"}]},
                            {"type":"FanInEdgeGroup","edges":[{"source_id":"a","target_id":"j"},{"source_id":"b","target_id":"j"}]},
                            {"type":"SwitchCaseEdgeGroup","edges":[{"source_id":"j","target_id":"d"}]}]}}
            """)
        let graph = try #require(DevUIEntityGraph.graph(fromInfo: info, agentName: "x"))
        #expect(graph.edges.map(\.kind) == [.fanOut, .fanOut, .fanIn, .fanIn, .sequence])
        #expect(graph.nodes.map(\.id) == ["d", "a", "b", "j"])
    }

    @Test func theServerIsAskedForTheEntitysInfoAndA404IsAFailureToWarnAbout() async throws {
        let info = String(decoding: try Fixture.bytes("devui_entity_info_review_flow.json"), as: UTF8.self)
        let server = LoopbackServer { request in
            request.path == "/v1/entities/review_flow/info" ? .json(info) : .json(status: 404, #"{"error":{"message":"Entity not found"}}"#)
        }
        try await server.start()
        defer { Task { await server.shutdown() } }
        let client = EventSourceClient(policy: ReconnectPolicy(maxAttempts: 0))
        let devUI = DevUIServer(url: server.baseURL, apiKey: "tok-1")
        let graph = try await devUI.workflowGraph(of: "review_flow", agentName: "review_flow", using: client.httpClient)
        #expect(graph.nodes.map(\.id) == ["Researcher", "Reviewer", "Writer"])
        #expect(server.requests.first?.header("authorization") == "Bearer tok-1")
        do {
            _ = try await devUI.workflowGraph(of: "nope", agentName: "nope", using: client.httpClient)
            Issue.record("a 404 gave a graph")
        } catch {
            #expect(error.message.contains("/v1/entities/nope/info answered 404"))
            #expect(error.message.contains("Entity not found"))
        }
        await client.shutdown()
    }
}

@Suite("Attach with a structure learnt elsewhere")
struct AttachGraphTests {
    @Test func aGraphGivenToAttachRidesOnTheRunStartedOfAStreamThatHasNone() async throws {
        // handoff.jsonl was recorded before workflow_started carried a graph.
        let events = try Fixture.flowtopEvents("handoff.jsonl")
        guard case let .runStarted(recorded) = events.first?.kind else { Issue.record("no runStarted"); return }
        #expect(recorded.graph == nil)
        let server = LoopbackServer(responses: [.eventStream(try Fixture.flowtopSSE(events).map { .bytes($0) })])
        try await server.start()
        defer { Task { await server.shutdown() } }
        let graph = WorkflowGraph(
            kind: .handoff, nodes: ["Triage", "Weather", "Time"].map { WorkflowGraph.Node(id: $0) },
            edges: [WorkflowGraph.Edge("Triage", "Weather", kind: .handoff)], start: "Triage")
        let client = EventSourceClient(policy: ReconnectPolicy(maxAttempts: 0))
        let collected = Collected()
        _ = await RemoteAttach.run(
            EventSourceRequest(url: server.baseURL + "/stream"), client: client, format: nil, agentName: nil, graph: graph,
            onState: { _ in }, onEvent: { collected.add($0) })
        await client.shutdown()
        guard case let .runStarted(info) = collected.events.first?.kind else { Issue.record("no runStarted"); return }
        #expect(info.graph == graph)
        #expect(info.participants == ["Triage", "Weather", "Time"])
        #expect(Array(collected.events.dropFirst()) == Array(events.dropFirst()))
    }
}

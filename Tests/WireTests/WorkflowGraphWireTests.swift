import EventStream
import Testing
import Wire
import WorkflowCore

@Suite("The workflow graph on flowtop's wire")
struct WorkflowGraphWireTests {
    static let concurrent = WorkflowGraph(
        kind: .concurrent,
        nodes: [
            WorkflowGraph.Node(id: "input 2", name: "input", kind: .input), WorkflowGraph.Node(id: "A"),
            WorkflowGraph.Node(id: "B", name: "Bee \"quoted\""), WorkflowGraph.Node(id: "J", kind: .aggregator),
        ],
        edges: [
            WorkflowGraph.Edge("input 2", "A", kind: .fanOut), WorkflowGraph.Edge("input 2", "B", kind: .fanOut),
            WorkflowGraph.Edge("A", "J", kind: .fanIn), WorkflowGraph.Edge("B", "J", kind: .fanIn),
        ], start: "input 2")

    @Test func workflowStartedCarriesTheGraphAfterTheModelWithKeysInTheDocumentedOrder() {
        let event = WorkflowEvent(sequence: 1, timestamp: 2, kind: .runStarted(.init(
            runId: "r", workflow: "w", participants: ["A"], model: "m",
            graph: WorkflowGraph(kind: .handoff, nodes: [.init(id: "A"), .init(id: "B", name: "Bee")], edges: [.init("A", "B", kind: .handoff)]))))
        #expect(FlowtopWireFormat.json(for: event) == #"{"type":"workflow_started","run_id":"r","workflow":"w","participants":["A"],"model":"m","#
            + #""graph":{"kind":"handoff","start":"A","nodes":[{"id":"A","kind":"agent"},{"id":"B","name":"Bee","kind":"agent"}],"#
            + #""edges":[{"from":"A","to":"B","kind":"handoff"}]},"seq":1,"ts":2}"#)
    }

    @Test func everyGraphKindAndNodeAndEdgeKindRoundTripsThroughSSEBytes() throws {
        var graphs: [WorkflowGraph] = [Self.concurrent, WorkflowGraph(kind: .workflow, nodes: [], edges: [])]
        for kind in WorkflowGraph.Kind.allCases {
            graphs.append(WorkflowGraph(
                kind: kind, nodes: WorkflowGraph.Node.Kind.allCases.map { WorkflowGraph.Node(id: $0.rawValue, kind: $0) },
                edges: WorkflowGraph.Edge.Kind.allCases.map { WorkflowGraph.Edge("agent", "other", kind: $0) }))
        }
        var encoder = SSEEncoder()
        var parser = SSEParser()
        for (index, graph) in graphs.enumerated() {
            let event = WorkflowEvent(sequence: index + 1, timestamp: 1.5, kind: .runStarted(.init(runId: "r", workflow: "w", participants: [], graph: graph)))
            let decoded = try parser.parse(try encoder.encode(FlowtopWireFormat.sseEvent(for: event))).map { try FlowtopWireDecoder.decode($0) }
            #expect(decoded == [event])
        }
    }

    @Test func aWorkflowStartedWithoutAGraphAsOlderServersSendItStillDecodes() throws {
        let line = #"{"type":"workflow_started","run_id":"run_6b1f","workflow":"handoff","participants":["Triage","Weather","Time"],"model":"scripted flowtop-scripted","seq":1,"ts":1795551776.123456}"#
        let event = try FlowtopWireDecoder.decode(json: line)
        #expect(event.kind == .runStarted(.init(
            runId: "run_6b1f", workflow: "handoff", participants: ["Triage", "Weather", "Time"], model: "scripted flowtop-scripted")))
    }

    @Test func kindsANewerFlowtopAddsReadAsTheMostGeneralOnes() throws {
        let line = #"{"type":"workflow_started","run_id":"r","workflow":"w","participants":[],"graph":{"kind":"swarm","nodes":[{"id":"A","kind":"robot"},{"id":"B"}],"edges":[{"from":"A","to":"B","kind":"teleport"}]},"seq":1,"ts":1}"#
        guard case let .runStarted(info) = try FlowtopWireDecoder.decode(json: line).kind else { Issue.record("not runStarted"); return }
        var expected = WorkflowGraph(kind: .workflow, nodes: [.init(id: "A", kind: .other), .init(id: "B", kind: .other)], edges: [.init("A", "B")])
        expected.start = nil
        #expect(info.graph == expected)
    }

    @Test func aGraphEdgeWithoutAnEndIsADecodingErrorThatSaysSo() {
        let line = #"{"type":"workflow_started","run_id":"r","workflow":"w","participants":[],"graph":{"kind":"sequential","nodes":[],"edges":[{"from":"A"}]},"seq":1,"ts":1}"#
        do {
            _ = try FlowtopWireDecoder.decode(json: line)
            Issue.record("decoded")
        } catch {
            #expect(error.reason == "an edge of \"graph\" lacks \"from\" or \"to\"")
        }
    }
}

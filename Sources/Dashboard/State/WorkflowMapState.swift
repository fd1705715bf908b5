import WorkflowCore

/// What the map (`m`) knows of the run's structure: the graph the run declared (`runStarted`), else the agents
/// seen with the transitions observed between them; and the step control took last, which the map lights.
/// Each node's state is its pane's, so the map and the panes cannot disagree.
public struct WorkflowMapState: Sendable, Hashable {
    /// A node as the map shows it.
    public enum NodeState: Sendable, Hashable {
        case waiting
        case running
        case callingTool
        case done
        case failed
    }

    /// A step control took: a `transition` event.
    public struct Step: Sendable, Hashable {
        public var from: String?
        public var to: String
    }

    /// The structure the run declared, nil when its source knows none.
    public private(set) var declared: WorkflowGraph?
    /// Transitions seen, each once, in the order first seen: the edges of the agents-seen map.
    public private(set) var observedEdges: [WorkflowGraph.Edge] = []
    public private(set) var lastStep: Step?

    public init() {}

    mutating func runStarted(graph: WorkflowGraph?) {
        if let graph { declared = graph }
    }

    mutating func transition(from: String?, to: String) {
        lastStep = Step(from: from, to: to)
        guard let from, from != to else { return }
        let edge = WorkflowGraph.Edge(from, to, kind: .sequence)
        if !observedEdges.contains(edge) { observedEdges.append(edge) }
    }

    /// The graph to draw: the declared one, else `agentsSeen` (in order of first appearance) joined by the
    /// transitions observed; nil when there is nothing to draw yet.
    public func graph(agentsSeen: [String]) -> WorkflowGraph? {
        if let declared, !declared.nodes.isEmpty { return declared }
        guard !agentsSeen.isEmpty else { return nil }
        return WorkflowGraph(
            kind: .workflow, nodes: agentsSeen.map { WorkflowGraph.Node(id: $0) }, edges: observedEdges,
            start: agentsSeen[0])
    }

    /// The edge of `graph` the last step took, and whether it was taken against its direction (a handoff back to
    /// the agent that handed off). A step that names no edge of the graph lights the edge a manager gives `to`
    /// its turn by, if there is one (a group chat's turn passes from speaker to speaker under the manager).
    public func litEdge(in graph: WorkflowGraph) -> (edge: WorkflowGraph.Edge, reversed: Bool)? {
        guard let step = lastStep else { return nil }
        if let from = step.from {
            if let edge = graph.edges.first(where: { $0.source == from && $0.target == step.to }) { return (edge, false) }
            if let edge = graph.edges.first(where: { $0.source == step.to && $0.target == from }) { return (edge, true) }
        }
        if let edge = graph.edges.first(where: { $0.target == step.to && graph.node($0.source)?.kind == .manager }) {
            return (edge, false)
        }
        return nil
    }
}

extension DashboardState {
    /// The graph the map draws now.
    public var mapGraph: WorkflowGraph? { map.graph(agentsSeen: agents.map(\.name)) }

    /// A node's state: its pane's. An input with no pane (flowtop's fan-out input) is done once the run began;
    /// any other node without one has not run yet (a DevUI workflow stopped before it got there).
    public func mapNodeState(_ node: WorkflowGraph.Node) -> WorkflowMapState.NodeState {
        guard let pane = agents.first(where: { $0.name == node.id }) else {
            return node.kind == .input && runStatus != .waiting ? .done : .waiting
        }
        switch pane.status {
        case .waiting: return .waiting
        case .streaming: return .running
        case .callingTool: return .callingTool
        case .done: return .done
        case .failed: return .failed
        }
    }
}

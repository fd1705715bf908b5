import WorkflowCore

/// A DevUI entity's structure from its info (`GET /v1/entities/{id}/info`): a workflow's `workflow_dump` lists its
/// `executors` (an object keyed by id; the info's own `executors` array gives their order) and `edge_groups`, each
/// with `edges` of `source_id` → `target_id`. `InternalEdgeGroup` edges from `internal:…` sources are the
/// framework's plumbing, not the workflow's, and are left out. An agent entity has no dump: one node, named as the
/// dashboard names its pane.
public enum DevUIEntityGraph {
    /// The graph in `info`; `agentName` is the pane an agent entity speaks in. Nil when the info is a workflow's
    /// without a usable dump.
    public static func graph(fromInfo info: JSONValue, agentName: String) -> WorkflowGraph? {
        guard let dump = info["workflow_dump"], case .object = dump else {
            guard info["type"]?.stringValue != "workflow" else { return nil }
            return WorkflowGraph(kind: .agent, nodes: [WorkflowGraph.Node(id: agentName)], edges: [])
        }
        let executors = dump["executors"]?.objectValue ?? [:]
        // The dump's executors are a JSON object, whose order a dictionary loses; the info's list keeps it.
        var order = (info["executors"]?.arrayValue ?? []).compactMap(\.stringValue).filter { executors[$0] != nil }
        order += executors.keys.sorted().filter { !order.contains($0) }
        var edges: [WorkflowGraph.Edge] = []
        for group in dump["edge_groups"]?.arrayValue ?? [] {
            let kind = edgeKind(group["type"]?.stringValue)
            for edge in group["edges"]?.arrayValue ?? [] {
                guard let source = edge["source_id"]?.stringValue, let target = edge["target_id"]?.stringValue,
                      !source.hasPrefix("internal:"), source != target
                else { continue }
                let found = WorkflowGraph.Edge(source, target, kind: kind)
                if !edges.contains(found) { edges.append(found) }
            }
        }
        // Executors that only an edge names still belong on the map.
        for edge in edges {
            for id in [edge.source, edge.target] where !order.contains(id) { order.append(id) }
        }
        guard !order.isEmpty else { return nil }
        let nodes = order.map { id in
            WorkflowGraph.Node(id: id, kind: nodeKind(executors[id]?["type"]?.stringValue, id: id))
        }
        let start = dump["start_executor_id"]?.stringValue ?? info["start_executor_id"]?.stringValue
        return WorkflowGraph(kind: .workflow, nodes: nodes, edges: edges, start: start.flatMap { order.contains($0) ? $0 : nil })
    }

    static func edgeKind(_ type: String?) -> WorkflowGraph.Edge.Kind {
        switch type {
        case "FanOutEdgeGroup": return .fanOut
        case "FanInEdgeGroup": return .fanIn
        default: return .sequence
        }
    }

    /// Agent Framework's executor classes, as far as the map needs them; a class of the app's own is `other`.
    static func nodeKind(_ type: String?, id: String) -> WorkflowGraph.Node.Kind {
        switch type {
        case "AgentExecutor", "ChatAgent", "Agent": return .agent
        case "_InputToConversation": return .input
        case "RequestInfoExecutor": return .human
        default:
            if id.hasPrefix("input-") { return .input }
            return type?.hasSuffix("AgentExecutor") == true ? .agent : .other
        }
    }
}

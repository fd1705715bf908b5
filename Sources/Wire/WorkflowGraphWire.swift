import WorkflowCore

/// A `WorkflowGraph` in flowtop's wire format, the `graph` of `workflow_started`:
/// `{"kind","start"?,"nodes":[{"id","name"?,"kind"}],"edges":[{"from","to","kind"}]}`; a node's `name` is left out
/// when it is its id. Kinds a newer flowtop adds read as the most general one, so an old reader still shows the map.
public enum WorkflowGraphWire {
    /// The graph as one JSON object, keys in the documented order.
    public static func json(_ graph: WorkflowGraph) -> String {
        var object = JSONObjectWriter(output: [])
        object.add("kind", graph.kind.rawValue)
        if let start = graph.start { object.add("start", start) }
        object.addRaw("nodes", "[" + graph.nodes.map { node in
            var fields = JSONObjectWriter(output: [])
            fields.add("id", node.id)
            if node.name != node.id { fields.add("name", node.name) }
            fields.add("kind", node.kind.rawValue)
            return String(decoding: fields.finish(), as: UTF8.self)
        }.joined(separator: ",") + "]")
        object.addRaw("edges", "[" + graph.edges.map { edge in
            var fields = JSONObjectWriter(output: [])
            fields.add("from", edge.source)
            fields.add("to", edge.target)
            fields.add("kind", edge.kind.rawValue)
            return String(decoding: fields.finish(), as: UTF8.self)
        }.joined(separator: ",") + "]")
        return String(decoding: object.finish(), as: UTF8.self)
    }

    /// Reads `json(_:)`'s shape; a node without an id, or an edge without both ends, is a decoding error.
    public static func graph(_ value: JSONValue) throws(FlowtopWireDecoder.DecodingError) -> WorkflowGraph {
        guard case .object = value else { throw FlowtopWireDecoder.DecodingError(reason: "\"graph\" is not an object") }
        var nodes: [WorkflowGraph.Node] = []
        for item in value["nodes"]?.arrayValue ?? [] {
            guard let id = item["id"]?.stringValue else {
                throw FlowtopWireDecoder.DecodingError(reason: "a node of \"graph\" lacks the text field \"id\"")
            }
            let kind = item["kind"]?.stringValue.flatMap(WorkflowGraph.Node.Kind.init(rawValue:)) ?? .other
            nodes.append(WorkflowGraph.Node(id: id, name: item["name"]?.stringValue, kind: kind))
        }
        var edges: [WorkflowGraph.Edge] = []
        for item in value["edges"]?.arrayValue ?? [] {
            guard let source = item["from"]?.stringValue, let target = item["to"]?.stringValue else {
                throw FlowtopWireDecoder.DecodingError(reason: "an edge of \"graph\" lacks \"from\" or \"to\"")
            }
            let kind = item["kind"]?.stringValue.flatMap(WorkflowGraph.Edge.Kind.init(rawValue:)) ?? .sequence
            edges.append(WorkflowGraph.Edge(source, target, kind: kind))
        }
        let kind = value["kind"]?.stringValue.flatMap(WorkflowGraph.Kind.init(rawValue:)) ?? .workflow
        var graph = WorkflowGraph(kind: kind, nodes: nodes, edges: edges)
        graph.start = value["start"]?.stringValue
        return graph
    }
}

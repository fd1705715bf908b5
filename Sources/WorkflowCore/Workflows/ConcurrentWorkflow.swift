/// The same prompt fanned out to every participant at once; an aggregator agent (when given) joins the answers.
/// Events of the parallel agents interleave, each attributed to its agent.
public struct ConcurrentWorkflow: Workflow {
    public let name: String
    public let agents: [Agent]
    public let aggregator: Agent?

    public init(name: String, agents: [Agent], aggregator: Agent?) {
        precondition(!agents.isEmpty, "a concurrent workflow needs at least one agent")
        self.name = name
        self.agents = agents
        self.aggregator = aggregator
    }

    public var participants: [String] { agents.map(\.name) + (aggregator.map { [$0.name] } ?? []) }

    /// The prompt fans out from an input node to every agent, whose answers fan in to the aggregator.
    public var graph: WorkflowGraph {
        let names = agents.map(\.name)
        let input = WorkflowGraph.uniqueId("input", avoiding: participants)
        var nodes = [WorkflowGraph.Node(id: input, name: "input", kind: .input)] + names.map { WorkflowGraph.Node(id: $0) }
        var edges = names.map { WorkflowGraph.Edge(input, $0, kind: .fanOut) }
        if let aggregator {
            nodes.append(WorkflowGraph.Node(id: aggregator.name, kind: .aggregator))
            edges += names.map { WorkflowGraph.Edge($0, aggregator.name, kind: .fanIn) }
        }
        return WorkflowGraph(kind: .concurrent, nodes: nodes, edges: edges, start: input)
    }

    public func execute(prompt: String, sink: WorkflowEventSink) async throws -> WorkflowAnswer {
        let conversation = [ChatMessage.user(prompt)]
        let results = try await withThrowingTaskGroup(of: (Int, AgentTurn.Result).self) { group in
            for (index, agent) in agents.enumerated() {
                group.addTask {
                    (index, try await AgentTurn(agent: agent, sink: sink).run(conversation: conversation))
                }
            }
            var results = [AgentTurn.Result?](repeating: nil, count: agents.count)
            for try await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
        var usage = results.reduce(Usage.zero) { $0 + $1.usage }
        guard let aggregator else {
            let joined = zip(agents, results).map { "\($0.name): \($1.text)" }.joined(separator: "\n\n")
            return WorkflowAnswer(agent: nil, text: joined, usage: usage)
        }
        var gathered = conversation
        for (agent, result) in zip(agents, results) {
            sink.emit(.transition(from: agent.name, to: aggregator.name, reason: "fan-in"))
            gathered.append(.assistant(result.text, author: agent.name))
        }
        let summary = try await AgentTurn(agent: aggregator, sink: sink).run(conversation: gathered)
        usage = usage + summary.usage
        return WorkflowAnswer(agent: aggregator.name, text: summary.text, usage: usage)
    }
}

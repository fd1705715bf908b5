/// Agents pass control to each other by calling injected `handoff_to_<agent>` tools, starting from a named agent.
/// The run ends when the agent in control answers without handing off.
public struct HandoffWorkflow: Workflow {
    public let name: String
    public let agents: [Agent]
    public let start: String
    /// Who may hand off to whom; an agent missing here may hand off to every other agent.
    public let routes: [String: [String]]
    public let maxHandoffs: Int

    public init(name: String, agents: [Agent], start: String, routes: [String: [String]] = [:], maxHandoffs: Int = 8) {
        precondition(agents.contains { $0.name == start }, "the start agent must be one of the agents")
        self.name = name
        self.agents = agents
        self.start = start
        self.routes = routes
        self.maxHandoffs = maxHandoffs
    }

    public var participants: [String] {
        // The start agent first, then the others in their given order.
        [start] + agents.map(\.name).filter { $0 != start }
    }

    /// The start agent and each agent's handoff targets (every other agent where no routes are given).
    public var graph: WorkflowGraph {
        let names = participants
        let edges = names.flatMap { source in
            (routes[source] ?? names).filter { $0 != source && names.contains($0) }.map { WorkflowGraph.Edge(source, $0, kind: .handoff) }
        }
        return WorkflowGraph(kind: .handoff, nodes: names.map { WorkflowGraph.Node(id: $0) }, edges: edges, start: start)
    }

    /// `handoff_to_<name>` with the name lower-cased and anything but letters, digits and `_` replaced (the
    /// characters chat APIs allow in tool names).
    public static func toolName(for agent: String) -> String {
        let cleaned = agent.lowercased().unicodeScalars.map { scalar -> Character in
            (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        }
        return "handoff_to_" + String(cleaned)
    }

    public func execute(prompt: String, sink: WorkflowEventSink) async throws -> WorkflowAnswer {
        var conversation = [ChatMessage.user(prompt)]
        var usage = Usage.zero
        var current = start
        var handoffs = 0
        var previous: String?
        while true {
            let agent = agents.first { $0.name == current }!
            let targets = (routes[current] ?? agents.map(\.name)).filter { $0 != current }
            var handoffTools: [String: (agent: String, description: String)] = [:]
            for target in targets {
                let instructions = agents.first { $0.name == target }?.instructions ?? ""
                let summary = instructions.split(separator: "\n").first.map(String.init) ?? target
                handoffTools[Self.toolName(for: target)] = (target, summary)
            }
            let result = try await AgentTurn(agent: agent, sink: sink, handoffTargets: handoffTools)
                .run(conversation: conversation)
            usage = usage + result.usage
            if !result.text.isEmpty { conversation.append(.assistant(result.text, author: agent.name)) }
            // A person cannot call a handoff tool: their answer goes back to whoever handed them the conversation.
            var handoff = result.handoff
            if handoff == nil, case .human = agent.kind, let back = previous ?? targets.first {
                handoff = AgentTurn.Handoff(target: back, reason: "\(agent.name) answered")
            }
            guard let handoff else {
                return WorkflowAnswer(agent: agent.name, text: result.text, usage: usage)
            }
            handoffs += 1
            guard handoffs <= maxHandoffs else {
                throw WorkflowError(agent: agent.name, "more than \(maxHandoffs) handoffs in one run (the cap); stopping")
            }
            sink.emit(.transition(from: agent.name, to: handoff.target, reason: handoff.reason ?? "handoff"))
            previous = current
            current = handoff.target
        }
    }
}

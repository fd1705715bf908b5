/// Agents in a fixed order, each seeing the conversation so far (the Agent Framework sample's shape).
public struct SequentialWorkflow: Workflow {
    public let name: String
    public let agents: [Agent]

    public init(name: String, agents: [Agent]) {
        precondition(!agents.isEmpty, "a sequential workflow needs at least one agent")
        self.name = name
        self.agents = agents
    }

    public var participants: [String] { agents.map(\.name) }

    public func execute(prompt: String, sink: WorkflowEventSink) async throws -> WorkflowAnswer {
        var conversation = [ChatMessage.user(prompt)]
        var usage = Usage.zero
        var last: (agent: String, text: String)?
        for agent in agents {
            if let previous = last {
                sink.emit(.transition(from: previous.agent, to: agent.name, reason: "next in sequence"))
            }
            let result = try await AgentTurn(agent: agent, sink: sink).run(conversation: conversation)
            conversation.append(.assistant(result.text, author: agent.name))
            usage = usage + result.usage
            last = (agent.name, result.text)
        }
        return WorkflowAnswer(agent: last?.agent, text: last?.text ?? "", usage: usage)
    }
}

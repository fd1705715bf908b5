/// Participants take turns on one shared conversation until a termination phrase, the manager's "DONE", or the
/// round cap. The next speaker is chosen round-robin or by a manager agent (a model call naming the speaker).
public struct GroupChatWorkflow: Workflow {
    public enum Selection: Sendable {
        case roundRobin
        /// The manager's reply names the next speaker, or says `DONE`.
        case manager(Agent)
    }

    public let name: String
    public let agents: [Agent]
    public let selection: Selection
    public let maxRounds: Int
    /// Ends the chat when a participant's message contains it (e.g. a critic's "APPROVED").
    public let terminationPhrase: String?
    /// Whose last message is the workflow's answer; the last speaker's when nil.
    public let outputAgent: String?

    public init(
        name: String, agents: [Agent], selection: Selection, maxRounds: Int = 6, terminationPhrase: String? = nil,
        outputAgent: String? = nil
    ) {
        precondition(!agents.isEmpty, "a group chat needs at least one agent")
        precondition(maxRounds > 0, "a group chat needs at least one round")
        self.name = name
        self.agents = agents
        self.selection = selection
        self.maxRounds = maxRounds
        self.terminationPhrase = terminationPhrase
        self.outputAgent = outputAgent
    }

    public var participants: [String] {
        if case let .manager(manager) = selection { return [manager.name] + agents.map(\.name) }
        return agents.map(\.name)
    }

    /// The manager with a turn edge to each participant; round-robin, a ring of turns.
    public var graph: WorkflowGraph {
        let names = agents.map(\.name)
        switch selection {
        case let .manager(manager):
            return WorkflowGraph(
                kind: .groupChat,
                nodes: [WorkflowGraph.Node(id: manager.name, kind: .manager)] + names.map { WorkflowGraph.Node(id: $0) },
                edges: names.map { WorkflowGraph.Edge(manager.name, $0, kind: .turn) }, start: manager.name)
        case .roundRobin:
            let ring = names.count > 1 ? zip(names, names.dropFirst() + [names[0]]).map { WorkflowGraph.Edge($0, $1, kind: .turn) } : []
            return WorkflowGraph(kind: .groupChat, nodes: names.map { WorkflowGraph.Node(id: $0) }, edges: ring)
        }
    }

    /// Words a manager may answer with to end the chat.
    static let endWords: Set<String> = ["done", "terminate", "end", "finish", "finished", "stop"]

    public func execute(prompt: String, sink: WorkflowEventSink) async throws -> WorkflowAnswer {
        var conversation = [ChatMessage.user(prompt)]
        var usage = Usage.zero
        var previous: String?
        var answers: [(agent: String, text: String)] = []

        for round in 0..<maxRounds {
            let roundRobin = agents[round % agents.count]
            let speaker: Agent
            var reason: String
            switch selection {
            case .roundRobin:
                speaker = roundRobin
                reason = "round-robin turn \(round + 1)"
            case let .manager(manager):
                let managerAgent = managerWithRoster(manager)
                let choice = try await AgentTurn(
                    agent: managerAgent, sink: sink, context: .manager(participants: agents.map(\.name))
                ).run(conversation: conversation)
                usage = usage + choice.usage
                switch interpret(choice.text) {
                case .end:
                    return answer(from: answers, usage: usage)
                case let .speaker(chosen):
                    speaker = chosen
                    reason = "chosen by \(manager.name)"
                case .invalid:
                    let shown = choice.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    sink.emit(.warning(
                        agent: manager.name,
                        message: "\(manager.name) chose \"\(shown.prefix(60))\", which is not a participant; "
                            + "falling back to round-robin (\(roundRobin.name))"))
                    speaker = roundRobin
                    reason = "round-robin fallback"
                }
            }
            sink.emit(.transition(from: previous, to: speaker.name, reason: reason))
            let result = try await AgentTurn(agent: speaker, sink: sink).run(conversation: conversation)
            usage = usage + result.usage
            conversation.append(.assistant(result.text, author: speaker.name))
            answers.append((speaker.name, result.text))
            previous = speaker.name
            if let phrase = terminationPhrase, result.text.localizedCaseInsensitiveContains(phrase) {
                break
            }
        }
        return answer(from: answers, usage: usage)
    }

    private func answer(from answers: [(agent: String, text: String)], usage: Usage) -> WorkflowAnswer {
        let chosen = outputAgent.flatMap { name in answers.last { $0.agent == name } } ?? answers.last
        return WorkflowAnswer(agent: chosen?.agent, text: chosen?.text ?? "", usage: usage)
    }

    private func managerWithRoster(_ manager: Agent) -> Agent {
        var agent = manager
        agent.instructions += "\n\nParticipants: \(agents.map(\.name).joined(separator: ", ")).\n"
            + "Reply with only the name of the participant who should speak next, or DONE when the task is complete."
        agent.tools = []
        return agent
    }

    enum Choice {
        case speaker(Agent)
        case end
        case invalid
    }

    /// Reads a manager's reply: an exact name (any case, surrounding punctuation ignored), an end word, or a reply
    /// that mentions exactly one participant.
    func interpret(_ reply: String) -> Choice {
        let trimmed = reply.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
        if let exact = agents.first(where: { $0.name.caseInsensitiveCompare(trimmed) == .orderedSame }) {
            return .speaker(exact)
        }
        if Self.endWords.contains(trimmed.lowercased()) { return .end }
        let mentioned = agents.filter { reply.range(of: $0.name, options: .caseInsensitive) != nil }
        if mentioned.count == 1 { return .speaker(mentioned[0]) }
        return .invalid
    }
}

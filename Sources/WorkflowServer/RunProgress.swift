import WorkflowCore

/// How far a run got, worked out from its events as they are published: its state, the agents that started, the
/// one speaking now, tokens and tool calls. One value that the record, the runs feed and the store all read.
struct RunProgress: Sendable, Hashable {
    var state: RunState = .running
    var agents: [String] = []
    var currentAgent: String?
    var usage = Usage.zero
    var toolCalls = 0

    mutating func apply(_ event: WorkflowEvent) {
        switch event.kind {
        case let .agentStarted(agent):
            if !agents.contains(agent) { agents.append(agent) }
            currentAgent = agent
        case let .transition(_, to, _): currentAgent = to
        case .toolCallStarted: toolCalls += 1
        case let .agentCompleted(_, usage?, _, _): self.usage = self.usage + usage
        case let .runCompleted(_, usage, _) where usage.totalTokens > 0: self.usage = usage
        default: break
        }
        guard event.isTerminal else { return }
        switch event.kind {
        case .runCompleted: state = .completed
        case .runCancelled: state = .cancelled
        default: state = .failed
        }
    }
}

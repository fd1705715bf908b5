/// What part an agent's call plays in its workflow, so an in-process model (the scripted one) can act its role
/// from structure rather than by reading prompts meant for real models.
public enum TurnContext: Sendable, Hashable {
    /// An ordinary turn.
    case participant
    /// A group chat's manager choosing the next speaker from `participants` (or ending the chat).
    case manager(participants: [String])
    /// A handoff workflow's turn: the agents this one may hand off to, by name, with what each does. The tool
    /// for a target is `HandoffWorkflow.toolName(for:)`.
    case handoff(targets: [String: String])
}

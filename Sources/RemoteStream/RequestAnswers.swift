import WorkflowCore

/// Answers an attached run's requests for a person over the protocol the run speaks, so the dashboard's answer
/// (`DashboardEffect.answer`) reaches the run wherever it lives: flowtop's answer route
/// (`FlowtopRequestAnswers`), or a follow-up response in DevUI's conversation (`DevUIRequestAnswers`).
public protocol RequestAnswers: Sendable {
    /// Sees every event of the stream (some answerers learn the run's id from its `runStarted`).
    func observe(_ event: WorkflowEvent)
    /// Sends the answer; nil when the run took it, else why not, in words for the dashboard's warnings. The run's
    /// own events show the resolution either way.
    func send(_ requestId: String, _ response: HumanResponse) async -> String?
}

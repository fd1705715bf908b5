/// A topology of agents that turns a prompt into events and an answer.
public protocol Workflow: Sendable {
    /// The workflow's name (a preset's or a file's).
    var name: String { get }
    /// Agent names in the order a viewer should lay them out.
    var participants: [String] { get }
    /// The executors and the edges between them, for the dashboard's map (a chain of the participants unless the
    /// workflow says otherwise).
    var graph: WorkflowGraph { get }
    /// Runs the workflow, emitting events as it goes (not the run's start and end, which `WorkflowRunner` emits),
    /// and returns the final answer.
    func execute(prompt: String, sink: WorkflowEventSink) async throws -> WorkflowAnswer
}

public struct WorkflowAnswer: Sendable, Hashable {
    public var agent: String?
    public var text: String
    public var usage: Usage

    public init(agent: String?, text: String, usage: Usage) {
        self.agent = agent
        self.text = text
        self.usage = usage
    }
}

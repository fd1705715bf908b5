import WorkflowCore

/// The workflows a client may ask for by name. Requests name workflows, never files: a server must not open paths
/// that arrive over HTTP.
public struct WorkflowCatalog: Sendable {
    /// The workflow used when a request names none.
    public var defaultName: String
    private var workflows: [String: any Workflow]

    public init(defaultName: String, workflows: [String: any Workflow]) {
        precondition(workflows[defaultName] != nil, "the default workflow must be in the catalog")
        self.defaultName = defaultName
        self.workflows = workflows
    }

    /// The workflow called `name` (the default when nil).
    public func workflow(named name: String?) -> (any Workflow)? {
        workflows[name ?? defaultName]
    }

    /// Known names, sorted, for the 404 answer.
    public var names: [String] { workflows.keys.sorted() }
}

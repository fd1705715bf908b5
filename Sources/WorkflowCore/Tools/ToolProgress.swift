/// How far a running tool call has got, as a tool reports it (MCP servers' progress notifications).
public struct ToolProgress: Sendable, Hashable {
    public var progress: Double
    /// The amount `progress` counts towards, when the tool knows it.
    public var total: Double?
    public var message: String?

    public init(progress: Double, total: Double? = nil, message: String? = nil) {
        self.progress = progress
        self.total = total
        self.message = message
    }
}

/// Where a tool body reports progress: the agent loop binds it for each call to the call's timeline entry. A
/// task-local rather than a body parameter, so tools that report nothing stay plain closures.
public enum ToolProgressReporting {
    @TaskLocal public static var report: (@Sendable (ToolProgress) -> Void)?
}

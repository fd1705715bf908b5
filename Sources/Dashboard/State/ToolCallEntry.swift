import WorkflowCore

/// One tool call in the timeline.
public struct ToolCallEntry: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        case running
        case succeeded
        case failed
    }

    public var callId: String
    public var agent: String
    public var tool: String
    public var arguments: String
    /// Seconds since 1970, from the event.
    public var startedAt: Double
    public var status: Status = .running
    public var durationMs: Double?
    public var result: String?
    /// The latest progress the tool reported while running.
    public var progress: ToolProgress?

    public init(callId: String, agent: String, tool: String, arguments: String, startedAt: Double) {
        self.callId = callId
        self.agent = agent
        self.tool = tool
        self.arguments = arguments
        self.startedAt = startedAt
    }

    /// `location=Seattle, days=3` from JSON arguments; the raw text when they are not a JSON object.
    public var argumentsSummary: String {
        guard let data = arguments.data(using: .utf8),
            let object = try? JSONDisplay.object(data)
        else { return arguments.replacingOccurrences(of: "\n", with: " ") }
        return object.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }
}

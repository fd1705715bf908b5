/// What a model is told about a tool: its name, what it does and its JSON-schema parameters.
public struct ToolDefinition: Sendable, Hashable {
    public var name: String
    public var description: String
    public var parameters: JSONValue

    public init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// A tool an agent can call: a definition and an async body that gets the parsed arguments and returns text.
public struct Tool: Sendable {
    public var definition: ToolDefinition
    /// The MCP server the tool comes from; nil for a built-in.
    public var server: String?
    /// Whether each call waits for a person's approval before it runs (a workflow file's `approval: always`).
    public var approval: ApprovalMode = .never
    public var body: @Sendable (JSONValue) async throws -> String

    public init(
        name: String, description: String, parameters: JSONValue, server: String? = nil,
        body: @escaping @Sendable (JSONValue) async throws -> String
    ) {
        self.definition = ToolDefinition(name: name, description: description, parameters: parameters)
        self.server = server
        self.body = body
    }

    public var name: String { definition.name }

    /// The name the timeline shows: `time.get_current_time` for a server's tool (the model calls it by its own
    /// name, as the server lists it), the plain name for a built-in.
    public var qualifiedName: String { server.map { "\($0).\(name)" } ?? name }
}

/// A tool failure the model should see as the tool's result (bad arguments, a failed lookup).
public struct ToolError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

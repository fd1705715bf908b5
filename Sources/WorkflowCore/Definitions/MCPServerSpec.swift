/// An MCP server a workflow file names under `mcp:`: how to reach it, as plain values. WorkflowCore only describes
/// servers; starting them and speaking MCP is the MCPTools module's job, which hands back `Tool` values.
public struct MCPServerSpec: Sendable, Hashable {
    public enum Transport: Sendable, Hashable {
        /// A local process that speaks MCP on its standard input and output.
        case stdio(command: String, arguments: [String], environment: [String: String], workingDirectory: String?)
        /// A remote server over MCP's streamable HTTP transport.
        case http(url: String, headers: [String: String])
    }

    /// The key under `mcp:`, which agents' `tools:` use as `name.tool` or `name.*`.
    public var name: String
    public var transport: Transport
    /// The longest one tool call may take before it fails as timed out.
    public var callTimeout: Duration

    public static let defaultCallTimeout: Duration = .seconds(60)

    public init(name: String, transport: Transport, callTimeout: Duration = defaultCallTimeout) {
        self.name = name
        self.transport = transport
        self.callTimeout = callTimeout
    }
}

/// One entry of an agent's `tools:`: a built-in tool, one tool of an MCP server, or all of a server's tools.
public enum ToolReference: Sendable, Hashable, CustomStringConvertible {
    case builtin(String)
    case server(String, tool: String)
    case allOf(server: String)

    /// `get_weather`, `time.get_current_time` or `time.*`; text with a dot names a server.
    public init(_ text: String) {
        guard let dot = text.firstIndex(of: ".") else {
            self = .builtin(text)
            return
        }
        let server = String(text[..<dot])
        let tool = String(text[text.index(after: dot)...])
        self = tool == "*" ? .allOf(server: server) : .server(server, tool: tool)
    }

    public var server: String? {
        switch self {
        case .builtin: return nil
        case let .server(server, _), let .allOf(server): return server
        }
    }

    public var description: String {
        switch self {
        case let .builtin(name): return name
        case let .server(server, tool): return "\(server).\(tool)"
        case let .allOf(server): return "\(server).*"
        }
    }
}

/// The tools the workflow's MCP servers offer, by server name, as their servers listed them. The seam between
/// WorkflowCore and whatever speaks MCP: `WorkflowDefinition.build` picks each agent's tools from here.
public struct ServerTools: Sendable {
    public var byServer: [String: [Tool]]

    public init(_ byServer: [String: [Tool]] = [:]) {
        self.byServer = byServer
    }

    public static let none = ServerTools()
}

/// An agent's `tools:` entry that the servers do not satisfy, or two tools the model could not tell apart.
public struct ToolResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension WorkflowDefinition {
    /// The tools `spec` gets: its built-ins and the MCP tools its `tools:` names, in the order it names them.
    /// Fails when a server lacks a named tool or two tools share a name (the model calls tools by name).
    public func tools(
        for spec: AgentSpec, serverTools: ServerTools, toolLatency: Duration = .zero
    ) throws(ToolResolutionError) -> [Tool] {
        var tools: [Tool] = []
        func add(_ tool: Tool) throws(ToolResolutionError) {
            let tool = spec.applyingApproval(to: tool)
            if let other = tools.first(where: { $0.name == tool.name }) {
                guard other.qualifiedName != tool.qualifiedName else { return }
                throw ToolResolutionError(
                    "\(spec.name) would get two tools named \(tool.name) (\(other.qualifiedName) and "
                        + "\(tool.qualifiedName)); name only one of them in its tools")
            }
            tools.append(tool)
        }
        for text in spec.tools {
            switch ToolReference(text) {
            case let .builtin(name):
                if let tool = BuiltinTools.named(name, latency: toolLatency) { try add(tool) }
            case let .allOf(server):
                for tool in serverTools.byServer[server] ?? [] { try add(tool) }
            case let .server(server, name):
                guard let offered = serverTools.byServer[server] else {
                    throw ToolResolutionError("\(spec.name) names \(text), but the MCP server \(server) is not running")
                }
                guard let tool = offered.first(where: { $0.name == name }) else {
                    let known = offered.map(\.name).joined(separator: ", ")
                    throw ToolResolutionError(
                        "the MCP server \(server) has no tool \(name) (named by \(spec.name)); it offers: "
                            + (known.isEmpty ? "no tools" : known))
                }
                try add(tool)
            }
        }
        return tools
    }

    /// Checks every agent's tools against `serverTools`, so a run fails before it starts rather than mid-way.
    public func checkTools(_ serverTools: ServerTools) throws(ToolResolutionError) {
        for spec in allAgents + (kind == .groupChat && selection == .manager && manager == nil ? [Self.defaultManager] : []) {
            _ = try tools(for: spec, serverTools: serverTools)
        }
    }

    /// The MCP servers some agent's `tools:` names: the ones a run has to start.
    public var serversInUse: [MCPServerSpec] {
        let named = Set(allAgents.flatMap { $0.tools.compactMap { ToolReference($0).server } })
        return mcpServers.filter { named.contains($0.name) }
    }
}

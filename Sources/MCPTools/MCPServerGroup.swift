import Foundation
import WorkflowCore

/// The MCP servers one run uses: started together when the run needs them, their tools turned into `Tool`
/// values for `WorkflowDefinition.build`, stopped together when the run ends.
public actor MCPServerGroup {
    public nonisolated let clients: [MCPServerClient]
    /// Each server's tools as it listed them, by server name.
    public nonisolated let definitions: [String: [ToolDefinition]]

    private init(clients: [MCPServerClient], definitions: [String: [ToolDefinition]]) {
        self.clients = clients
        self.definitions = definitions
    }

    /// Starts `specs` at once and lists their tools. When one fails, the others are stopped and its error thrown.
    public static func start(
        _ specs: [MCPServerSpec], logDirectory: URL = MCPLogDirectory.default()
    ) async throws(MCPServerError) -> MCPServerGroup {
        let outcomes = await withTaskGroup(of: Result<(MCPServerClient, [ToolDefinition]), MCPServerError>.self) { group in
            for spec in specs {
                group.addTask {
                    do throws(MCPServerError) {
                        let client = try await MCPServerClient.start(spec, logDirectory: logDirectory)
                        do throws(MCPServerError) {
                            return .success((client, try await client.listTools()))
                        } catch {
                            await client.stop()
                            return .failure(error)
                        }
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var outcomes: [Result<(MCPServerClient, [ToolDefinition]), MCPServerError>] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        var started: [(MCPServerClient, [ToolDefinition])] = []
        var firstFailure: MCPServerError?
        for outcome in outcomes {
            switch outcome {
            case let .success(pair): started.append(pair)
            case let .failure(error): firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure {
            for (client, _) in started { await client.stop() }
            throw firstFailure
        }
        let order = specs.map(\.name)
        started.sort { order.firstIndex(of: $0.0.spec.name)! < order.firstIndex(of: $1.0.spec.name)! }
        var definitions: [String: [ToolDefinition]] = [:]
        for (client, tools) in started { definitions[client.spec.name] = tools }
        return MCPServerGroup(clients: started.map(\.0), definitions: definitions)
    }

    /// Every server's tools as `Tool` values: arguments checked against the tool's schema first, the result's
    /// text returned, an `isError` result or a server failure thrown as the tool's error.
    public nonisolated var serverTools: ServerTools {
        var byServer: [String: [Tool]] = [:]
        for client in clients {
            byServer[client.spec.name] = (definitions[client.spec.name] ?? []).map { MCPServerGroup.tool($0, of: client) }
        }
        return ServerTools(byServer)
    }

    static func tool(_ definition: ToolDefinition, of client: MCPServerClient) -> Tool {
        let validator = JSONSchemaValidator(schema: definition.parameters)
        let name = definition.name
        return Tool(
            name: name, description: definition.description, parameters: definition.parameters, server: client.spec.name
        ) { arguments in
            let problems = validator.problems(in: arguments)
            guard problems.isEmpty else {
                throw ToolError("the arguments do not fit \(name)'s schema: " + problems.joined(separator: "; "))
            }
            let result = try await client.call(name, arguments: arguments, progress: ToolProgressReporting.report)
            if result.isError { throw ToolError(result.text) }
            return result.text
        }
    }

    public func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { await client.stop() } }
        }
    }
}

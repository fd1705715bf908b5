import ArgumentParser
import Foundation
import HTTPExchange
import MCPTools
import WorkflowCore

struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "List the tools each agent of a workflow gets, starting its MCP servers to check they answer.",
        discussion: """
            Starts every MCP server the workflow's agents name, lists its tools (names, descriptions, parameters \
            as the server publishes them), then stops it. Exits non-zero, saying why, when a server does not start \
            or answer, or an agent names a tool its server does not have.

              flowtop tools workflows/examples/mcp-time.yaml
            """
    )

    @Argument(help: "A preset name or a workflow file.")
    var workflow: String

    @Flag(help: "Print each tool's whole JSON schema instead of one line per parameter.")
    var schema = false

    func run() async throws {
        let definition: WorkflowDefinition
        do {
            definition = try WorkflowDefinitionLoader.resolve(workflow)
        } catch {
            throw CommandLineFailure("\(error)").exit()
        }
        let specs = definition.serversInUse
        var group: MCPServerGroup?
        if !specs.isEmpty {
            print("Starting \(specs.count) MCP server\(specs.count == 1 ? "" : "s")…")
            do {
                group = try await MCPServerGroup.start(specs)
            } catch {
                throw CommandLineFailure("\(error)").exit()
            }
        }
        let serverTools = group?.serverTools ?? .none
        for client in group?.clients ?? [] {
            let count = serverTools.byServer[client.spec.name]?.count ?? 0
            var line = "  \(client.spec.name): \(Self.where(client.spec)), answered, \(count) tool\(count == 1 ? "" : "s")"
            if let log = client.logPath { line += "; stderr in \(log)" }
            print(line)
        }
        if group != nil { print("") }
        var failure: ToolResolutionError?
        for spec in definition.allAgents {
            print(spec.name)
            let tools: [Tool]
            do {
                tools = try definition.tools(for: spec, serverTools: serverTools)
            } catch {
                print("  error: \(error)")
                failure = failure ?? error
                continue
            }
            if case let .human(question, _) = spec.kind {
                print("  (a person, asked: \(question))")
                continue
            }
            if tools.isEmpty { print("  (no tools)") }
            for tool in tools { describe(tool) }
        }
        await group?.stop()
        if let failure { throw CommandLineFailure("\(definition.name): \(failure)").exit() }
    }

    private func describe(_ tool: Tool) {
        let origin = tool.server.map { "MCP server \($0)" } ?? "built in"
        print("  \(tool.qualifiedName)  [\(origin)\(tool.approval == .always ? ", needs approval" : "")]")
        if !tool.definition.description.isEmpty {
            let summary = tool.definition.description.split(separator: "\n").first.map(String.init) ?? ""
            print("      \(summary)")
        }
        if schema {
            print("      schema: \(tool.definition.parameters.jsonText)")
            return
        }
        let parameters = tool.definition.parameters
        let required = Set((parameters["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        let properties = parameters["properties"]?.objectValue ?? [:]
        if properties.isEmpty { print("      (no parameters)") }
        for name in properties.keys.sorted() {
            let property = properties[name]!
            let type = property["type"]?.stringValue ?? property["type"]?.jsonText ?? "any"
            var line = "      \(name): \(type)" + (required.contains(name) ? " (required)" : "")
            if let choices = property["enum"]?.arrayValue { line += " one of \(choices.map(\.jsonText).joined(separator: ", "))" }
            if let text = property["description"]?.stringValue {
                line += " — " + (text.split(separator: "\n").first.map(String.init) ?? "")
            }
            print(line)
        }
    }

    /// How the server is reached, without its environment or headers (they may hold secrets).
    static func `where`(_ spec: MCPServerSpec) -> String {
        switch spec.transport {
        case let .stdio(command, arguments, environment, _):
            let shown = ([command] + arguments).joined(separator: " ")
            let names = environment.keys.sorted()
            return "stdio \(shown)" + (names.isEmpty ? "" : " (env: \(names.joined(separator: ", ")))")
        case let .http(url, headers):
            let names = headers.keys.sorted()
            return "streamable HTTP \(URL.redactedDescription(of: url))"
                + (names.isEmpty ? "" : " (headers: \(names.joined(separator: ", ")))")
        }
    }
}

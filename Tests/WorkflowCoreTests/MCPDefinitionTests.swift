import Foundation
import Synchronization
import Testing
@testable import WorkflowCore

private let timeWorkflow = """
    name: t
    kind: sequential
    mcp:
      time:
        command: mcp-server-time
        args: [--local-timezone, UTC]
        env: {TOKEN: "${SECRET_TOKEN}"}
        timeout: 5
      remote:
        url: http://127.0.0.1:8000/mcp
        headers: {Authorization: Bearer abc}
    agents:
      - name: Researcher
        instructions: Research with tools.
        tools: [time.get_current_time, get_weather]
      - name: Writer
        instructions: Write.
    """

/// A tool as a server would list it: mcp-server-time's get_current_time, answering from a closure.
private func serverTool(_ name: String = "get_current_time", server: String = "time", seen: ArgumentLog? = nil) -> Tool {
    Tool(
        name: name, description: "Get current time in a specific timezone",
        parameters: [
            "type": "object",
            "properties": ["timezone": ["type": "string", "description": "IANA timezone name"]],
            "required": ["timezone"],
        ],
        server: server
    ) { arguments in
        seen?.append(arguments)
        return "{\"timezone\": \"\(arguments["timezone"]?.stringValue ?? "?")\", \"datetime\": \"2026-12-02T09:00:00+09:00\"}"
    }
}

/// The arguments a tool was called with.
private final class ArgumentLog: Sendable {
    private let storage = Mutex<[JSONValue]>([])
    func append(_ arguments: JSONValue) { storage.withLock { $0.append(arguments) } }
    var all: [JSONValue] { storage.withLock { $0 } }
}

@Suite("MCP servers in workflow definitions")
struct MCPDefinitionTests {
    @Test func mcpServersAreReadWithTheirTransportAndTimeout() throws {
        let definition = try WorkflowDefinitionLoader.parse(timeWorkflow, file: "t.yaml")
        #expect(definition.mcpServers.map(\.name) == ["time", "remote"])
        #expect(definition.mcpServers[0].transport == .stdio(
            command: "mcp-server-time", arguments: ["--local-timezone", "UTC"], environment: ["TOKEN": "${SECRET_TOKEN}"],
            workingDirectory: nil))
        #expect(definition.mcpServers[0].callTimeout == .seconds(5))
        #expect(definition.mcpServers[1].transport == .http(url: "http://127.0.0.1:8000/mcp", headers: ["Authorization": "Bearer abc"]))
        #expect(definition.mcpServers[1].callTimeout == MCPServerSpec.defaultCallTimeout)
    }

    @Test func onlyTheServersAgentsNameAreInUse() throws {
        let definition = try WorkflowDefinitionLoader.parse(timeWorkflow, file: "t.yaml")
        #expect(definition.serversInUse.map(\.name) == ["time"])
    }

    @Test func aToolOfAnUndefinedServerIsAnErrorAtItsLine() {
        let error = DefinitionTests.error("""
            name: t
            kind: sequential
            agents:
              - name: A
                instructions: x
                tools: [git.log]
            """)
        #expect(error?.description == "bad.yaml:6:13: \"git.log\" names the MCP server \"git\", which mcp: does not define (there is no mcp: section)")
    }

    @Test func aServerWithBothCommandAndURLIsAnError() {
        let error = DefinitionTests.error("""
            name: t
            kind: sequential
            mcp:
              time: {command: x, url: "http://a/mcp"}
            agents:
              - {name: A, instructions: x}
            """)
        #expect(error?.message == "the MCP server time has both command and url; give one")
    }

    @Test func aStdioServerRejectsHTTPKeys() {
        let error = DefinitionTests.error("""
            name: t
            kind: sequential
            mcp:
              time: {command: x, headers: {A: b}}
            agents:
              - {name: A, instructions: x}
            """)
        #expect(error?.message.hasPrefix("unknown key \"headers\" in the MCP server time") == true)
    }

    @Test func aServerNameWithADotIsAnError() {
        let error = DefinitionTests.error("""
            name: t
            kind: sequential
            mcp:
              my.time: {command: x}
            agents:
              - {name: A, instructions: x}
            """)
        #expect(error?.message.contains("may have only letters, digits, _ and -") == true)
    }

    @Test func aWildcardGivesTheAgentEveryToolOfTheServer() throws {
        let definition = try WorkflowDefinitionLoader.parse(
            timeWorkflow.replacingOccurrences(of: "[time.get_current_time, get_weather]", with: "[time.*]"), file: "t.yaml")
        let tools: [Tool] = try definition.tools(
            for: definition.agents[0], serverTools: ServerTools(["time": [serverTool(), serverTool("convert_time")]]))
        #expect(tools.map(\.qualifiedName) == ["time.get_current_time", "time.convert_time"])
    }

    @Test func aToolTheServerLacksIsAResolutionErrorListingWhatItOffers() throws {
        let definition = try WorkflowDefinitionLoader.parse(timeWorkflow, file: "t.yaml")
        let error = #expect(throws: ToolResolutionError.self) {
            try definition.checkTools(ServerTools(["time": [serverTool("convert_time")]]))
        }
        #expect(error?.message == "the MCP server time has no tool get_current_time (named by Researcher); it offers: convert_time")
    }

    @Test func twoServersToolsWithOneNameAreAResolutionError() throws {
        let definition = try WorkflowDefinitionLoader.parse(
            timeWorkflow.replacingOccurrences(of: "[time.get_current_time, get_weather]", with: "[time.*, remote.*]"),
            file: "t.yaml")
        let error = #expect(throws: ToolResolutionError.self) {
            try definition.checkTools(ServerTools(["time": [serverTool()], "remote": [serverTool(server: "remote")]]))
        }
        #expect(error?.message.contains("two tools named get_current_time (time.get_current_time and remote.get_current_time)") == true)
    }

    @Test func theScriptedResearcherCallsAServerToolWithArgumentsFromItsSchema() async throws {
        let seen = ArgumentLog()
        let definition = try WorkflowDefinitionLoader.parse(timeWorkflow, file: "t.yaml")
        let workflow = definition.build(
            client: ScriptedChatClient(), serverTools: ServerTools(["time": [serverTool(seen: seen)]]))
        let events = await run(workflow, "What time is it in Tokyo? Write a haiku")
        #expect(seen.all == [["timezone": "Asia/Tokyo"]])
        #expect(outline(events).contains("result Researcher time.get_current_time"))
        #expect(text(of: "Researcher", in: events).contains("2026-12-02T09:00:00+09:00"))
    }

    @Test func aPromptWithoutAKnownPlaceAsksForUTC() {
        let arguments = SchemaArguments(place: "Atlantis", prompt: "x").arguments(for: serverTool().definition.parameters)
        #expect(arguments == ["timezone": "UTC"])
    }
}

@Suite("Tool progress")
struct ToolProgressTests {
    @Test func progressAToolReportsBecomesEventsOfItsCallBeforeItsResult() async throws {
        let counting = Tool(name: "count", description: "Counts.", parameters: ["type": "object"], server: "test") { _ in
            for step in 1...2 { ToolProgressReporting.report?(ToolProgress(progress: Double(step), total: 2, message: "step \(step)")) }
            return "counted"
        }
        let definition = try WorkflowDefinitionLoader.parse("""
            name: t
            kind: sequential
            mcp:
              test: {command: unused}
            agents:
              - {name: Researcher, instructions: Research with tools., tools: [test.count]}
            """, file: "t.yaml")
        let events = await run(definition.build(client: ScriptedChatClient(), serverTools: ServerTools(["test": [counting]])), "Count")
        let lines = outline(events)
        let first = try #require(lines.firstIndex(of: "progress Researcher 1.0"))
        #expect(lines[first + 1] == "progress Researcher 2.0")
        #expect(lines[first + 2] == "result Researcher test.count")
        let callIds = events.compactMap { event -> String? in
            if case let .toolProgress(_, callId, _) = event.kind { return callId }
            if case let .toolResult(info) = event.kind { return info.callId }
            return nil
        }
        #expect(Set(callIds).count == 1)
    }

    @Test func progressIsShownAsACountOrAPercentage() {
        #expect(ToolProgress(progress: 2, total: 5, message: "indexing").summary == "2/5 · indexing")
        #expect(ToolProgress(progress: 0.5, total: 2).amount == "25%")
        #expect(ToolProgress(progress: 7).amount == "7")
    }
}

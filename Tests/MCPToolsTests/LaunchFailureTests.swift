import Foundation
import MCPTools
import Testing
import WorkflowCore

/// Servers that cannot start or misbehave, on plain processes: no venv needed.
@Suite struct LaunchFailureTests {
    @Test func aLineThatIsNotJSONRPCMidCallFailsTheCallNamingTheServer() async throws {
        let script = try #require(Bundle.module.url(forResource: "raw_jsonrpc_server", withExtension: "py", subdirectory: "Fixtures"))
        let spec = MCPServerSpec(
            name: "noisy",
            transport: .stdio(command: "python3", arguments: [script.path], environment: [:], workingDirectory: nil))
        let client = try await MCPServerClient.start(spec, logDirectory: FileManager.default.temporaryDirectory)
        let error = await #expect(throws: MCPServerError.self) { try await client.call("garble", arguments: [:]) }
        await client.stop()
        #expect(error?.reason == .invalidMessage("\"this is not JSON-RPC\""))
        #expect(error?.description.hasPrefix("MCP server noisy: sent something that is not JSON-RPC: \"this is not JSON-RPC\"") == true)
    }

    @Test func aCommandThatIsNotOnPathIsALaunchErrorNamingTheServer() async {
        let spec = MCPServerSpec(
            name: "ghost",
            transport: .stdio(command: "flowtop-no-such-mcp-server", arguments: [], environment: [:], workingDirectory: nil))
        let error = await #expect(throws: MCPServerError.self) {
            try await MCPServerClient.start(spec, logDirectory: FileManager.default.temporaryDirectory)
        }
        #expect(error?.description == "MCP server ghost: cannot start: no executable flowtop-no-such-mcp-server on PATH")
    }

    @Test func aProcessThatPrintsGarbageAtStartIsNamedAsSendingInvalidJSONRPC() async {
        let spec = MCPServerSpec(
            name: "chatty",
            transport: .stdio(
                command: "/bin/sh", arguments: ["-c", "echo 'Server ready!'; sleep 30"], environment: [:], workingDirectory: nil))
        let error = await #expect(throws: MCPServerError.self) {
            try await MCPServerClient.start(spec, logDirectory: FileManager.default.temporaryDirectory)
        }
        #expect(error?.reason == .invalidMessage("\"Server ready!\""))
    }

    @Test func aSecretInAHeaderIsNotInTheErrorForAnUnreachableServer() async {
        let spec = MCPServerSpec(
            name: "remote", transport: .http(url: "http://127.0.0.1:9/mcp", headers: ["Authorization": "Bearer sk-very-secret-1234"]),
            callTimeout: .seconds(5))
        let error = await #expect(throws: MCPServerError.self) {
            try await MCPServerClient.start(spec, logDirectory: FileManager.default.temporaryDirectory, startTimeout: .seconds(5))
        }
        #expect(error?.description.hasPrefix("MCP server remote: ") == true)
        #expect(error?.description.contains("sk-very-secret") == false)
    }
}

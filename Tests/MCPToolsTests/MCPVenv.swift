import Foundation
import MCPTools
import Testing
import WorkflowCore

/// The venv `.ci/run` creates with real MCP servers from PyPI (mcp-server-time, mcp-server-git) and the `mcp`
/// package for the test server of Fixtures/. Tests that start servers run when `FLOWTOP_MCP_VENV` names it; a
/// plain `swift test` skips them and says how to run them.
enum MCPVenv {
    static let path = ProcessInfo.processInfo.environment["FLOWTOP_MCP_VENV"]
    static let available = path.map { FileManager.default.isExecutableFile(atPath: $0 + "/bin/python") } ?? false
    static let skipNote = "needs the MCP venv: .ci/run creates it (or scripts/mcp-venv DIR), then FLOWTOP_MCP_VENV=DIR swift test"

    static func bin(_ name: String) -> String { (path ?? "") + "/bin/" + name }

    static var testServerScript: String {
        Bundle.module.url(forResource: "flowtop_test_server", withExtension: "py", subdirectory: "Fixtures")!.path
    }

    /// The test server of Fixtures/ over stdio.
    static func testServer(_ name: String = "test", timeout: Duration = .seconds(20)) -> MCPServerSpec {
        MCPServerSpec(
            name: name,
            transport: .stdio(command: bin("python"), arguments: [testServerScript, "stdio"], environment: [:], workingDirectory: nil),
            callTimeout: timeout)
    }

    static func time() -> MCPServerSpec {
        MCPServerSpec(
            name: "time",
            transport: .stdio(command: bin("mcp-server-time"), arguments: [], environment: [:], workingDirectory: nil))
    }

    /// A log directory of the test's own, so tests never append to the user's logs.
    static func logDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-mcp-tests-\(UUID().uuidString)")
    }

    /// Starts `spec`, hands `body` the client, and stops the server whatever `body` does.
    static func with<R: Sendable>(
        _ spec: MCPServerSpec, _ body: @Sendable (MCPServerClient) async throws -> R
    ) async throws -> R {
        let client = try await MCPServerClient.start(spec, logDirectory: logDirectory())
        do {
            let value = try await body(client)
            await client.stop()
            return value
        } catch {
            await client.stop()
            throw error
        }
    }
}

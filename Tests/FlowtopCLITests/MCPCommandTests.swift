import Foundation
import Testing

/// The example workflow of the README, with its MCP server taken from the venv `.ci/run` creates.
private let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("workflows/examples/mcp-time.yaml").path

private var venvPath: String? { ProcessInfo.processInfo.environment["FLOWTOP_MCP_VENV"] }
private var venvAvailable: Bool { venvPath.map { FileManager.default.isExecutableFile(atPath: $0 + "/bin/mcp-server-time") } ?? false }
private let venvNote = "needs the MCP venv: .ci/run creates it (or scripts/mcp-venv DIR), then FLOWTOP_MCP_VENV=DIR swift test"

/// PATH with the venv's bin first, so the example's `command: mcp-server-time` is found.
private func venvEnvironment() -> [String: String?] {
    ["PATH": (venvPath ?? "") + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
     "XDG_STATE_HOME": FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-cli-mcp").path]
}

@Suite struct MCPCommandTests {
    @Test func toolsExitsNonZeroNamingAServerThatWillNotStart() async throws {
        let result = try await FlowtopBinary.run(["tools", example], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("flowtop: error: MCP server time: cannot start: no executable mcp-server-time on PATH"))
    }

    @Test(.enabled(if: venvAvailable, Comment(rawValue: venvNote)))
    func toolsListsEachAgentsToolsWithItsServerAndParameters() async throws {
        let result = try await FlowtopBinary.run(["tools", example], environment: venvEnvironment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("time: stdio mcp-server-time, answered, 2 tools"))
        #expect(result.stdout.contains("time.get_current_time  [MCP server time]"))
        #expect(result.stdout.contains("timezone: string (required)"))
        #expect(result.stdout.contains("Writer\n  (no tools)"))
    }

    @Test(.enabled(if: venvAvailable, Comment(rawValue: venvNote)))
    func theScriptedDemoShowsTheTimeTheRealServerReturned() async throws {
        let result = try await FlowtopBinary.run(
            ["demo", "--plain", "--pace", "instant", "--workflow", example, "--prompt", "What time is it in Tokyo?"],
            environment: venvEnvironment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("⚙ time.get_current_time({\"timezone\":\"Asia/Tokyo\"})"))
        // The server's own answer: an ISO 8601 time with Tokyo's offset.
        #expect(result.stdout.contains(#/"datetime": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00"/#))
    }
}

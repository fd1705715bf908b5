import Foundation
import MCPTools
import Testing
import WorkflowCore

@Suite("MCP servers from PyPI over stdio", .serialized, .enabled(if: MCPVenv.available, Comment(rawValue: MCPVenv.skipNote)))
struct StdioServerTests {
    @Test func mcpServerTimeListsGetCurrentTimeWithItsSchema() async throws {
        let tools = try await MCPVenv.with(MCPVenv.time()) { try await $0.listTools() }
        let tool = try #require(tools.first { $0.name == "get_current_time" })
        #expect(tool.parameters["type"] == "object")
        #expect(tool.parameters["properties"]?["timezone"]?["type"] == "string")
        #expect(tool.parameters["required"]?.arrayValue?.contains("timezone") == true)
    }

    @Test func aCallToMcpServerTimeReturnsTheRealCurrentTime() async throws {
        let result = try await MCPVenv.with(MCPVenv.time()) {
            try await $0.call("get_current_time", arguments: ["timezone": "UTC"])
        }
        #expect(!result.isError)
        let answer = try JSONValue(parsing: result.text)
        #expect(answer["timezone"] == "UTC")
        let stamp = try #require(answer["datetime"]?.stringValue)
        let formatter = ISO8601DateFormatter()
        let when = try #require(formatter.date(from: stamp), "not an ISO 8601 time: \(stamp)")
        #expect(abs(when.timeIntervalSinceNow) < 300, "the server's time \(stamp) is not now")
    }

    @Test func mcpServerGitReadsTheLogOfATemporaryRepository() async throws {
        let repository = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-mcp-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: repository) }
        for arguments in [["init", "-q"], ["-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-q", "--allow-empty", "-m", "a commit for flowtop"]] {
            let git = Process()
            git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            git.arguments = ["-C", repository.path] + arguments
            try git.run()
            git.waitUntilExit()
            try #require(git.terminationStatus == 0)
        }
        let spec = MCPServerSpec(
            name: "git",
            transport: .stdio(
                command: MCPVenv.bin("mcp-server-git"), arguments: ["--repository", repository.path], environment: [:],
                workingDirectory: nil))
        let log = try await MCPVenv.with(spec) { client in
            try await client.call("git_log", arguments: ["repo_path": .string(repository.path), "max_count": 1])
        }
        #expect(!log.isError)
        #expect(log.text.contains("a commit for flowtop"))
    }

    @Test func argumentsThatBreakTheSchemaBecomeAToolErrorTheModelSees() async throws {
        let group = try await MCPServerGroup.start([MCPVenv.time()], logDirectory: MCPVenv.logDirectory())
        defer { Task { await group.stop() } }
        let tool = try #require(group.serverTools.byServer["time"]?.first { $0.name == "get_current_time" })
        #expect(tool.qualifiedName == "time.get_current_time")
        let error = await #expect(throws: ToolError.self) { try await tool.body(["timezone": 42]) }
        #expect(error?.message.contains("timezone: expected a string, got 42") == true)
        await group.stop()
    }

    @Test func aToolsErrorResultIsTheToolsError() async throws {
        let group = try await MCPServerGroup.start([MCPVenv.testServer()], logDirectory: MCPVenv.logDirectory())
        let tool = try #require(group.serverTools.byServer["test"]?.first { $0.name == "fail" })
        let error = await #expect(throws: ToolError.self) { try await tool.body([:]) }
        // The mcp package's server words a raised exception as an isError result of its own.
        #expect(error?.message == "Error executing tool fail")
        await group.stop()
    }

    @Test func progressNotificationsReachTheCallsProgressHandler() async throws {
        let seen = Reports()
        let result = try await MCPVenv.with(MCPVenv.testServer()) { client in
            try await client.call("count", arguments: ["steps": 3], progress: { seen.add($0) })
        }
        #expect(result.text == "counted to 3")
        #expect(seen.all.map(\.progress) == [1, 2, 3])
        #expect(seen.all.last?.total == 3)
        #expect(seen.all.last?.message == "step 3 of 3")
    }

    @Test func aServerKilledMidCallFailsTheCallNamingTheServer() async throws {
        let error = await #expect(throws: MCPServerError.self) {
            try await MCPVenv.with(MCPVenv.testServer("doomed")) { client in
                let pid = try #require(client.processIdentifier)
                async let call = client.call("hang", arguments: [:])
                // The kill must land while the call is in flight: wait until the server has the request.
                try await Task.sleep(for: .milliseconds(300))
                kill(pid, SIGKILL)
                return try await call
            }
        }
        #expect(error?.server == "doomed")
        #expect(error?.reason == .exited("was killed by signal 9"))
        #expect(error?.description.hasPrefix("MCP server doomed: was killed by signal 9") == true)
    }

    @Test func aServerThatExitsDuringACallReportsItsStatus() async throws {
        let error = await #expect(throws: MCPServerError.self) {
            try await MCPVenv.with(MCPVenv.testServer()) { try await $0.call("crash", arguments: [:]) }
        }
        #expect(error?.reason == .exited("exited with status 3"))
    }

    @Test func aHungCallFailsAfterItsTimeout() async throws {
        let error = await #expect(throws: MCPServerError.self) {
            try await MCPVenv.with(MCPVenv.testServer()) { client in
                try await client.call("hang", arguments: [:], timeout: .milliseconds(500))
            }
        }
        #expect(error?.reason == .timedOut("the call to hang", .milliseconds(500)))
    }

    @Test func aServerStillAnswersAfterOneOfItsCallsTimedOut() async throws {
        let answer = try await MCPVenv.with(MCPVenv.testServer()) { client in
            _ = try? await client.call("hang", arguments: [:], timeout: .milliseconds(300))
            return try await client.call("echo", arguments: ["text": "still here"])
        }
        #expect(answer.text == "echo: still here")
    }

    @Test func aServerThatExitsAtOnceIsAStartErrorNamingIt() async throws {
        let spec = MCPServerSpec(
            name: "broken",
            transport: .stdio(
                command: MCPVenv.bin("python"), arguments: ["-c", "import sys; sys.stderr.write('no config\\n'); sys.exit(4)"],
                environment: [:], workingDirectory: nil))
        let error = await #expect(throws: MCPServerError.self) {
            try await MCPServerClient.start(spec, logDirectory: MCPVenv.logDirectory())
        }
        #expect(error?.reason == .exited("exited with status 4"))
        let log = try String(contentsOfFile: try #require(error?.logPath), encoding: .utf8)
        #expect(log.contains("no config"))
    }

    @Test func stoppingAServerEndsItsProcess() async throws {
        let client = try await MCPServerClient.start(MCPVenv.time(), logDirectory: MCPVenv.logDirectory())
        let pid = try #require(client.processIdentifier)
        await client.stop()
        #expect(kill(pid, 0) != 0)
    }
}

/// Progress reports as a handler hears them, from whatever task delivers them.
final class Reports: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var reports: [ToolProgress] = []
    func add(_ report: ToolProgress) { lock.withLock { reports.append(report) } }
    var all: [ToolProgress] { lock.withLock { reports } }
}

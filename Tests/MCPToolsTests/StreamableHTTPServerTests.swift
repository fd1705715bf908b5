import Foundation
import MCPTools
import Testing
import WorkflowCore

@Suite("An MCP server over streamable HTTP on loopback", .serialized, .enabled(if: MCPVenv.available, Comment(rawValue: MCPVenv.skipNote)))
struct StreamableHTTPServerTests {
    /// Starts the test server's HTTP mode, waits for the port it prints, hands `body` its URL and ends it.
    static func withServer<R: Sendable>(_ body: @Sendable (String) async throws -> R) async throws -> R {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: MCPVenv.bin("python"))
        process.arguments = [MCPVenv.testServerScript, "http"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGKILL: a server that ignores SIGTERM must not hold the test (and a cooperative thread) forever.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "the test server ended before printing its port")
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let port = try #require(text.split(separator: "\n").first { $0.hasPrefix("PORT ") }?.dropFirst(5))
        return try await body("http://127.0.0.1:\(port)/mcp")
    }

    static func spec(_ url: String, timeout: Duration = .seconds(20)) -> MCPServerSpec {
        MCPServerSpec(name: "remote", transport: .http(url: url, headers: ["X-Test-Token": "t0ken-for-tests"]), callTimeout: timeout)
    }

    @Test func itListsTheServersTools() async throws {
        let names = try await Self.withServer { url in
            try await MCPVenv.with(Self.spec(url)) { try await $0.listTools().map(\.name) }
        }
        #expect(Set(names).isSuperset(of: ["echo", "count", "hang"]))
    }

    @Test func aCallReturnsTheServersAnswer() async throws {
        let result = try await Self.withServer { url in
            try await MCPVenv.with(Self.spec(url)) { try await $0.call("echo", arguments: ["text": "over http", "times": 2]) }
        }
        #expect(result.text == "echo: over http echo: over http")
        #expect(!result.isError)
    }

    @Test func aHungCallFailsAfterItsTimeout() async throws {
        let error = await #expect(throws: MCPServerError.self) {
            try await Self.withServer { url in
                try await MCPVenv.with(Self.spec(url)) { try await $0.call("hang", arguments: [:], timeout: .seconds(1)) }
            }
        }
        #expect(error?.reason == .timedOut("the call to hang", .seconds(1)))
    }

    @Test func progressNotificationsInTheResponseStreamReachTheHandler() async throws {
        let seen = Reports()
        _ = try await Self.withServer { url in
            try await MCPVenv.with(Self.spec(url)) { client in
                try await client.call("count", arguments: ["steps": 2], progress: { seen.add($0) })
            }
        }
        #expect(seen.all.map(\.progress) == [1, 2])
    }
}

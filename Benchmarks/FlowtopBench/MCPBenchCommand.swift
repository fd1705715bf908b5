import ArgumentParser
import Foundation
import MCPTools
import WorkflowCore
#if canImport(Glibc)
import Glibc
#endif

struct MCPBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Time one MCP tool call over stdio, round trip, against a real MCP server.",
        discussion: """
            Starts an MCP server (default: mcp-server-time from $FLOWTOP_MCP_VENV) through flowtop's MCP client, \
            warms it up, then times --calls sequential calls of one tool (get_current_time) and prints p50/p99. \
            Reference: the same number of one-line round trips through `cat` over pipes, measured in the same run.
            """
    )

    @Option(help: "The MCP server's command (stdio).")
    var command: String?

    @Option(help: "The tool to call.")
    var tool = "get_current_time"

    @Option(help: "The call's arguments as JSON.")
    var arguments = #"{"timezone":"UTC"}"#

    @Option(help: "Calls to time.")
    var calls = 500

    func validate() throws {
        guard calls > 0 else { throw ValidationError("--calls must be positive") }
    }

    func run() async throws {
        warnIfDebugBuild()
        let executable: String
        if let command {
            executable = command
        } else if let venv = ProcessInfo.processInfo.environment["FLOWTOP_MCP_VENV"] {
            executable = venv + "/bin/mcp-server-time"
        } else {
            throw BenchFailure("pass --command, or set FLOWTOP_MCP_VENV to the venv .ci/run makes (it has mcp-server-time)")
        }
        let parsed: JSONValue
        do { parsed = try JSONValue(parsing: arguments) } catch { throw BenchFailure("--arguments is not JSON: \(error)") }
        let spec = MCPServerSpec(
            name: "bench", transport: .stdio(command: executable, arguments: [], environment: [:], workingDirectory: nil))
        let client = try await MCPServerClient.start(spec)
        defer { Task { await client.stop() } }
        for _ in 0..<20 { _ = try await client.call(tool, arguments: parsed) }
        let clock = ContinuousClock()
        var times: [Double] = []
        times.reserveCapacity(calls)
        for _ in 0..<calls {
            let start = clock.now
            let result = try await client.call(tool, arguments: parsed)
            times.append((clock.now - start).seconds)
            if result.isError { throw BenchFailure("the tool answered an error: \(result.text)") }
        }
        await client.stop()
        times.sort()
        func percentile(_ p: Double) -> Double { flowtop_bench.percentile(times, p) }
        let reference = try PipeEcho.medianRoundTrip(count: calls)
        print("flowtop bench mcp: \(tool) over stdio (\(URL(fileURLWithPath: executable).lastPathComponent)), \(calls) calls")
        print("  round trip: p50 \(format3(percentile(0.5) * 1000)) ms, p99 \(format3(percentile(0.99) * 1000)) ms, "
            + "max \(format3(percentile(1.0) * 1000)) ms")
        print("  reference, a one-line round trip through cat over pipes: p50 \(format3(reference * 1e6)) µs; "
            + "an MCP call takes \(Reference.ratio(percentile(0.5), to: reference))")
    }
}

/// Round trips of one short line through `cat`: what a stdio transport costs with no server work at all.
enum PipeEcho {
    static func medianRoundTrip(count: Int) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/cat")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        let line = Array(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}"#.utf8) + [0x0A]
        let writer = input.fileHandleForWriting.fileDescriptor
        let reader = output.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 4096)
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<count {
            let start = clock.now
            _ = line.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            var received = 0
            while received < line.count {
                let got = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
                guard got > 0 else { throw BenchFailure("cat stopped answering") }
                received += got
            }
            times.append((clock.now - start).seconds)
        }
        times.sort()
        return times[times.count / 2]
    }
}

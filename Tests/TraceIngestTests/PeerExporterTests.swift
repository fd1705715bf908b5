import Dashboard
import Foundation
import Testing
import TraceGRPC
import TraceIngest
import WorkflowCore

/// Agent Framework's real OTLP exporter (`../shared/peers/agent-framework-peers otel URL`: a research_writer run
/// in-process on an instant fake model, exporting traces, metrics and logs) pointed at a receiver on loopback.
@Suite("Agent Framework's exporter into the receiver", .enabled(if: PeerExporter.enabled, Comment(rawValue: PeerExporter.skipNote)))
struct PeerExporterTests {
    private func check(_ events: [WorkflowEvent]) {
        var state = DashboardState()
        _ = state.update(.events(events))
        #expect(state.runStatus == .completed)
        #expect(state.agents.map(\.name).contains("Researcher") && state.agents.map(\.name).contains("Writer"))
        let call = state.timeline.first { $0.tool == "get_weather" }
        #expect(call?.arguments.contains("Seattle") == true)
        #expect(call?.result?.contains("Weather in Seattle, WA: sunny, 21°C") == true)
        #expect(state.agents.first { $0.name == "Writer" }?.usage != nil)
    }

    @Test("over OTLP/HTTP protobuf the run is built with its agents, tool call and usage")
    func http() async throws {
        let harness = try await ReceiverHarness.start()
        try await PeerExporter.run(["otel", "http://127.0.0.1:\(harness.port)"])
        let runs = harness.runIds
        #expect(runs.count == 1)
        check(try await harness.endedEvents(of: runs.first ?? ""))
        #expect(harness.receiver.counters.malformed == 0)
        try await harness.shutdown()
    }

    @Test("over OTLP/gRPC the run is built the same")
    func grpc() async throws {
        let log = LogBox()
        let receiver = TraceReceiver { updates in log.append(updates) }
        let server = OTLPGRPCServer(host: "127.0.0.1", port: 0, receiver: receiver)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let port = try await server.port
            try await PeerExporter.run(["otel", "http://127.0.0.1:\(port)", "--protocol", "grpc"])
            server.stop()
            try await group.waitForAll()
        }
        let runs = log.log.withLock { $0.keys.sorted() }
        #expect(runs.count == 1)
        check(try await log.endedEvents(of: runs.first ?? ""))
    }
}

enum PeerExporter {
    static let enabled = ProcessInfo.processInfo.environment["FLOWTOP_PEERS"] == "1"
    static let skipNote = "needs the Agent Framework peers: ../shared/peers/agent-framework-peers install, then FLOWTOP_PEERS=1 swift test"

    static var command: String {
        if let path = ProcessInfo.processInfo.environment["FLOWTOP_PEERS_KIT"] { return path }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/peers/agent-framework-peers").path
    }

    /// Runs the kit with `arguments` to its end (it flushes its exporters before exiting).
    static func run(_ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PEERS_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-peers-\(UUID().uuidString)").path
        process.environment = environment
        // A file, not a pipe: nothing reads while it runs, and a full pipe would stall it.
        let errorsPath = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-peers-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errorsPath.path, contents: nil)
        let errors = try FileHandle(forWritingTo: errorsPath)
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let exit = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { ended in
            exit.continuation.yield(ended.terminationStatus)
            exit.continuation.finish()
        }
        try process.run()
        var iterator = exit.stream.makeAsyncIterator()
        let status = await iterator.next() ?? -1
        try errors.close()
        let stderr = (try? String(contentsOf: errorsPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: errorsPath)
        try #require(status == 0, "agent-framework-peers \(arguments.joined(separator: " ")) failed: \(stderr)")
    }
}

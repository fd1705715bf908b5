import AsyncHTTPClient
import EventStream
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing
import WorkflowCore
import WorkflowServer

/// A real server on an ephemeral loopback port, run in a service group as `flowtop serve` runs it.
final class ServerHarness: Sendable {
    let server: WorkflowServer
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(server: WorkflowServer, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.group = group
        self.task = task
    }

    /// The scripted model at instant pace unless a client is given.
    static func start(
        _ configure: (inout ServerConfiguration) -> Void = { _ in },
        client: any ChatClient = ScriptedChatClient(pace: .instant),
        workflow: String = "research-writer",
        storeWriter: StoreWriter? = nil
    ) async throws -> ServerHarness {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configure(&configuration)
        var workflows: [String: any Workflow] = [:]
        for name in PresetWorkflows.names {
            workflows[name] = try WorkflowDefinitionLoader.resolve(name).build(client: client)
        }
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        let server = WorkflowServer(
            configuration: configuration, catalog: WorkflowCatalog(defaultName: workflow, workflows: workflows),
            modelLabel: "scripted", logger: logger, storeWriter: storeWriter)
        try await storeWriter?.start()
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = server.makeApplication { port in
            continuation.yield(port)
            continuation.finish()
        }
        let group = ServiceGroup(services: [app, server.drainService], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError("the server did not start") }
        return ServerHarness(server: server, port: port, group: group, task: task)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// Graceful shutdown, as SIGTERM does; returns when the service group has ended.
    func shutdown() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    func request(_ path: String, method: HTTPMethod = .POST, body: String? = nil,
                 headers: [(String, String)] = [("Content-Type", "application/json")]) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        return request
    }

    /// Sends a request and reads the whole answer.
    func send(_ path: String, method: HTTPMethod = .POST, body: String? = nil,
              headers: [(String, String)] = [("Content-Type", "application/json")]) async throws -> Answer {
        let response = try await HTTPClient.shared.execute(
            request(path, method: method, body: body, headers: headers), timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: response.status.code, headers: response.headers, body: String(buffer: bytes))
    }

    /// Posts a stream request and reads the stream to its end.
    func stream(_ body: String, path: String = "/api/workflow/stream",
                headers: [(String, String)] = [("Content-Type", "application/json")]) async throws -> Answer {
        try await send(path, body: body, headers: headers)
    }
}

struct Answer: Sendable {
    var status: UInt
    var headers: HTTPHeaders
    var body: String

    /// The body's SSE events.
    var events: [SSEEvent] {
        get throws {
            var parser = SSEParser()
            var events = try parser.parse(Array(body.utf8))
            _ = parser.finish()
            events += []
            return events
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The Agent Framework sample's Python client: for each line starting with `data: `, parse the JSON and print
/// its `text` (when present).
func sampleClientText(_ body: String) -> String {
    var text = ""
    for line in body.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix("data: ") {
        let json = line.dropFirst(6)
        guard let value = try? JSONValue(parsing: String(json)), let chunk = value["text"]?.stringValue else { continue }
        text += chunk
    }
    return text
}

/// The agents' text in a run, from its events.
func agentText(_ events: [WorkflowEvent]) -> String {
    events.reduce(into: "") { text, event in
        if case let .textDelta(_, _, chunk) = event.kind { text += chunk }
    }
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(_ seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

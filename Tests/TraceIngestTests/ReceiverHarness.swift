import AsyncHTTPClient
import CompressNIO
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TraceIngest
import TraceRunBuilder
import WorkflowCore

/// The OTLP/HTTP routes on a bare Hummingbird router on an ephemeral loopback port (the shape of `flowtop otel`),
/// with every run's events collected.
final class ReceiverHarness: Sendable {
    let receiver: TraceReceiver
    let port: Int
    private let log: LogBox
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(receiver: TraceReceiver, log: LogBox, port: Int, group: ServiceGroup,
                 task: Task<Void, any Error>) {
        self.receiver = receiver
        self.log = log
        self.port = port
        self.group = group
        self.task = task
    }

    static func start(limits: OTLPLimits = .init()) async throws -> ReceiverHarness {
        let collected = LogBox()
        let receiver = TraceReceiver { updates in collected.append(updates) }
        let router = Router()
        OTLPRoutes(receiver: receiver, limits: limits).register(on: router)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "test.otlp")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessFailure("the receiver did not start") }
        return ReceiverHarness(receiver: receiver, log: collected, port: port, group: group, task: task)
    }

    func events(of runId: String) -> [WorkflowEvent] { log.log.withLock { $0[runId] ?? [] } }

    /// The run's events once it has ended (the receiver ends a complete trace a moment after its root arrives).
    func endedEvents(of runId: String) async throws -> [WorkflowEvent] { try await log.endedEvents(of: runId) }
    var runIds: [String] { log.log.withLock { $0.keys.sorted() } }

    func shutdown() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// POSTs `body` to `path` and returns the status, content type and body.
    func post(_ path: String, body: [UInt8], contentType: String?, gzip: Bool = false, headers: [(String, String)] = [])
        async throws -> OTLPReply
    {
        try await OTLPReply.post("http://127.0.0.1:\(port)\(path)", body: body, contentType: contentType, gzip: gzip, headers: headers)
    }
}

/// The collected events, appended under the receiver's lock.
final class LogBox: Sendable {
    let log = Mutex<[String: [WorkflowEvent]]>([:])

    /// Waits (up to a minute, far past the half-second settle) for the run's terminal event.
    func endedEvents(of runId: String) async throws -> [WorkflowEvent] {
        for _ in 0..<3_000 {
            let events = log.withLock { $0[runId] ?? [] }
            if events.last?.isTerminal == true { return events }
            try await Task.sleep(for: .milliseconds(20))
        }
        return log.withLock { $0[runId] ?? [] }
    }
    func append(_ updates: [TraceRuns.Update]) {
        log.withLock { log in
            for update in updates { log[update.runId, default: []] += update.events }
        }
    }
}

struct OTLPReply: Sendable {
    var status: Int
    var contentType: String?
    var body: [UInt8]

    static func post(_ url: String, body: [UInt8], contentType: String?, gzip: Bool = false, headers: [(String, String)] = [])
        async throws -> OTLPReply
    {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        var payload = ByteBuffer(bytes: body)
        if gzip {
            payload = try payload.compress(with: .gzip())
            request.headers.add(name: "Content-Encoding", value: "gzip")
        }
        request.body = .bytes(payload)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 24)
        return OTLPReply(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                         body: Array(bytes.readableBytesView))
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

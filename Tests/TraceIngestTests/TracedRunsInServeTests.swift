import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Testing
import TraceIngest
import WorkflowCore
import WorkflowServer

/// `flowtop serve` takes `POST /v1/traces` too: traced runs join `GET /api/runs` and can be watched.
@Suite("Traced runs in flowtop serve")
struct TracedRunsInServeTests {
    @Test("a trace posted to the server is a run in GET /api/runs (source trace) whose events stream from /api/runs/{id}/events")
    func tracedRun() async throws {
        let client = ScriptedChatClient(pace: .instant)
        var workflows: [String: any Workflow] = [:]
        workflows["research-writer"] = try WorkflowDefinitionLoader.resolve("research-writer").build(client: client)
        var logger = Logger(label: "test.serve")
        logger.logLevel = .warning
        let server = WorkflowServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
            catalog: WorkflowCatalog(defaultName: "research-writer", workflows: workflows), modelLabel: "scripted", logger: logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = server.makeApplication { port in
            continuation.yield(port)
            continuation.finish()
        }
        let group = ServiceGroup(services: [app, server.drainService], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let base = "http://127.0.0.1:\(port)"

        // The first two batches: the run is in progress and a watcher can join it live.
        for name in Capture.protobufBatches.prefix(2) {
            let reply = try await OTLPReply.post(base + "/v1/traces", body: Capture.bytes(name), contentType: "application/x-protobuf")
            #expect(reply.status == 200)
        }
        let runs = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/api/runs"), timeout: .seconds(10))
        let listed = try JSONValue(parsing: String(buffer: try await runs.body.collect(upTo: 1 << 20)))["runs"]?.arrayValue ?? []
        #expect(listed.first?["id"]?.stringValue == Capture.runTraceId)
        #expect(listed.first?["state"]?.stringValue == "running")
        #expect(listed.first?["source"]?.stringValue == "trace")
        #expect(listed.first?["workflow"]?.stringValue == "peers-research-writer")

        let watch = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: base + "/api/runs/\(Capture.runTraceId)/events"), timeout: .seconds(30))
        #expect(watch.status == .ok)
        let last = try await OTLPReply.post(base + "/v1/traces", body: Capture.bytes(Capture.protobufBatches[2]), contentType: "application/x-protobuf")
        #expect(last.status == 200)
        let stream = String(buffer: try await watch.body.collect(upTo: 1 << 22))
        #expect(stream.contains("event: workflow_started"))
        #expect(stream.contains(#""tool":"get_weather""#))
        #expect(stream.contains("event: done"))
        #expect(server.registry.run(id: Capture.runTraceId)?.isRunning == false)

        await group.triggerGracefulShutdown()
        try await task.value
    }
}

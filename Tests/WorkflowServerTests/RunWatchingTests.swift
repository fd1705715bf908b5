import AsyncHTTPClient
import EventStream
import Foundation
import NIOCore
import Testing
import Wire
import WorkflowCore
import WorkflowServer

@Suite("Runs: streaming as they go, watchers, disconnects, shutdown")
struct RunWatchingTests {
    static let slow = ScriptedChatClient(pace: .init(tokensPerSecond: 4))

    /// Reads body chunks until the text read so far satisfies `done`.
    static func read(_ iterator: inout HTTPClientResponse.Body.AsyncIterator, until done: (String) -> Bool) async throws -> String {
        var text = ""
        while !done(text), let chunk = try await iterator.next() {
            text += String(buffer: chunk)
        }
        return text
    }

    @Test("the first event arrives while the run is still going (no buffering)")
    func firstEventBeforeEnd() async throws {
        let harness = try await ServerHarness.start(client: Self.slow)
        let response = try await HTTPClient.shared.execute(
            harness.request("/api/workflow/stream", body: #"{"message":"x"}"#), timeout: .seconds(60))
        let runId = try #require(response.headers.first(name: "X-Run-Id"))
        var iterator = response.body.makeAsyncIterator()
        let start = try await Self.read(&iterator) { $0.contains("\"type\":\"text\"") }
        #expect(start.contains("workflow_started"))
        #expect(harness.server.registry.run(id: runId)?.isRunning == true)
        harness.server.registry.stopAll(reason: "test over")
        let rest = try await Self.read(&iterator) { _ in false }
        #expect(rest.contains("event: cancelled"))
        #expect(rest.contains("test over"))
        try await harness.shutdown()
    }

    @Test("a quiet stream gets keepalive comments")
    func keepalive() async throws {
        let harness = try await ServerHarness.start(
            { $0.keepaliveInterval = .milliseconds(50) },
            client: ScriptedChatClient(pace: .init(tokensPerSecond: 4, firstTokenDelay: .seconds(30))))
        let response = try await HTTPClient.shared.execute(
            harness.request("/api/workflow/stream", body: #"{"message":"x"}"#), timeout: .seconds(60))
        var iterator = response.body.makeAsyncIterator()
        let text = try await Self.read(&iterator) { $0.contains(": keepalive\n\n") }
        #expect(text.contains(": keepalive\n\n"))
        harness.server.registry.stopAll(reason: "test over")
        _ = try await Self.read(&iterator) { _ in false }
        try await harness.shutdown()
    }

    @Test("a client that disconnects cancels its run promptly")
    func disconnectCancels() async throws {
        let harness = try await ServerHarness.start(client: Self.slow)
        let runIds = AsyncStream<String>.makeStream()
        let client = Task {
            let response = try await HTTPClient.shared.execute(
                harness.request("/api/workflow/stream", body: #"{"message":"x"}"#), timeout: .seconds(60))
            runIds.continuation.yield(response.headers.first(name: "X-Run-Id") ?? "")
            for try await _ in response.body {}
        }
        var ids = runIds.stream.makeAsyncIterator()
        let runId = try #require(await ids.next())
        let record = try #require(harness.server.registry.run(id: runId))
        #expect(record.isRunning)
        client.cancel()
        // The model would take a minute; the run ends as soon as the server sees the client go.
        #expect(await eventually(10) { !record.isRunning })
        #expect(record.summary.state == .cancelled)
        #expect(record.bufferedEvents.last?.kind == .runCancelled(reason: "the client disconnected"))
        try await harness.shutdown()
    }

    @Test("a detached run keeps going after its client disconnects")
    func detachedSurvives() async throws {
        let harness = try await ServerHarness.start(client: Self.slow)
        let runIds = AsyncStream<String>.makeStream()
        let client = Task {
            let response = try await HTTPClient.shared.execute(
                harness.request("/api/workflow/stream", body: #"{"message":"x","detach":true}"#), timeout: .seconds(60))
            runIds.continuation.yield(response.headers.first(name: "X-Run-Id") ?? "")
            for try await _ in response.body {}
        }
        var ids = runIds.stream.makeAsyncIterator()
        let runId = try #require(await ids.next())
        client.cancel()
        _ = await client.result
        try await Task.sleep(for: .milliseconds(500))
        #expect(harness.server.registry.run(id: runId)?.isRunning == true)
        harness.server.registry.stopAll(reason: "test over")
        try await harness.shutdown()
    }

    @Test("watchers join mid-run, see every event, and resume after Last-Event-ID; GET /api/runs lists runs")
    func watchers() async throws {
        // The Writer waits until the list has been read, so the run is surely still going then, however busy the
        // machine (a slow pace alone let it finish first on a loaded CI runner).
        let model = HeldChatClient(holding: "Writer", scripted: ScriptedChatClient(pace: .init(tokensPerSecond: 200)))
        let harness = try await ServerHarness.start(client: model)
        let starter = try await HTTPClient.shared.execute(
            harness.request("/api/workflow/stream", body: #"{"message":"x"}"#), timeout: .seconds(60))
        let runId = try #require(starter.headers.first(name: "X-Run-Id"))
        var starterBody = starter.body.makeAsyncIterator()
        _ = try await Self.read(&starterBody) { $0.contains("\"type\":\"text\"") }

        let list = try await harness.send("/api/runs", method: .GET)
        #expect(list.status == 200)
        let runs = try #require(try JSONValue(parsing: list.body)["runs"]?.arrayValue)
        #expect(runs.first?["id"]?.stringValue == runId)
        #expect(runs.first?["state"]?.stringValue == "running")
        #expect(runs.first?["workflow"]?.stringValue != nil)

        async let fromStart = harness.send("/api/runs/\(runId)/events", method: .GET)
        async let second = harness.send("/api/runs/\(runId)/events", method: .GET)
        async let resumed = harness.send("/api/runs/\(runId)/events", method: .GET, headers: [("Last-Event-ID", "5")])
        model.release()
        let starterRest = try await Self.read(&starterBody) { _ in false }
        let (a, b, c) = try await (fromStart, second, resumed)
        #expect(harness.server.registry.run(id: runId)?.isRunning == false)
        let all = try #require(harness.server.registry.run(id: runId)).bufferedEvents
        #expect(all.last?.isTerminal == true)

        // Compared as the wire writes them: a duration crosses it to the microsecond, so a decoded event's Double
        // may differ from the buffered one in its last bits.
        func wire(_ events: some Sequence<WorkflowEvent>) -> [String] { events.map { FlowtopWireFormat.json(for: $0) } }
        for answer in [a, b] {
            #expect(answer.status == 200)
            let decoded = try answer.events.map { try FlowtopWireDecoder.decode($0) }
            #expect(wire(decoded) == wire(all))
        }
        let resumedEvents = try c.events.map { try FlowtopWireDecoder.decode($0) }
        #expect(resumedEvents.first?.sequence == 6)
        #expect(wire(resumedEvents) == wire(all.dropFirst(5)))
        #expect(starterRest.contains("event: done"))

        // After the run: from the buffer.
        let after = try await harness.send("/api/runs/\(runId)/events?format=text", method: .GET)
        #expect(sampleClientText(after.body) == agentText(all))
        let missing = try await harness.send("/api/runs/run_nope/events", method: .GET)
        #expect(missing.status == 404)
        try await harness.shutdown()
    }

    @Test("graceful shutdown lets streams run for the grace period, then ends them with an error event")
    func gracefulShutdown() async throws {
        let harness = try await ServerHarness.start({ $0.shutdownGracePeriod = .milliseconds(300) }, client: Self.slow)
        let response = try await HTTPClient.shared.execute(
            harness.request("/api/workflow/stream", body: #"{"message":"x"}"#), timeout: .seconds(60))
        var iterator = response.body.makeAsyncIterator()
        _ = try await Self.read(&iterator) { $0.contains("\"type\":\"text\"") }
        let clock = ContinuousClock()
        let start = clock.now
        async let stopped: Void = harness.shutdown()
        let rest = try await Self.read(&iterator) { _ in false }
        try await stopped
        #expect(clock.now - start < .seconds(20))
        #expect(rest.contains("event: cancelled"))
        #expect(rest.contains("the server is shutting down"))
    }
}

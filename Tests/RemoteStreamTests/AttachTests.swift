import EventStream
import Foundation
import LoopbackHTTP
import RemoteStream
import Testing
import Wire
import WorkflowCore

@Suite("attach over loopback")
struct AttachTests {
    @Test(arguments: [
        ("agui_workflow.sse", WireDialect.agui), ("llamacpp_chat_stream_tool_forced_fc.sse", .openai),
        ("llamacpp_chat_stream_text.sse", .openai), ("maf_workflow_stream_text.sse", .text),
    ])
    func recordedStreamsDecodeAsWhenReadInOneGo(name: String, dialect: WireDialect) async throws {
        let bytes = try Fixture.bytes(name)
        let server = LoopbackServer(responses: [.eventStream(ScriptedResponse.chunks(of: bytes, size: 97))])
        try await server.start()
        let result = await attach(server, body: "{\"message\":\"hi\"}")
        await server.shutdown()
        #expect(result.outcome.failure == nil)
        #expect(result.outcome.dialect == dialect)
        let expected = try decodeDirectly(bytes, workflowName: "127.0.0.1:\(server.port)/stream")
        #expect(comparable(result.events.map(\.kind)) == comparable(expected))
        #expect(result.events.map(\.sequence) == Array(1...result.events.count))
        #expect(result.events.last?.isTerminal == true)
        #expect(result.states.first == .connecting)
        #expect(result.states.contains(.live))
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(String(decoding: request.body, as: UTF8.self) == "{\"message\":\"hi\"}")
    }

    @Test func flowtopStreamArrivesExactly() async throws {
        let events = try Fixture.flowtopEvents("handoff.jsonl")
        let sse = try Fixture.flowtopSSE(events)
        let server = LoopbackServer(responses: [.eventStream(sse.map { .bytes($0) })])
        try await server.start()
        let result = await attach(server)
        await server.shutdown()
        #expect(result.outcome.dialect == .flowtop)
        #expect(result.events == events)
        #expect(server.requests.first?.method == "GET")
    }

    /// The server cuts the connection in the middle of an event, then resumes after the Last-Event-ID it is sent.
    @Test(arguments: [true, false])
    func aDroppedStreamResumesWithNothingLostOrDuplicated(serverHonoursLastEventId: Bool) async throws {
        let events = try Fixture.flowtopEvents("handoff.jsonl")
        let sse = try Fixture.flowtopSSE(events)
        let server = LoopbackServer { request in
            let resumeAfter = serverHonoursLastEventId ? Int(request.header("last-event-id") ?? "0") ?? 0 : 0
            var steps: [ScriptedResponse.Step] = [.bytes(Array("retry: 20\n\n".utf8))]
            let rest = sse[resumeAfter...]
            if request.sequenceNumber < 2 {
                // Ten whole events, half of the eleventh, then the connection drops.
                let whole = rest.prefix(10)
                steps += whole.map { .bytes($0) }
                if let next = rest.dropFirst(10).first { steps += [.bytes(Array(next.prefix(next.count / 2))), .cutConnection] }
            } else {
                steps += rest.map { .bytes($0) }
            }
            return .eventStream(steps)
        }
        try await server.start()
        let result = await attach(server)
        await server.shutdown()
        #expect(result.outcome.failure == nil)
        #expect(result.events == events)
        let requests = server.requests
        // Three requests when every cut arrives after the bytes before it (the usual case); a cut can also
        // overtake the last chunks, and then that connection delivered less, so more requests may follow.
        #expect(requests.count >= 3)
        #expect(requests[0].header("last-event-id") == nil)
        #expect(requests.dropFirst().contains { $0.header("last-event-id") != nil })
        #expect(result.states.contains { if case .reconnecting = $0 { true } else { false } })
    }

    /// (429 and 503 are waited out instead: BusyServerTests.)
    @Test(arguments: [401, 404, 500])
    func httpErrorsAreFatalWithTheServersMessage(status: Int) async throws {
        let server = LoopbackServer(responses: [.json(status: status, "{\"error\":{\"message\":\"nope, key sk-secret-123 is bad\"}}")])
        try await server.start()
        let result = await attach(server, secrets: ["sk-secret-123"])
        await server.shutdown()
        let failure = try #require(result.outcome.failure)
        #expect(failure.status == status)
        #expect(failure.message.contains("answered \(status)"))
        #expect(failure.message.contains("nope, key <redacted> is bad"))
        #expect(!failure.message.contains("sk-secret-123"))
        #expect(result.events.isEmpty)
        #expect(server.requests.count == 1)
    }

    @Test func noContentStopsWithoutReconnecting() async throws {
        let server = LoopbackServer(responses: [ScriptedResponse(status: 204)])
        try await server.start()
        let result = await attach(server)
        await server.shutdown()
        #expect(result.outcome.failure == nil)
        #expect(server.requests.count == 1)
        #expect(result.states.last == .closed("the server has no more events (204)"))
    }

    @Test func notAnEventStreamIsFatal() async throws {
        let server = LoopbackServer(responses: [.body(contentType: "text/html", "<h1>Login</h1>")])
        try await server.start()
        let result = await attach(server)
        await server.shutdown()
        let failure = try #require(result.outcome.failure)
        #expect(failure.message.contains("Content-Type text/html instead of text/event-stream"))
        #expect(server.requests.count == 1)
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let server = LoopbackServer(responses: [.eventStream([.cutConnection])])
        try await server.start()
        let result = await attach(server)
        await server.shutdown()
        let failure = try #require(result.outcome.failure)
        #expect(failure.message.contains("gave up reconnecting after 3 attempts"))
        #expect(server.requests.count == 4)
        #expect(result.states.contains(.closed("gave up after 3 attempts")))
    }

    @Test func oneByteAtATime() async throws {
        let events = try Fixture.flowtopEvents("handoff.jsonl")
        let bytes = try Fixture.flowtopSSE(events).flatMap { $0 }
        let server = LoopbackServer(responses: [.eventStream(ScriptedResponse.dribble(bytes, pauseMilliseconds: 0))])
        try await server.start()
        let result = await attach(server)
        await server.shutdown()
        #expect(result.events == events)
    }

    @Test func garbageIsWarnedAboutAndTheStreamGoesOn() async throws {
        let events = try Fixture.flowtopEvents("handoff.jsonl")
        var sse = try Fixture.flowtopSSE(events)
        sse.insert(Array("data: {\"type\": \"text\", oops\n\n".utf8), at: 3)
        sse.insert([0xFF, 0xFE, 0x00, 0x0A, 0x0A] + Array(": noise\n\ndata: [1,2\n\n".utf8), at: 6)
        sse.insert(Array("event: weird\ndata: {\"type\":\"mystery\"}\n\n".utf8), at: 8)
        sse.insert(Array("data: {\"type\":\"mystery\",\"n\":2}\n\n".utf8), at: 10)
        let server = LoopbackServer(responses: [.eventStream(sse.map { .bytes($0) })])
        try await server.start()
        let result = await attach(server)
        await server.shutdown()
        #expect(result.outcome.failure == nil)
        let warnings = result.events.filter { if case .warning = $0.kind { true } else { false } }
        #expect(warnings.count >= 2)
        let real = result.events.filter { if case .warning = $0.kind { false } else { true } }
        #expect(real.map(\.kind) == events.map(\.kind))
        #expect(result.outcome.unknownEventCounts["mystery"] == 2)
        // Each skipped event is reported as it happens (the dashboard's header and `w` show the counts live).
        #expect(result.skipped == [["mystery": 1], ["mystery": 2]])
    }

    @Test func cancellationStopsPromptly() async throws {
        let server = LoopbackServer(responses: [.eventStream([.bytes(Array("data: {\"text\":\"a\"}\n\n".utf8)), .pause(milliseconds: 60_000)])])
        try await server.start()
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { await attach(server) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        _ = await task.value
        // The server would hold the stream for a minute; a loaded machine runs late, never that late.
        #expect(clock.now - start < .seconds(30))
        await server.shutdown()
    }

    @Test func backoffDoublesWithinTheCap() {
        let policy = ReconnectPolicy(initialDelayMilliseconds: 1000, maxDelayMilliseconds: 5000, maxAttempts: 10, jitter: 0)
        #expect((1...5).map { policy.delay(attempt: $0, serverRetry: nil) } == [1000, 2000, 4000, 5000, 5000])
        #expect(policy.delay(attempt: 1, serverRetry: 300) == 300)
        let jittered = ReconnectPolicy(initialDelayMilliseconds: 1000, jitter: 0.2)
        for _ in 0..<50 { #expect((800...1200).contains(jittered.delay(attempt: 1, serverRetry: nil))) }
        #expect(ConnectionState.reconnecting(delayMilliseconds: 2000, attempt: 3, maxAttempts: 10, reason: "").label == "reconnecting in 2.0 s (attempt 3/10)")
    }
}


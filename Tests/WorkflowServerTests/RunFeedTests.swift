import AsyncHTTPClient
import EventStream
import Foundation
import NIOCore
import Testing
import Wire
import WorkflowCore
import WorkflowServer

/// A runs feed read as it arrives: the SSE events of `GET /api/runs/feed`, decoded.
struct FeedReader {
    var body: HTTPClientResponse.Body.AsyncIterator
    var parser = SSEParser()
    var pending: [SSEEvent] = []
    let status: UInt
    let contentType: String?

    init(_ harness: ServerHarness, headers: [(String, String)] = []) async throws {
        let response = try await HTTPClient.shared.execute(
            harness.request("/api/runs/feed", method: .GET, headers: headers), timeout: .seconds(60))
        status = response.status.code
        contentType = response.headers.first(name: "Content-Type")
        body = response.body.makeAsyncIterator()
    }

    /// The next feed event (keepalive comments and unknown events skipped); nil when the stream ends.
    mutating func next() async throws -> RunFeedEvent? {
        while true {
            while !pending.isEmpty {
                if let event = try RunFeedWire.decode(pending.removeFirst()) { return event }
            }
            guard let chunk = try await body.next() else { return nil }
            pending += try parser.parse(Array(buffer: chunk))
        }
    }

    /// Events up to and including the first that satisfies `done`.
    mutating func read(until done: (RunFeedEvent) -> Bool) async throws -> [RunFeedEvent] {
        var events: [RunFeedEvent] = []
        while let event = try await next() {
            events.append(event)
            if done(event) { return events }
        }
        return events
    }
}

@Suite("The runs feed: a snapshot, then starts, progress and ends", .timeLimit(.minutes(2)))
struct RunFeedTests {
    /// Starts a run and reads its stream to the end in the background; returns its id.
    static func startRun(_ harness: ServerHarness, workflow: String = "research-writer") async throws -> String {
        let ids = AsyncStream<String>.makeStream()
        Task {
            let response = try await HTTPClient.shared.execute(
                harness.request("/api/workflow/stream", body: #"{"message":"Weather in Seattle?","workflow":"\#(workflow)"}"#),
                timeout: .seconds(120))
            ids.continuation.yield(response.headers.first(name: "X-Run-Id") ?? "")
            for try await _ in response.body {}
        }
        var iterator = ids.stream.makeAsyncIterator()
        return await iterator.next() ?? ""
    }

    static func isEnd(of id: String) -> (RunFeedEvent) -> Bool {
        { if case let .ended(run) = $0 { return run.id == id } else { return false } }
    }

    @Test func aWatcherGetsASnapshotThenEachRunsStartProgressAndEnd() async throws {
        // The handoff's Weather agent waits until the feed has shown the run's progress, so the run cannot end
        // between two looks of the feed however busy the machine (a fast pace alone let it, on a loaded runner).
        let model = HeldChatClient(holding: "Weather", scripted: ScriptedChatClient(pace: .init(tokensPerSecond: 200)))
        let harness = try await ServerHarness.start({ $0.feedInterval = .milliseconds(20) }, client: model)
        let first = try await Self.startRun(harness)
        var feed = try await FeedReader(harness)
        #expect(feed.status == 200)
        #expect(feed.contentType == "text/event-stream; charset=utf-8")
        guard case let .snapshot(runs)? = try await feed.next() else {
            Issue.record("the feed did not start with a snapshot")
            return
        }
        #expect(runs.map(\.id) == [first])
        #expect(runs.first?.workflow == "research-writer")

        let second = try await Self.startRun(harness, workflow: "handoff")
        let events = try await feed.read { event in
            if case let .progress(run) = event, run.id == second, run.currentAgent != nil { model.release() }
            // Both ended (the first may have ended before or after the second started).
            return event.summaries.contains { $0.id == second && $0.state.isFinished }
        }
        let started = events.compactMap { if case let .started(run) = $0 { return run } else { return nil } }
        #expect(started.map(\.id) == [second])
        #expect(started.first?.workflow == "handoff")
        let progress = events.compactMap { if case let .progress(run) = $0, run.id == second { return run } else { return nil } }
        #expect(!progress.isEmpty)
        #expect(progress.map(\.events) == progress.map(\.events).sorted())
        #expect(progress.contains { $0.currentAgent != nil })
        guard case let .ended(ended)? = events.last else { return }
        #expect(ended.state == .completed)
        #expect(ended.agents.first == "Triage")
        // The held agent was the one handed to (a prompt Triage routes nowhere answers itself, and nothing waits).
        #expect(ended.agents.contains("Weather"))
        #expect(ended.usage.totalTokens > 0)
        #expect(ended.events == harness.server.registry.run(id: second)?.summary.events)
        #expect(ended.eventsPerSecond == 0)
        try await harness.shutdown()
    }

    @Test func aFastRunsProgressIsCoalescedNotSentPerDelta() async throws {
        let harness = try await ServerHarness.start(
            client: ScriptedChatClient(pace: .init(tokensPerSecond: 2_000), fixedAnswerTokens: 300))
        var feed = try await FeedReader(harness)
        _ = try await feed.next()
        let id = try await Self.startRun(harness)
        let events = try await feed.read(until: Self.isEnd(of: id))
        guard case let .ended(ended)? = events.last else {
            Issue.record("the run's end never came")
            return
        }
        let progress = events.filter { if case let .progress(run) = $0 { return run.id == id } else { return false } }
        #expect(ended.events > 500)
        #expect(ended.currentAgent == "Writer")
        // At most one per 250 ms: a run of a few hundred events over a fraction of a second sends a handful.
        #expect(progress.count * 10 < ended.events)
        try await harness.shutdown()
    }

    @Test func theFeedNeedsTheAPIKeyLikeEveryOtherRoute() async throws {
        let harness = try await ServerHarness.start { $0.apiKey = "s3cret" }
        let refused = try await harness.send("/api/runs/feed", method: .GET, headers: [])
        #expect(refused.status == 401)
        var feed = try await FeedReader(harness, headers: [("Authorization", "Bearer s3cret")])
        #expect(feed.status == 200)
        guard case .snapshot([])? = try await feed.next() else {
            Issue.record("no empty snapshot with the key")
            return
        }
        try await harness.shutdown()
    }

    @Test func aQuietFeedGetsKeepaliveComments() async throws {
        let harness = try await ServerHarness.start { $0.keepaliveInterval = .milliseconds(50) }
        let response = try await HTTPClient.shared.execute(
            harness.request("/api/runs/feed", method: .GET, headers: []), timeout: .seconds(60))
        var iterator = response.body.makeAsyncIterator()
        var text = ""
        while !text.contains(": keepalive\n\n"), let chunk = try await iterator.next() { text += String(buffer: chunk) }
        #expect(text.hasPrefix("event: snapshot\ndata: {\"runs\":[]}\n\n"))
        #expect(text.contains(": keepalive\n\n"))
        try await harness.shutdown()
    }

    @Test func shutdownSendsTheCancelledEndsAndClosesTheFeed() async throws {
        let harness = try await ServerHarness.start(
            { $0.shutdownGracePeriod = .milliseconds(10) }, client: ScriptedChatClient(pace: .init(tokensPerSecond: 4)))
        let id = try await Self.startRun(harness)
        var feed = try await FeedReader(harness)
        _ = try await feed.next()
        let shutdown = Task { try await harness.shutdown() }
        let events = try await feed.read { _ in false }
        guard case let .ended(run)? = events.last else {
            Issue.record("the feed closed without the run's end: \(events)")
            return
        }
        #expect(run.id == id)
        #expect(run.state == .cancelled)
        try await shutdown.value
    }

    @Test func theRunListGainsTheFeedsFigures() async throws {
        let harness = try await ServerHarness.start()
        let id = try await Self.startRun(harness)
        #expect(await eventually { harness.server.registry.run(id: id)?.isRunning == false })
        let list = try await harness.send("/api/runs", method: .GET)
        let run = try #require(try JSONValue(parsing: list.body)["runs"]?.arrayValue?.first)
        #expect(run["id"]?.stringValue == id)
        #expect(run["current_agent"]?.stringValue == "Writer")
        #expect((run["output_tokens"]?.intValue ?? 0) > 0)
        #expect(run["tool_calls"]?.intValue == 1)
        try await harness.shutdown()
    }
}

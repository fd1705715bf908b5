import Foundation
import Logging
import RunStore
import SQLiteRunStore
import Testing
import Wire
import WorkflowCore
import WorkflowServer

/// Runs that outlive the server: a real server on loopback writing to a real SQLite file in a temporary folder,
/// then a new server on the same file.
@Suite("Stored runs: history and events after a restart, interrupted runs, paging, retention")
struct StoredRunTests {
    static func storeFile() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("runs.sqlite").path
    }

    static func writer(_ path: String, settings: StoreSettings = StoreSettings()) async throws -> StoreWriter {
        var logger = Logger(label: "test.store")
        logger.logLevel = .critical
        return StoreWriter(store: try await SQLiteRunStore.open(path: path), settings: settings, logger: logger)
    }

    /// A writer queue of 200 events that holds the models at 20 (10 a run): small enough for one run to fill.
    static var tinyQueue: StoreSettings {
        var settings = StoreSettings()
        settings.bufferLimit = 200
        settings.backlogLimit = 20
        settings.backlogPerRun = 10
        return settings
    }

    static func decoded(_ answer: Answer) throws -> [WorkflowEvent] {
        try answer.events.map { try FlowtopWireDecoder.decode($0) }
    }

    @Test func aRunFasterThanItsStoreWaitsForTheWriterAndLosesNoEvent() async throws {
        let path = try Self.storeFile()
        // A queue far smaller than what the instant model makes between two passes: without the writer holding
        // the model back, the run would lose most of its events and be stored incompletely.
        let writer = try await Self.writer(path, settings: Self.tinyQueue)
        let server = try await ServerHarness.start(
            client: ScriptedChatClient(pace: .instant, fixedAnswerTokens: 3_000), storeWriter: writer)
        let streamed = try await server.stream(#"{"message":"Why is the sky blue?"}"#)
        let runId = try #require(streamed.headers.first(name: "X-Run-Id"))
        let events = try Self.decoded(streamed)
        #expect(events.count > 6_000)
        let health = try JSONValue(parsing: try await server.send("/api/health", method: .GET).body)
        #expect(health["store"]?["incomplete_runs"]?.intValue == 0)
        try await server.shutdown()
        let store = try await SQLiteRunStore.open(path: path)
        let run = try #require(try await store.run(id: runId))
        #expect(!run.incompletelyStored)
        #expect(try await store.events(ofRun: runId, after: 0, limit: 100_000).map(\.sequence) == events.map(\.sequence))
        await store.close()
    }

    @Test func aRunThatLosesEventsWhileTheStoreIsAwayStreamsWholeAndCountsAsOneIncompleteRun() async throws {
        let path = try Self.storeFile()
        let writer = try await Self.writer(path, settings: Self.tinyQueue)
        // About 1.7 s of 3,000 tokens a second: longer than the first retries' backoff (0.1, 0.2, 0.4 s), and each
        // wait between two passes fills the queue past its bound again; the run counts once however many passes.
        let server = try await ServerHarness.start(
            client: ScriptedChatClient(pace: .init(tokensPerSecond: 3_000), fixedAnswerTokens: 2_500), storeWriter: writer)
        // The store is away for the whole run: every pass fails and is retried, so the run loses events in several.
        await writer.store.close()
        let streamed = try await server.stream(#"{"message":"Why is the sky blue?"}"#)
        #expect(try Self.decoded(streamed).count > 5_000)
        let health = try JSONValue(parsing: try await server.send("/api/health", method: .GET).body)
        #expect(health["store"]?["state"]?.stringValue == "retrying")
        #expect(health["store"]?["incomplete_runs"]?.intValue == 1)
        try await server.shutdown()
    }

    @Test func aStoredRunsStreamCarriesEventForEventTheJSONTheStoreKeeps() async throws {
        let path = try Self.storeFile()
        let server = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        let streamed = try await server.stream(#"{"message":"Why is the sky blue?"}"#)
        let runId = try #require(streamed.headers.first(name: "X-Run-Id"))
        try await server.shutdown()
        let store = try await SQLiteRunStore.open(path: path)
        let stored = try await store.events(ofRun: runId, after: 0, limit: 10_000)
        await store.close()
        let events = try streamed.events
        #expect(events.count > 10)
        #expect(events.map(\.data) == stored.map(\.json))
        #expect(events.map(\.id) == stored.map { String($0.sequence) })
        // Made once by the record, it is what the wire format makes of each event.
        #expect(try stored.map { FlowtopWireFormat.json(for: try FlowtopWireDecoder.decode(json: $0.json)) } == stored.map(\.json))
    }

    @Test func aRunStoredBeforeARestartIsListedAndItsEventsResumeAfterLastEventID() async throws {
        let path = try Self.storeFile()
        let first = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        let streamed = try await first.stream(#"{"message":"Why is the sky blue?"}"#)
        let runId = try #require(streamed.headers.first(name: "X-Run-Id"))
        let original = try Self.decoded(streamed)
        try await first.shutdown()

        let second = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        let list = try JSONValue(parsing: try await second.send("/api/runs", method: .GET).body)
        let listed = try #require(list["runs"]?.arrayValue?.first { $0["id"]?.stringValue == runId })
        #expect(listed["state"]?.stringValue == "completed")
        #expect(listed["events"]?.intValue == original.count)
        let resumed = try await second.send("/api/runs/\(runId)/events", method: .GET, headers: [("Last-Event-ID", "5")])
        #expect(resumed.status == 200)
        #expect(try Self.decoded(resumed) == Array(original.dropFirst(5)))
        try await second.shutdown()
    }

    @Test func aStoredRunIsDescribedByIdAfterARestart() async throws {
        let path = try Self.storeFile()
        let first = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        let runId = try #require(try await first.stream(#"{"message":"x"}"#).headers.first(name: "X-Run-Id"))
        try await first.shutdown()
        let second = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        let answer = try await second.send("/api/runs/\(runId)", method: .GET)
        #expect(answer.status == 200)
        let run = try JSONValue(parsing: answer.body)
        #expect(run["state"]?.stringValue == "completed")
        #expect(run["agents"]?.arrayValue?.isEmpty == false)
        try await second.shutdown()
    }

    @Test func aRunWhoseServerDiedIsInterruptedWithEveryStoredEventThenAnError() async throws {
        let path = try Self.storeFile()
        let store = try await SQLiteRunStore.open(path: path)
        var dead = StoredRun(id: "run_dead", workflow: "research-writer", prompt: "x", started: Date(),
                             owner: "gone", leaseExpires: Date().addingTimeInterval(-1))
        try await store.createRun(dead)
        let events = (1...3).map { sequence in
            WorkflowEvent(sequence: sequence, timestamp: 1_800_000_000 + Double(sequence), kind: .agentStarted(agent: "A\(sequence)"))
        }
        dead.lastSequence = 3
        try await store.appendEvents(StoredEventBatch(
            run: dead, events: events.map { StoredEvent(sequence: $0.sequence, json: FlowtopWireFormat.json(for: $0)) }))
        await store.close()

        let harness = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        let run = try JSONValue(parsing: try await harness.send("/api/runs/run_dead", method: .GET).body)
        #expect(run["state"]?.stringValue == "interrupted")
        let streamed = try Self.decoded(try await harness.send("/api/runs/run_dead/events", method: .GET))
        #expect(Array(streamed.prefix(3)) == events)
        #expect(streamed.count == 4)
        #expect(streamed.last?.isTerminal == true)
        try await harness.shutdown()
    }

    @Test func eventsOlderThanTheMemoryBufferComeFromTheStore() async throws {
        let path = try Self.storeFile()
        // Far more events than a buffer of 30 keeps, even for a reader the run waits for (1,024 behind at most).
        let harness = try await ServerHarness.start(
            { $0.eventBufferLimit = 30 }, client: ScriptedChatClient(pace: .instant, fixedAnswerTokens: 2_000),
            storeWriter: try await Self.writer(path))
        let streamed = try await harness.stream(#"{"message":"Why is the sky blue?"}"#)
        let runId = try #require(streamed.headers.first(name: "X-Run-Id"))
        let original = try Self.decoded(streamed)
        let record = try #require(harness.server.registry.run(id: runId))
        #expect(try #require(record.bufferedEvents.first?.sequence) > 1)
        // The writer's last batch may still be on its way.
        let store = try #require(harness.server.storeWriter?.store)
        #expect(await Self.stored(store, runId, reach: original.last?.sequence ?? 1))
        let all = try await harness.send("/api/runs/\(runId)/events", method: .GET)
        let read = try Self.decoded(all)
        // Every event from the first (the starter itself, reading slower than the model, may have lost the oldest
        // ones to the small buffer), then each event as the starter saw it.
        #expect(read.map(\.sequence) == Array(1...read.count))
        #expect(read.last?.isTerminal == true)
        #expect(original.allSatisfy { $0.sequence <= read.count && read[$0.sequence - 1] == $0 })
        try await harness.shutdown()
    }

    /// Polls the store until its last sequence for the run reaches `sequence` (10 s at most).
    static func stored(_ store: any RunStore, _ runId: String, reach sequence: Int) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let run = try? await store.run(id: runId), run.lastSequence >= sequence { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test func storedRunsAreListedNewestFirstAPageAtATimeAndFiltered() async throws {
        let path = try Self.storeFile()
        let store = try await SQLiteRunStore.open(path: path)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<5 {
            try await store.createRun(StoredRun(
                id: "run_\(index)", workflow: index % 2 == 0 ? "even" : "odd", prompt: "x",
                state: index == 4 ? .failed : .completed, started: base.addingTimeInterval(Double(index)),
                ended: base.addingTimeInterval(Double(index) + 0.5)))
        }
        await store.close()
        let harness = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        func ids(_ query: String) async throws -> [String] {
            let answer = try await harness.send("/api/runs\(query)", method: .GET)
            return try JSONValue(parsing: answer.body)["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        }
        #expect(try await ids("?limit=2") == ["run_4", "run_3"])
        #expect(try await ids("?limit=2&before=run_3") == ["run_2", "run_1"])
        #expect(try await ids("?state=completed&workflow=even") == ["run_2", "run_0"])
        #expect(try await harness.send("/api/runs?state=sleeping", method: .GET).status == 400)
        try await harness.shutdown()
    }

    @Test func retentionByCountPrunesTheOldestFinishedRunsAtStartUp() async throws {
        let path = try Self.storeFile()
        let store = try await SQLiteRunStore.open(path: path)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<4 {
            try await store.createRun(StoredRun(
                id: "run_\(index)", workflow: "w", prompt: "x", state: .completed,
                started: base.addingTimeInterval(Double(index)), ended: base.addingTimeInterval(Double(index))))
        }
        await store.close()
        let writer = try await Self.writer(path, settings: StoreSettings(retainRuns: 1))
        let harness = try await ServerHarness.start(storeWriter: writer)
        let stored = try await writer.store.runs(StoredRunQuery())
        #expect(stored.map(\.id) == ["run_3"])
        try await harness.shutdown()
    }

    @Test func healthSaysWhereRunsAreStoredAndThatWritesGoThrough() async throws {
        let path = try Self.storeFile()
        let harness = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        let health = try JSONValue(parsing: try await harness.send("/api/health", method: .GET).body)
        #expect(health["store"]?["store"]?.stringValue == "sqlite:\(path)")
        #expect(health["store"]?["state"]?.stringValue == "ok")
        #expect(health["store"]?["incomplete_runs"]?.intValue == 0)
        try await harness.shutdown()
    }

    @Test func theRunsFeedSnapshotCarriesStoredHistoryAfterTheLiveRuns() async throws {
        let path = try Self.storeFile()
        let first = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        let runId = try #require(try await first.stream(#"{"message":"x"}"#).headers.first(name: "X-Run-Id"))
        try await first.shutdown()
        let second = try await ServerHarness.start(storeWriter: try await Self.writer(path))
        var feed = try await FeedReader(second)
        guard case let .snapshot(runs)? = try await feed.next() else {
            Issue.record("the feed did not start with a snapshot")
            return
        }
        #expect(runs.map(\.id) == [runId])
        #expect(runs.first?.state == .completed)
        try await second.shutdown()
    }
}

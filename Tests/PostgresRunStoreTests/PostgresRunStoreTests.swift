import Foundation
import PostgresNIO
import PostgresRunStore
import RunStore
import Testing

/// What only PostgreSQL does (or does differently): start-up, schema versions, errors naming the store, and leases
/// and appends between two instances. The behaviour every store shares is in Tests/RunStoreTests' contract.
@Suite(
    "The PostgreSQL run store on a real server", .enabled(if: TestPostgres.isAvailable, TestPostgres.skipReason),
    .timeLimit(.minutes(1)))
struct PostgresRunStoreTests {
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    static func run(_ id: String, owner: String? = "instance-a", leaseExpires: Date? = Date().addingTimeInterval(60))
        -> StoredRun
    {
        StoredRun(
            id: id, workflow: "research", prompt: "Why is the sky blue?", model: "scripted",
            started: epoch.addingTimeInterval(0.123_456_789), agents: ["planner"], owner: owner,
            leaseExpires: leaseExpires)
    }

    static func events(_ sequences: ClosedRange<Int>) -> [StoredEvent] {
        sequences.map { StoredEvent(sequence: $0, json: #"{"type":"agent_delta","sequence":\#($0),"text":"é"}"#) }
    }

    @Test("Opening an empty database applies the migrations and records the schema version")
    func migratesAtStartUp() async throws {
        let url = try await TestPostgres.freshDatabase()
        let store = try await TestPostgres.store(url)
        await store.close()
        #expect(try await Self.integers("SELECT version FROM flowtop_schema_version ORDER BY version", in: url) == [1, 2, 3])
    }

    /// The one integer column of a query's rows.
    static func integers(_ sql: String, in url: String) async throws -> [Int] {
        try await TestPostgres.administer(url) { connection in
            var values: [Int] = []
            for try await (value,) in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.quiet)
                .decode((Int.self,))
            {
                values.append(value)
            }
            return values
        }
    }

    @Test("A store at schema version 1 is migrated to 3: its events are kept, a stretch each, without the foreign key")
    func versionOneIsMigrated() async throws {
        let url = try await TestPostgres.freshDatabase()
        let first = try await TestPostgres.store(url)
        let run = Self.run("r1")
        try await first.createRun(run)
        try await first.appendEvents(StoredEventBatch(run: run, events: Self.events(1...3)))
        await first.close()
        // Back to version 1 as an older flowtop left it: a row per event, with the events' foreign key.
        _ = try await TestPostgres.administer(url) { connection in
            try await connection.query("DROP TABLE flowtop_events", logger: TestPostgres.quiet)
            try await connection.query(
                """
                CREATE TABLE flowtop_events (
                    run_id text NOT NULL REFERENCES flowtop_runs (id) ON DELETE CASCADE,
                    sequence bigint NOT NULL,
                    json text NOT NULL,
                    PRIMARY KEY (run_id, sequence)
                )
                """, logger: TestPostgres.quiet)
            for event in Self.events(1...3) {
                try await connection.query(
                    "INSERT INTO flowtop_events (run_id, sequence, json) VALUES ('r1', \(event.sequence), \(event.json))",
                    logger: TestPostgres.quiet)
            }
            try await connection.query("DELETE FROM flowtop_schema_version WHERE version > 1", logger: TestPostgres.quiet)
        }
        let second = try await TestPostgres.store(url)
        #expect(try await second.events(ofRun: "r1", after: 0, limit: 10) == Self.events(1...3))
        // Appending after the migration skips what version 1 stored.
        try await second.appendEvents(StoredEventBatch(run: run, events: Self.events(2...5)))
        #expect(try await second.events(ofRun: "r1", after: 0, limit: 10) == Self.events(1...5))
        await second.close()
        #expect(try await Self.integers("SELECT version FROM flowtop_schema_version ORDER BY version", in: url) == [1, 2, 3])
        #expect(try await Self.integers(
            "SELECT count(*)::int8 FROM pg_constraint WHERE conrelid = 'flowtop_events'::regclass AND contype = 'f'",
            in: url) == [0])
    }

    @Test("A run's consecutive events are stored as a row a stretch of up to 1,024")
    func eventsAreStoredAsStretches() async throws {
        let url = try await TestPostgres.freshDatabase()
        let store = try await TestPostgres.store(url)
        let run = Self.run("r1")
        try await store.createRun(run)
        try await store.appendEvents(StoredEventBatch(run: run, events: Self.events(1...2_500)))
        #expect(try await store.events(ofRun: "r1", after: 1_020, limit: 10) == Self.events(1_021...1_030))
        #expect(try await store.statistics().events == 2_500)
        await store.close()
        #expect(try await Self.integers(
            "SELECT last_sequence - first_sequence + 1 FROM flowtop_events ORDER BY last_sequence", in: url)
            == [1_024, 1_024, 452])
    }

    @Test("A store that has not written a run looks up what is stored before appending to it")
    func aNewStoreSkipsEventsAnotherStoredForTheRun() async throws {
        let url = try await TestPostgres.freshDatabase()
        let first = try await TestPostgres.store(url)
        let run = Self.run("r1")
        try await first.createRun(run)
        try await first.appendEvents(StoredEventBatch(run: run, events: Self.events(1...4)))
        await first.close()
        // A server taking the run up again (or retrying after a lost reply) sends what was stored with what is new.
        let second = try await TestPostgres.store(url)
        try await second.appendEvents(StoredEventBatch(run: run, events: Self.events(3...6)))
        #expect(try await second.events(ofRun: "r1", after: 0, limit: 10) == Self.events(1...6))
        #expect(try await second.statistics().events == 6)
        await second.close()
    }

    @Test("Opening a migrated database again keeps its runs")
    func reopenKeepsRuns() async throws {
        let url = try await TestPostgres.freshDatabase()
        let first = try await TestPostgres.store(url)
        let run = Self.run("r1")
        try await first.createRun(run)
        await first.close()
        let second = try await TestPostgres.store(url)
        #expect(try await second.run(id: "r1") == run)
        await second.close()
    }

    @Test("A database whose schema is newer than this flowtop's is refused with .newerSchema")
    func newerSchemaRefused() async throws {
        let url = try await TestPostgres.freshDatabase()
        try await TestPostgres.store(url).close()
        _ = try await TestPostgres.administer(url) { connection in
            try await connection.query("INSERT INTO flowtop_schema_version (version) VALUES (99)", logger: TestPostgres.quiet)
        }
        await #expect {
            try await TestPostgres.store(url)
        } throws: { error in
            guard case let .newerSchema(_, found, known) = error as? RunStoreError else { return false }
            return found == 99 && known == 3
        }
    }

    @Test("An unreachable server is .unavailable naming the store with the password redacted")
    func unreachableServer() async throws {
        await #expect {
            try await PostgresRunStore.open(url: "postgres://flowtop:hunter2@127.0.0.1:1/runs?sslmode=disable")
        } throws: { error in
            guard case let .unavailable(store, reason) = error as? RunStoreError else { return false }
            return store == "postgres://flowtop:***@127.0.0.1:1/runs?sslmode=disable"
                && reason.contains("could not connect") && !"\(error)".contains("hunter2")
        }
    }

    @Test("A wrong password is refused in the server's words, without the password")
    func wrongPassword() async throws {
        let serverURL = try #require(TestPostgres.url)
        var components = try #require(URLComponents(string: serverURL))
        components.password = "not-the-password"
        let url = try #require(components.string)
        // A connect timeout (a busy machine) says nothing about the password: asked again, twice at most.
        var text = ""
        for _ in 0..<3 {
            do {
                let store = try await PostgresRunStore.open(url: url)
                await store.close()
                Issue.record("a wrong password was taken")
                return
            } catch {
                text = "\(error)"
                if !text.contains("Connect timeout") { break }
            }
        }
        #expect(text.contains("password authentication failed"), "\(text)")
        #expect(!text.contains("not-the-password"))
        #expect(text.contains(":***@"))
    }

    @Test("The unix-socket URL reaches the same server")
    func unixSocket() async throws {
        let socketURL = try #require(ProcessInfo.processInfo.environment["FLOWTOP_TEST_POSTGRES_SOCKET_URL"])
        let store = try await PostgresRunStore.open(url: socketURL)
        #expect(try await store.statistics().runs >= 0)
        await store.close()
    }

    @Test("A run reads back exactly as written, dates to the last bit")
    func runRoundTrips() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        var run = Self.run("r1")
        run.model = nil
        run.currentAgent = "planner"
        run.usage = .init(inputTokens: 12, outputTokens: 34, estimated: true)
        try await store.createRun(run)
        #expect(try await store.run(id: "r1") == run)
        await store.close()
    }

    @Test("Appending a batch again stores nothing twice (idempotent per run and sequence)")
    func appendIsIdempotent() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        let run = Self.run("r1")
        try await store.createRun(run)
        try await store.appendEvents(StoredEventBatch(run: run, events: Self.events(1...5)))
        try await store.appendEvents(StoredEventBatch(run: run, events: Self.events(1...5)))
        try await store.appendEvents(StoredEventBatch(run: run, events: Self.events(4...8)))
        #expect(try await store.events(ofRun: "r1", after: 0, limit: 100) == Self.events(1...8))
        #expect(try await store.run(id: "r1")?.lastSequence == 8)
        await store.close()
    }

    @Test("Another instance's append to a run it does not own is refused with .notOwner, storing nothing")
    func appendByNonOwnerRefused() async throws {
        let url = try await TestPostgres.freshDatabase()
        let a = try await TestPostgres.store(url)
        let b = try await TestPostgres.store(url)
        try await a.createRun(Self.run("r1", owner: "instance-a"))
        var intruder = Self.run("r1", owner: "instance-b")
        intruder.state = .failed
        await #expect(throws: RunStoreError.notOwner(runId: "r1", owner: "instance-a")) {
            try await b.appendEvents(StoredEventBatch(run: intruder, events: Self.events(1...3)))
        }
        #expect(try await a.events(ofRun: "r1", after: 0, limit: 10).isEmpty)
        #expect(try await a.run(id: "r1")?.state == .running)
        await a.close()
        await b.close()
    }

    @Test("Of many instances racing for one expired lease, exactly one gets it")
    func leaseRaceHasOneWinner() async throws {
        let url = try await TestPostgres.freshDatabase()
        let setup = try await TestPostgres.store(url)
        try await setup.createRun(Self.run("r1", owner: "dead", leaseExpires: Date().addingTimeInterval(-5)))
        var stores: [PostgresRunStore] = []
        for _ in 0..<8 { stores.append(try await TestPostgres.store(url)) }
        let expires = Date().addingTimeInterval(60)
        let winners = try await withThrowingTaskGroup(of: String?.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    try await store.acquireLease(runId: "r1", owner: "instance-\(index)", expires: expires)
                        ? "instance-\(index)" : nil
                }
            }
            var winners: [String] = []
            for try await winner in group { if let winner { winners.append(winner) } }
            return winners
        }
        #expect(winners.count == 1)
        #expect(try await setup.run(id: "r1")?.owner == winners.first)
        for store in stores { await store.close() }
        await setup.close()
    }

    @Test("A lease another instance still holds is not taken; its owner renews it")
    func validLeaseKept() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        try await store.createRun(Self.run("r1", owner: "instance-a"))
        #expect(try await !store.acquireLease(runId: "r1", owner: "instance-b", expires: Date().addingTimeInterval(60)))
        #expect(try await store.acquireLease(runId: "r1", owner: "instance-a", expires: Date().addingTimeInterval(90)))
        await #expect(throws: RunStoreError.unknownRun("nope")) {
            try await store.acquireLease(runId: "nope", owner: "instance-a", expires: Date())
        }
        await store.close()
    }

    @Test("Runs whose lease expired are marked interrupted; live ones are not")
    func markInterrupted() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        try await store.createRun(Self.run("dead", leaseExpires: Date().addingTimeInterval(-10)))
        try await store.createRun(Self.run("alive", leaseExpires: Date().addingTimeInterval(60)))
        #expect(try await store.markInterrupted(leasesExpiredBefore: Date()) == ["dead"])
        #expect(try await store.run(id: "dead")?.state == .interrupted)
        #expect(try await store.run(id: "alive")?.state == .running)
        await store.close()
    }

    @Test("The latest checkpoint is the one read back; an unknown run's is refused")
    func checkpoints() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        try await store.createRun(Self.run("r1"))
        try await store.saveCheckpoint(RunCheckpoint(runId: "r1", sequence: 4, json: #"{"turn":1}"#))
        try await store.saveCheckpoint(RunCheckpoint(runId: "r1", sequence: 9, json: #"{"turn":2}"#))
        #expect(try await store.checkpoint(ofRun: "r1") == RunCheckpoint(runId: "r1", sequence: 9, json: #"{"turn":2}"#))
        await #expect(throws: RunStoreError.unknownRun("r2")) {
            try await store.saveCheckpoint(RunCheckpoint(runId: "r2", sequence: 1, json: "{}"))
        }
        await store.close()
    }

    @Test("Pruning deletes old finished runs with their events, and keeps running ones")
    func prune() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        for index in 0..<4 {
            var run = Self.run("r\(index)")
            run.started = Self.epoch.addingTimeInterval(Double(index))
            try await store.createRun(run)
            if index < 3 {
                run.state = .completed
                run.ended = Self.epoch.addingTimeInterval(Double(index) + 0.5)
                try await store.appendEvents(StoredEventBatch(run: run, events: Self.events(1...3)))
            }
        }
        #expect(try await store.prune(olderThan: Self.epoch.addingTimeInterval(1), keepingAtMost: nil) == 1)
        #expect(try await store.prune(olderThan: nil, keepingAtMost: 1) == 2)
        #expect(try await store.runs(StoredRunQuery()).map(\.id) == ["r3"])
        #expect(try await store.statistics().events == 0)
        await store.close()
    }

    @Test("Statistics count runs and events and measure the tables on disk")
    func statistics() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        let run = Self.run("r1")
        try await store.createRun(run)
        try await store.appendEvents(StoredEventBatch(run: run, events: Self.events(1...10)))
        let statistics = try await store.statistics()
        #expect(statistics.runs == 1)
        #expect(statistics.events == 10)
        #expect((statistics.bytes ?? 0) > 0)
        await store.close()
    }

    @Test("A closed store refuses calls with .unavailable")
    func closedStore() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        await store.close()
        await #expect {
            try await store.run(id: "r1")
        } throws: { error in
            guard case let .unavailable(_, reason) = error as? RunStoreError else { return false }
            return reason.contains("closed")
        }
    }
}

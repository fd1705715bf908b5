import Foundation
import RunStore
import SQLiteNIO
@testable import SQLiteRunStore
import Testing

/// What only the SQLite store does: its file, its journal mode, its schema version, and files it must not touch.
@Suite struct SQLiteRunStoreFileTests {
    typealias S = StoredRunSamples

    private func path() throws -> String { try TemporaryFolder.make().appendingPathComponent("runs.sqlite").path }

    @Test func aReopenedStoreHasItsRunsAndEvents() async throws {
        let file = try path()
        let first = try await SQLiteRunStore.open(path: file)
        let run = S.run("r1")
        try await first.createRun(run)
        try await first.appendEvents(StoredEventBatch(run: run, events: S.events(1...3)))
        await first.close()
        let second = try await SQLiteRunStore.open(path: file)
        #expect(try await second.run(id: "r1")?.lastSequence == 3)
        #expect(try await second.events(ofRun: "r1", after: 0, limit: 10) == S.events(1...3))
        await second.close()
    }

    @Test func theFileIsInWALMode() async throws {
        let file = try path()
        try await SQLiteRunStore.open(path: file).close()
        // Bytes 18 and 19 of an SQLite header are the read and write versions: 2 in WAL mode.
        let header = try Data(contentsOf: URL(fileURLWithPath: file)).prefix(20)
        #expect(Array(header.suffix(2)) == [2, 2])
    }

    @Test func aMissingFolderIsCreated() async throws {
        let file = try TemporaryFolder.make().appendingPathComponent("a/b/runs.sqlite").path
        try await SQLiteRunStore.open(path: file).close()
        #expect(FileManager.default.fileExists(atPath: file))
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAsItWas() async throws {
        let file = try path()
        let bytes = Data("these are someone's notes, not a database\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: file))
        await #expect(throws: RunStoreError.notAStore(store: "sqlite:\(file)", reason: "the file is not an SQLite database")) {
            _ = try await SQLiteRunStore.open(path: file)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == bytes)
    }

    @Test func anotherProgramsSQLiteDatabaseIsRefusedAndLeftAsItWas() async throws {
        let file = try path()
        let other = try await SQLiteConnection.open(storage: .file(path: file))
        _ = try await other.query("CREATE TABLE contacts (name TEXT)")
        _ = try await other.query("INSERT INTO contacts VALUES ('Ada')")
        try await other.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        await #expect(
            throws: RunStoreError.notAStore(store: "sqlite:\(file)", reason: "its tables are contacts")
        ) { _ = try await SQLiteRunStore.open(path: file) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == bytes)
    }

    @Test func aCorruptStoreIsRefusedAndLeftAsItWas() async throws {
        let file = try path()
        try await SQLiteRunStore.open(path: file).close()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        // Keep the header, scramble the rest (the schema pages).
        for index in 100..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31) }
        try bytes.write(to: URL(fileURLWithPath: file))
        let error = await #expect(throws: RunStoreError.self) { _ = try await SQLiteRunStore.open(path: file) }
        guard case .notAStore(let store, _)? = error else {
            Issue.record("expected .notAStore, got \(String(describing: error))")
            return
        }
        #expect(store == "sqlite:\(file)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == bytes)
    }

    @Test func aNewerSchemaIsRefused() async throws {
        let file = try path()
        try await SQLiteRunStore.open(path: file).close()
        let other = try await SQLiteConnection.open(storage: .file(path: file))
        _ = try await other.query("PRAGMA user_version = 99")
        try await other.close()
        await #expect(throws: RunStoreError.newerSchema(store: "sqlite:\(file)", found: 99, known: SQLiteSchema.version)) {
            _ = try await SQLiteRunStore.open(path: file)
        }
    }

    @Test func aRunsConsecutiveEventsAreStoredAsOneRowAStretch() async throws {
        let file = try path()
        let store = try await SQLiteRunStore.open(path: file)
        let run = S.run("r1")
        try await store.createRun(run)
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(1...2_500)))
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(2_501...2_600)))
        await store.close()
        // 2,500 in one batch: stretches of 1,024, 1,024 and 452; the next batch is a stretch of its own.
        #expect(try await Self.integers("SELECT last_sequence - first_sequence + 1 FROM events ORDER BY last_sequence", in: file)
            == [1_024, 1_024, 452, 100])
        let reopened = try await SQLiteRunStore.open(path: file)
        #expect(try await reopened.events(ofRun: "r1", after: 1_020, limit: 10) == S.events(1_021...1_030))
        #expect(try await reopened.statistics().events == 2_600)
        await reopened.close()
    }

    @Test func aVersionOneStoreIsMigratedWithItsEvents() async throws {
        let file = try path()
        let store = try await SQLiteRunStore.open(path: file)
        let run = S.run("r1")
        try await store.createRun(run)
        await store.close()
        // The file as flowtop's schema version 1 left it: a row per event (one of them holding a newline).
        var events = S.events(1...3)
        events[2].json = "{\"type\":\"output\",\n\"output\":\"done\"}"
        let old = try await SQLiteConnection.open(storage: .file(path: file))
        _ = try await old.query("DROP TABLE events")
        _ = try await old.query(try #require(SQLiteSchema.migrations[0].first { $0.contains("CREATE TABLE events") }))
        for event in events {
            _ = try await old.query(
                "INSERT INTO events (run_id, sequence, json) VALUES (?, ?, ?)", [.text("r1"), .integer(event.sequence), .text(event.json)])
        }
        _ = try await old.query("PRAGMA user_version = 1")
        try await old.close()
        let migrated = try await SQLiteRunStore.open(path: file)
        #expect(try await migrated.events(ofRun: "r1", after: 0, limit: 10) == events)
        try await migrated.appendEvents(StoredEventBatch(run: run, events: S.events(3...5)))
        #expect(try await migrated.events(ofRun: "r1", after: 0, limit: 10) == events + S.events(4...5))
        await migrated.close()
        #expect(try await Self.integers("PRAGMA user_version", in: file) == [SQLiteSchema.version])
    }

    @Test func aDamagedStretchIsReportedNotReadAsFewerEvents() async throws {
        let file = try path()
        let store = try await SQLiteRunStore.open(path: file)
        let run = S.run("r1")
        try await store.createRun(run)
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(1...5)))
        let other = try await SQLiteConnection.open(storage: .file(path: file))
        // Another program cut the stretch's last line off.
        _ = try await other.query("UPDATE events SET json = substr(json, 1, instr(json, char(10)) - 1)")
        try await other.close()
        let error = await #expect(throws: RunStoreError.self) { _ = try await store.events(ofRun: "r1", after: 0, limit: 10) }
        #expect(error?.description.contains("run r1's events 1-5 are damaged") == true)
        await store.close()
    }

    /// The first column of every row `sql` returns, read with a connection of its own.
    private static func integers(_ sql: String, in file: String) async throws -> [Int] {
        let connection = try await SQLiteConnection.open(storage: .file(path: file))
        let rows: [SQLiteRow]
        do { rows = try await connection.query(sql) } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return rows.map { Int($0.columns.first?.data.integer ?? -1) }
    }
}

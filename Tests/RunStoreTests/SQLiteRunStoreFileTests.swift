import Foundation
import RunStore
import SQLiteNIO
import SQLiteRunStore
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
        await #expect(throws: RunStoreError.newerSchema(store: "sqlite:\(file)", found: 99, known: 1)) {
            _ = try await SQLiteRunStore.open(path: file)
        }
    }
}

import Foundation
import Logging
import RunStore
import SQLiteNIO
import WorkflowCore

/// The embedded run store: one SQLite file in WAL mode (readers never wait for the writer, a crash loses at most the
/// transaction in flight), reached through one connection whose statements run on NIO's thread pool, one caller at a
/// time. `open` refuses a file that is not flowtop's (not SQLite, corrupt, or another program's database) without
/// writing to it, and a schema newer than this build's.
public final class SQLiteRunStore: RunStore {
    public let path: String
    public var description: String { "sqlite:\(path)" }

    private let connection: SQLiteConnection
    private let gate = SerialGate()
    private let state = ClosedFlag()

    private init(path: String, connection: SQLiteConnection) {
        self.path = path
        self.connection = connection
    }

    /// Opens (creating it and its folder when missing) the store at `path` and brings its schema up to date.
    public static func open(path: String, logger: Logger = Logger(label: "flowtop.store")) async throws(RunStoreError)
        -> SQLiteRunStore
    {
        let store = "sqlite:\(path)"
        try SQLiteFileCheck.refuseForeign(path: path, store: store)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .unavailable(store: store, reason: "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw SQLiteFailure.storeError(error, store: store)
        }
        let opened = SQLiteRunStore(path: path, connection: connection)
        do {
            try await opened.prepare()
        } catch {
            try? await connection.close()
            throw error
        }
        return opened
    }

    /// Checks whose file this is before changing anything, then sets WAL and applies the missing migrations.
    private func prepare() async throws(RunStoreError) {
        _ = try await rows("PRAGMA busy_timeout = 5000")
        let applicationID = try await rows("PRAGMA application_id").first?.column("application_id")?.integer ?? 0
        let version = try await rows("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
        let tables = Set(
            try await rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .compactMap { $0.column("name")?.string })
        if Int(applicationID) != SQLiteSchema.applicationID {
            guard tables.isEmpty, applicationID == 0, version == 0 else {
                throw .notAStore(
                    store: description,
                    reason: tables.isEmpty
                        ? "another program's SQLite database" : "its tables are \(tables.sorted().joined(separator: ", "))")
            }
        } else if !SQLiteSchema.tables.isSubset(of: tables), version > 0 {
            throw .notAStore(store: description, reason: "flowtop's tables are missing")
        }
        if version > SQLiteSchema.version {
            throw .newerSchema(store: description, found: Int(version), known: SQLiteSchema.version)
        }
        let mode = try await rows("PRAGMA journal_mode = WAL").first?.column("journal_mode")?.string
        guard mode == "wal" else {
            throw .unavailable(store: description, reason: "SQLite did not switch to WAL mode (\(mode ?? "no answer"))")
        }
        _ = try await rows("PRAGMA synchronous = NORMAL")
        for next in Int(version)..<SQLiteSchema.version {
            try await transaction { () async throws(RunStoreError) in
                for statement in SQLiteSchema.migrations[next] { _ = try await rows(statement) }
                _ = try await rows("PRAGMA application_id = \(SQLiteSchema.applicationID)")
                _ = try await rows("PRAGMA user_version = \(next + 1)")
            }
        }
    }

    // MARK: RunStore

    public func createRun(_ run: StoredRun) async throws(RunStoreError) {
        try await serially { () async throws(RunStoreError) in
            let inserted = try await rows(
                "INSERT OR IGNORE INTO runs (\(SQLiteRunRow.columns)) VALUES (\(SQLiteRunRow.placeholders)) RETURNING id",
                SQLiteRunRow.binds(run))
            if inserted.isEmpty { throw .duplicateRun(run.id) }
        }
    }

    /// A pass is three statements whatever the number of runs in it (each in chunks under SQLite's bound on
    /// parameters): the runs' owners and stored events, every run's new stretches, every run's metadata. A
    /// statement a run each was most of a pass at a hundred live runs: each is prepared anew.
    public func appendEvents(_ batches: [StoredEventBatch]) async throws(RunStoreError) -> [String: RunStoreError] {
        guard !batches.isEmpty else { return [:] }
        return try await serially { () async throws(RunStoreError) in
            try await transaction { () async throws(RunStoreError) in
                let merged = StoredEventBatch.onePerRun(batches)
                let runs = try await storedState(of: merged.map(\.run.id))
                var refused: [String: RunStoreError] = [:]
                var stretches: [(id: String, row: EventStretch)] = []
                var updates: [(id: String, run: StoredRun, last: Int)] = []
                for batch in merged {
                    let id = batch.run.id
                    guard let stored = runs[id] else {
                        refused[id] = .unknownRun(id)
                        continue
                    }
                    if let owner = stored.owner, owner != batch.run.owner {
                        refused[id] = .notOwner(runId: id, owner: owner)
                        continue
                    }
                    stretches += EventStretch.stretches(of: batch.events, after: stored.events).map { (id, $0) }
                    updates.append((id, batch.run, max(stored.lastSequence, batch.events.map(\.sequence).max() ?? 0)))
                }
                try await insert(stretches)
                try await update(updates)
                return refused
            }
        }
    }

    /// Each run's owner, last sequence, and the newest event stored (0: none); a run not stored is absent.
    private func storedState(of ids: [String]) async throws(RunStoreError)
        -> [String: (owner: String?, lastSequence: Int, events: Int)]
    {
        var state: [String: (owner: String?, lastSequence: Int, events: Int)] = [:]
        for chunk in stride(from: 0, to: ids.count, by: Self.parametersPerStatement) {
            let part = ids[chunk..<min(chunk + Self.parametersPerStatement, ids.count)]
            let found = try await rows(
                """
                SELECT id, owner, last_sequence,
                    (SELECT MAX(last_sequence) FROM events WHERE run_id = runs.id) AS stored_events
                FROM runs WHERE id IN (\(Array(repeating: "?", count: part.count).joined(separator: ", ")))
                """, part.map { .text($0) })
            for row in found {
                guard let id = row.column("id")?.string else { continue }
                state[id] = (row.column("owner")?.string, Int(row.column("last_sequence")?.integer ?? 0),
                             Int(row.column("stored_events")?.integer ?? 0))
            }
        }
        return state
    }

    private func insert(_ stretches: [(id: String, row: EventStretch)]) async throws(RunStoreError) {
        let perStatement = Self.parametersPerStatement / 4
        for chunk in stride(from: 0, to: stretches.count, by: perStatement) {
            let part = stretches[chunk..<min(chunk + perStatement, stretches.count)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(part.count * 4)
            for (id, stretch) in part {
                binds.append(.text(id))
                binds.append(.integer(stretch.first))
                binds.append(.integer(stretch.last))
                binds.append(.text(stretch.json))
            }
            let values = Array(repeating: "(?, ?, ?, ?)", count: part.count).joined(separator: ", ")
            _ = try await rows("INSERT INTO events (run_id, first_sequence, last_sequence, json) VALUES \(values)", binds)
        }
    }

    /// Brings each run's metadata up to date in one `UPDATE … FROM (VALUES …)`.
    private func update(_ runs: [(id: String, run: StoredRun, last: Int)]) async throws(RunStoreError) {
        let columns = 16
        let perStatement = Self.parametersPerStatement / columns
        for chunk in stride(from: 0, to: runs.count, by: perStatement) {
            let part = runs[chunk..<min(chunk + perStatement, runs.count)]
            var binds: [SQLiteData] = []
            binds.reserveCapacity(part.count * columns)
            for (id, run, last) in part {
                binds.append(.text(id))
                binds += SQLiteRunRow.metadataBinds(run)
                binds += [.integer(last), .text(run.source), .integer(run.incompletelyStored ? 1 : 0)]
            }
            let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
            _ = try await rows(
                """
                UPDATE runs SET workflow = v.column2, prompt = v.column3, model = v.column4, state = v.column5,
                    started = v.column6, ended = v.column7, agents = v.column8, current_agent = v.column9,
                    input_tokens = v.column10, output_tokens = v.column11, usage_estimated = v.column12,
                    tool_calls = v.column13, last_sequence = v.column14, source = v.column15,
                    incompletely_stored = incompletely_stored OR v.column16
                FROM (VALUES \(Array(repeating: row, count: part.count).joined(separator: ", "))) AS v
                WHERE runs.id = v.column1
                """, binds)
        }
    }

    public func run(id: String) async throws(RunStoreError) -> StoredRun? {
        try await serially { () async throws(RunStoreError) in
            try await rows("SELECT \(SQLiteRunRow.columns) FROM runs WHERE id = ?", [.text(id)]).first
                .map(SQLiteRunRow.run(from:))
        }
    }

    public func runs(_ query: StoredRunQuery) async throws(RunStoreError) -> [StoredRun] {
        try await serially { () async throws(RunStoreError) in
            var conditions: [String] = []
            var binds: [SQLiteData] = []
            if let before = query.before {
                guard let anchor = try await rows("SELECT started FROM runs WHERE id = ?", [.text(before)]).first,
                    let started = anchor.column("started")?.double
                else { throw .unknownRun(before) }
                conditions.append("(started < ? OR (started = ? AND id < ?))")
                binds += [.float(started), .float(started), .text(before)]
            }
            if let state = query.state {
                conditions.append("state = ?")
                binds.append(.text(state.rawValue))
            }
            if let workflow = query.workflow {
                conditions.append("workflow = ?")
                binds.append(.text(workflow))
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            binds.append(.integer(max(0, query.limit)))
            return try await rows(
                "SELECT \(SQLiteRunRow.columns) FROM runs \(filter) ORDER BY started DESC, id DESC LIMIT ?", binds
            ).map(SQLiteRunRow.run(from:))
        }
    }

    public func events(ofRun id: String, after: Int, limit: Int) async throws(RunStoreError) -> [StoredEvent] {
        try await serially { () async throws(RunStoreError) in
            let stretches = try await rows(
                """
                SELECT first_sequence, last_sequence, json FROM events
                WHERE run_id = ? AND last_sequence > ? ORDER BY last_sequence LIMIT ?
                """,
                [.text(id), .integer(after), .integer(max(0, limit))])
            return try EventStretch.events(
                in: stretches.lazy.map { row in
                    EventStretch(
                        first: Int(row.column("first_sequence")?.integer ?? 0),
                        last: Int(row.column("last_sequence")?.integer ?? 0), json: row.column("json")?.string ?? "")
                },
                after: after, limit: limit, run: id, store: description)
        }
    }

    public func acquireLeases(runIds: [String], owner: String, expires: Date) async throws(RunStoreError) -> Set<String> {
        guard !runIds.isEmpty else { return [] }
        return try await serially { () async throws(RunStoreError) in
            try await transaction { () async throws(RunStoreError) in
                var held: Set<String> = []
                let now = Date().timeIntervalSinceReferenceDate
                for id in runIds {
                    let taken = try await rows(
                        """
                        UPDATE runs SET owner = ?, lease_expires = ?
                        WHERE id = ? AND (owner IS NULL OR owner = ? OR lease_expires IS NULL OR lease_expires < ?)
                        RETURNING id
                        """,
                        [.text(owner), .float(expires.timeIntervalSinceReferenceDate), .text(id), .text(owner), .float(now)])
                    if !taken.isEmpty { held.insert(id) }
                }
                return held
            }
        }
    }

    public func markInterrupted(leasesExpiredBefore now: Date) async throws(RunStoreError) -> [String] {
        try await serially { () async throws(RunStoreError) in
            try await rows(
                """
                UPDATE runs SET state = 'interrupted', ended = COALESCE(ended, lease_expires)
                WHERE state = 'running' AND (lease_expires IS NULL OR lease_expires < ?)
                RETURNING id
                """,
                [.float(now.timeIntervalSinceReferenceDate)]
            ).compactMap { $0.column("id")?.string }.sorted()
        }
    }

    public func saveCheckpoint(_ checkpoint: RunCheckpoint) async throws(RunStoreError) {
        try await serially { () async throws(RunStoreError) in
            if try await rows("SELECT id FROM runs WHERE id = ?", [.text(checkpoint.runId)]).isEmpty {
                throw .unknownRun(checkpoint.runId)
            }
            _ = try await rows(
                """
                INSERT INTO checkpoints (run_id, sequence, json) VALUES (?, ?, ?)
                ON CONFLICT (run_id) DO UPDATE SET sequence = excluded.sequence, json = excluded.json
                """,
                [.text(checkpoint.runId), .integer(checkpoint.sequence), .text(checkpoint.json)])
        }
    }

    public func checkpoint(ofRun id: String) async throws(RunStoreError) -> RunCheckpoint? {
        try await serially { () async throws(RunStoreError) in
            try await rows("SELECT sequence, json FROM checkpoints WHERE run_id = ?", [.text(id)]).first.map {
                RunCheckpoint(
                    runId: id, sequence: Int($0.column("sequence")?.integer ?? 0), json: $0.column("json")?.string ?? "")
            }
        }
    }

    public func prune(olderThan: Date?, keepingAtMost: Int?) async throws(RunStoreError) -> Int {
        try await serially { () async throws(RunStoreError) in
            try await transaction { () async throws(RunStoreError) in
                var gone: Set<String> = []
                if let olderThan {
                    let ids = try await rows(
                        "DELETE FROM runs WHERE state != 'running' AND COALESCE(ended, started) < ? RETURNING id",
                        [.float(olderThan.timeIntervalSinceReferenceDate)])
                    gone.formUnion(ids.compactMap { $0.column("id")?.string })
                }
                if let keepingAtMost {
                    let ids = try await rows(
                        """
                        DELETE FROM runs WHERE state != 'running' AND id IN (
                            SELECT id FROM runs ORDER BY started DESC, id DESC LIMIT -1 OFFSET ?)
                        RETURNING id
                        """,
                        [.integer(max(0, keepingAtMost))])
                    gone.formUnion(ids.compactMap { $0.column("id")?.string })
                }
                for id in gone {
                    _ = try await rows("DELETE FROM events WHERE run_id = ?", [.text(id)])
                    _ = try await rows("DELETE FROM checkpoints WHERE run_id = ?", [.text(id)])
                }
                return gone.count
            }
        }
    }

    public func statistics() async throws(RunStoreError) -> RunStoreStatistics {
        try await serially { () async throws(RunStoreError) in
            let runs = try await rows("SELECT COUNT(*) AS n FROM runs").first?.column("n")?.integer ?? 0
            let events = try await rows("SELECT COALESCE(SUM(last_sequence - first_sequence + 1), 0) AS n FROM events")
                .first?.column("n")?.integer ?? 0
            let bytes = [path, path + "-wal"].reduce(0) { total, file in
                total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
            }
            return RunStoreStatistics(runs: Int(runs), events: Int(events), bytes: bytes)
        }
    }

    public func close() async {
        await gate.enter()
        if state.close() { try? await connection.close() }
        await gate.leave()
    }

    // MARK: Statements

    /// Bound parameters per statement, well under SQLite's limit (32,766).
    private static let parametersPerStatement = 1_200

    private func serially<T: Sendable>(_ body: () async throws(RunStoreError) -> T) async throws(RunStoreError) -> T {
        await gate.enter()
        let result: Result<T, RunStoreError>
        if state.isClosed {
            result = .failure(.unavailable(store: description, reason: "the store is closed"))
        } else {
            do throws(RunStoreError) { result = .success(try await body()) } catch { result = .failure(error) }
        }
        await gate.leave()
        return try result.get()
    }

    /// Runs `body` in one immediate transaction (inside `serially`: nothing else runs on the connection meanwhile).
    private func transaction<T>(_ body: () async throws(RunStoreError) -> T) async throws(RunStoreError) -> T {
        _ = try await rows("BEGIN IMMEDIATE")
        do {
            let result = try await body()
            _ = try await rows("COMMIT")
            return result
        } catch {
            // In a task of its own: a cancelled caller must not leave the connection inside the transaction.
            await Task { _ = try? await rows("ROLLBACK") }.value
            throw error
        }
    }

    private func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws(RunStoreError) -> [SQLiteRow] {
        do {
            return try await connection.query(sql, binds)
        } catch {
            throw SQLiteFailure.storeError(error, store: description)
        }
    }
}

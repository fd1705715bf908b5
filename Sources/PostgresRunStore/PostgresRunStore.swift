import Foundation
import Logging
import PostgresNIO
import RunStore
import Synchronization

/// The shared run store: PostgreSQL, for several `flowtop serve` instances that see each other's runs. Opening it
/// connects once on its own (so an unreachable server or a refused password is a clear error at start-up, naming
/// the store with its password redacted) and applies the migrations; queries then go through postgres-nio's pool,
/// which reconnects by itself when the server comes back. A writer's append of every run's batch is one statement
/// (metadata, events and the live notices together), idempotent per (run, sequence) and refused for a run unless
/// the writer owns it.
public final class PostgresRunStore: LiveRunStore {
    public let address: PostgresStoreAddress
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let hub: PostgresNoticeHub
    private let closed = Atomic<Bool>(false)
    /// The newest sequence stored of each run this instance writes, as of its last append that was answered: a
    /// stretch must hold only new events (a batch retried after a lost reply holds stored ones, merged with newer
    /// ones), and only the run's owner writes it. A run not here is looked up before it is written; a failed append
    /// forgets its runs, and a run that ended is let go.
    private let newest = Mutex<[String: Int]>([:])

    public var description: String { address.description }
    public var isOpen: Bool { !closed.load(ordering: .acquiring) }

    private init(address: PostgresStoreAddress, logger: Logger) {
        self.address = address
        let client = PostgresClient(configuration: address.clientConfiguration())
        self.client = client
        running = Task { await client.run() }
        hub = PostgresNoticeHub(address: address, logger: logger)
    }

    /// Opens the store at `url` (`postgres://…`, see `PostgresStoreAddress`), migrating it to this flowtop's schema.
    public static func open(
        url: String, logger: Logger = Logger(label: "flowtop.store.postgres")
    ) async throws(RunStoreError) -> PostgresRunStore {
        try await open(PostgresStoreAddress(url), logger: logger)
    }

    public static func open(
        _ address: PostgresStoreAddress, logger: Logger = Logger(label: "flowtop.store.postgres")
    ) async throws(RunStoreError) -> PostgresRunStore {
        let shown = address.description
        let configuration = try address.connectionConfiguration()
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 0, logger: PostgresNoticeHub.quiet)
            do {
                try await connection.withTransaction(logger: PostgresNoticeHub.quiet) { connection in
                    try await PostgresSchema.migrate(connection, store: shown, logger: PostgresNoticeHub.quiet)
                }
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
        } catch {
            throw PostgresFailure.storeError(error, store: shown)
        }
        return PostgresRunStore(address: address, logger: logger)
    }

    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await hub.close()
        running.cancel()
        await running.value
    }

    // MARK: RunStore

    public func createRun(_ run: StoredRun) async throws(RunStoreError) {
        let inserted = try await rows(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO flowtop_runs (\(PostgresRunRow.columns)) VALUES (\(PostgresRunRow.placeholders))
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """,
                binds: PostgresRunRow.binds(run)))
        if inserted.isEmpty { throw .duplicateRun(run.id) }
    }

    public func appendEvents(_ batches: [StoredEventBatch]) async throws(RunStoreError) -> [String: RunStoreError] {
        guard !batches.isEmpty else { return [:] }
        var merged = StoredEventBatch.onePerRun(batches)
        let known = try await newestStored(of: merged.map(\.run.id))
        for index in merged.indices {
            let after = known[merged[index].run.id] ?? 0
            merged[index].events.removeAll { $0.sequence <= after }
        }
        let statement = AppendEventsStatement(batches: merged)
        let stored: Set<String>
        do throws(RunStoreError) {
            stored = try await answered { client in
                var ids: Set<String> = []
                for try await id in try await client.execute(statement, logger: PostgresNoticeHub.quiet) { ids.insert(id) }
                return ids
            }
        } catch {
            // Committed or not: the next append looks.
            newest.withLock { newest in for batch in merged { newest[batch.run.id] = nil } }
            throw error
        }
        newest.withLock { newest in
            for batch in merged where stored.contains(batch.run.id) {
                newest[batch.run.id] = batch.run.state.isFinished
                    ? nil : max(known[batch.run.id] ?? 0, batch.events.last?.sequence ?? 0)
            }
        }
        var refused: [String: RunStoreError] = [:]
        for batch in statement.batches where !stored.contains(batch.run.id) {
            let id = batch.run.id
            guard let row = try await rows("SELECT owner FROM flowtop_runs WHERE id = \(id)").first else {
                refused[id] = .unknownRun(id)
                continue
            }
            refused[id] = .notOwner(runId: id, owner: try decode(row, as: String?.self))
        }
        return refused
    }

    /// The newest stored sequence of each of `runIds` (0: none), from memory or, for runs not there, one query.
    private func newestStored(of runIds: [String]) async throws(RunStoreError) -> [String: Int] {
        var known = newest.withLock { newest in runIds.reduce(into: [String: Int]()) { $0[$1] = newest[$1] } }
        let missing = runIds.filter { known[$0] == nil }
        guard !missing.isEmpty else { return known }
        for id in missing { known[id] = 0 }
        let found = try await rows(
            "SELECT run_id, max(last_sequence) FROM flowtop_events WHERE run_id = ANY(\(missing)) GROUP BY run_id")
        for row in found {
            let (id, sequence) = try decode(row, as: (String, Int).self)
            known[id] = sequence
        }
        return known
    }

    public func run(id: String) async throws(RunStoreError) -> StoredRun? {
        let found = try await rows("SELECT \(unescaped: PostgresRunRow.columns) FROM flowtop_runs WHERE id = \(id)")
        return try found.first.map { row throws(RunStoreError) in try PostgresRunRow.run(from: row, store: description) }
    }

    public func runs(_ query: StoredRunQuery) async throws(RunStoreError) -> [StoredRun] {
        var anchor: (started: Double, id: String)?
        if let before = query.before {
            guard let row = try await rows("SELECT started FROM flowtop_runs WHERE id = \(before)").first else {
                throw .unknownRun(before)
            }
            anchor = (try decode(row, as: Double.self), before)
        }
        let found = try await rows(
            """
            SELECT \(unescaped: PostgresRunRow.columns) FROM flowtop_runs
            WHERE (\(anchor?.started)::float8 IS NULL OR started < \(anchor?.started)
                    OR (started = \(anchor?.started) AND id < \(anchor?.id)))
                AND (\(query.state?.rawValue)::text IS NULL OR state = \(query.state?.rawValue))
                AND (\(query.workflow)::text IS NULL OR workflow = \(query.workflow))
            ORDER BY started DESC, id DESC LIMIT \(max(0, query.limit))
            """)
        var runs: [StoredRun] = []
        for row in found { runs.append(try PostgresRunRow.run(from: row, store: description)) }
        return runs
    }

    public func events(ofRun id: String, after: Int, limit: Int) async throws(RunStoreError) -> [StoredEvent] {
        let found = try await rows(
            """
            SELECT first_sequence, last_sequence, json FROM flowtop_events WHERE run_id = \(id) AND last_sequence > \(after)
            ORDER BY last_sequence LIMIT \(max(0, limit))
            """)
        var stretches: [EventStretch] = []
        stretches.reserveCapacity(found.count)
        for row in found {
            let (first, last, json) = try decode(row, as: (Int, Int, String).self)
            stretches.append(EventStretch(first: first, last: last, json: json))
        }
        return try EventStretch.events(in: stretches, after: after, limit: limit, run: id, store: description)
    }

    public func acquireLeases(runIds: [String], owner: String, expires: Date) async throws(RunStoreError) -> Set<String> {
        guard !runIds.isEmpty else { return [] }
        let now = Date().timeIntervalSinceReferenceDate
        // One UPDATE: of two instances racing for an expired lease, PostgreSQL's row lock lets one win; the other
        // re-checks the condition against the winner's row and matches nothing.
        let taken = try await rows(
            """
            UPDATE flowtop_runs SET owner = \(owner), lease_expires = \(expires.timeIntervalSinceReferenceDate)
            WHERE id = ANY(\(runIds))
                AND (owner IS NULL OR owner = \(owner) OR lease_expires IS NULL OR lease_expires < \(now))
            RETURNING id
            """)
        var held: Set<String> = []
        for row in taken { held.insert(try decode(row, as: String.self)) }
        return held
    }

    public func markInterrupted(leasesExpiredBefore now: Date) async throws(RunStoreError) -> [String] {
        let marked = try await rows(
            """
            WITH marked AS (
                UPDATE flowtop_runs SET state = 'interrupted', ended = coalesce(ended, lease_expires)
                WHERE state = 'running'
                    AND (lease_expires IS NULL OR lease_expires < \(now.timeIntervalSinceReferenceDate))
                RETURNING id, last_sequence, state
            )
            SELECT id, pg_notify(\(PostgresSchema.channel), \(unescaped: PostgresNoticeHub.payloadSQL)) FROM marked
            """)
        var ids: [String] = []
        for row in marked { ids.append(try decode(row, as: String.self)) }
        return ids.sorted()
    }

    public func saveCheckpoint(_ checkpoint: RunCheckpoint) async throws(RunStoreError) {
        let saved = try await rows(
            """
            INSERT INTO flowtop_checkpoints (run_id, sequence, json)
            SELECT id, \(checkpoint.sequence), \(checkpoint.json) FROM flowtop_runs WHERE id = \(checkpoint.runId)
            ON CONFLICT (run_id) DO UPDATE SET sequence = excluded.sequence, json = excluded.json
            RETURNING run_id
            """)
        if saved.isEmpty { throw .unknownRun(checkpoint.runId) }
    }

    public func checkpoint(ofRun id: String) async throws(RunStoreError) -> RunCheckpoint? {
        guard let row = try await rows("SELECT sequence, json FROM flowtop_checkpoints WHERE run_id = \(id)").first
        else { return nil }
        let (sequence, json) = try decode(row, as: (Int, String).self)
        return RunCheckpoint(runId: id, sequence: sequence, json: json)
    }

    public func prune(olderThan: Date?, keepingAtMost: Int?) async throws(RunStoreError) -> Int {
        // Events go with their run in the same statement, checkpoints by ON DELETE CASCADE. Past `keepingAtMost`
        // counts every run, running ones too, but only finished ones are deleted.
        let before = olderThan?.timeIntervalSinceReferenceDate
        let keep = keepingAtMost.map { max(0, $0) }
        let gone = try await rows(
            """
            WITH gone AS (
                DELETE FROM flowtop_runs WHERE state <> 'running' AND (
                    (\(before)::float8 IS NOT NULL AND coalesce(ended, started) < \(before))
                    OR (\(keep)::bigint IS NOT NULL AND id IN (
                        SELECT id FROM flowtop_runs ORDER BY started DESC, id DESC OFFSET \(keep))))
                RETURNING id
            ), events AS (
                DELETE FROM flowtop_events WHERE run_id IN (SELECT id FROM gone)
            )
            SELECT id FROM gone
            """)
        return gone.count
    }

    public func statistics() async throws(RunStoreError) -> RunStoreStatistics {
        guard
            let row = try await rows(
                """
                SELECT (SELECT count(*) FROM flowtop_runs),
                    (SELECT coalesce(sum(last_sequence - first_sequence + 1), 0)::int8 FROM flowtop_events),
                    pg_total_relation_size('flowtop_runs') + pg_total_relation_size('flowtop_events')
                        + pg_total_relation_size('flowtop_checkpoints')
                """
            ).first
        else { return RunStoreStatistics(runs: 0, events: 0, bytes: nil) }
        let (runs, events, bytes) = try decode(row, as: (Int, Int, Int).self)
        return RunStoreStatistics(runs: runs, events: events, bytes: bytes)
    }

    // MARK: LiveRunStore

    public func signals(ofRun id: String) -> AsyncStream<StoredEventsSignal> {
        hub.signals(ofRun: id)
    }

    public func signalsOfEveryRun() -> AsyncStream<StoredEventsSignal> {
        hub.signals(ofRun: nil)
    }

    // MARK: Queries

    /// How long one query may wait for its answer. The pool keeps a query waiting while it tries to reconnect to a
    /// server that went away, so without a bound a writer would hang there, silently, instead of saying the store
    /// is unavailable and retrying with backoff.
    static let queryTimeout: Duration = .seconds(10)

    private struct NoAnswer: Error {}

    /// Runs a query and collects its rows; every failure becomes a `RunStoreError` naming the store (redacted), and
    /// a query with no answer within `queryTimeout` is `.unavailable`.
    private func rows(_ query: PostgresQuery) async throws(RunStoreError) -> [PostgresRow] {
        try await answered { client in
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: PostgresNoticeHub.quiet) {
                rows.append(row)
            }
            return rows
        }
    }

    /// What `work` gets from the pool, within `queryTimeout`, with its failures as `rows` words them.
    private func answered<Value: Sendable>(
        _ work: @escaping @Sendable (PostgresClient) async throws -> Value
    ) async throws(RunStoreError) -> Value {
        guard isOpen else { throw .unavailable(store: description, reason: "the store was closed") }
        let client = self.client
        do {
            return try await withThrowingTaskGroup(of: Value?.self) { group in
                group.addTask { try await work(client) }
                group.addTask {
                    try await Task.sleep(for: Self.queryTimeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard case let value?? = try await group.next() else { throw NoAnswer() }
                return value
            }
        } catch is NoAnswer {
            throw .unavailable(store: description, reason: "no answer within \(Self.queryTimeout.components.seconds) s")
        } catch {
            throw PostgresFailure.storeError(error, store: description)
        }
    }

    private func decode<each Column: PostgresDecodable>(
        _ row: PostgresRow, as type: (repeat each Column).Type
    ) throws(RunStoreError) -> (repeat each Column) {
        do {
            return try row.decode(type)
        } catch {
            throw .notAStore(store: description, reason: "a row does not read back: \(PostgresFailure.reason(error))")
        }
    }

    private func decode<Column: PostgresDecodable>(_ row: PostgresRow, as type: Column.Type) throws(RunStoreError)
        -> Column
    {
        do {
            return try row.decode(type)
        } catch {
            throw .notAStore(store: description, reason: "a row does not read back: \(PostgresFailure.reason(error))")
        }
    }
}

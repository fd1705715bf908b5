import PostgresNIO
import RunStore

/// The store's tables and the migrations that build them, one per schema version, applied at start-up in one
/// transaction under an advisory lock (two servers starting together do not both migrate). The applied versions are
/// rows of `flowtop_schema_version`; a database with a version this flowtop does not know is refused, never touched.
/// Tables carry a `flowtop_` prefix so the store can share a database with other applications.
enum PostgresSchema {
    /// Migration n (1-based) takes the schema from version n-1 to n. Append, never edit.
    static let migrations: [[PostgresQuery]] = [
        [
            // Dates are seconds since 2001-01-01 (Date's reference date) as float8, so they read back exactly (the
            // SQLite store keeps them the same way).
            """
            CREATE TABLE flowtop_runs (
                id text PRIMARY KEY,
                workflow text NOT NULL,
                prompt text NOT NULL,
                model text,
                state text NOT NULL,
                started double precision NOT NULL,
                ended double precision,
                agents text[] NOT NULL,
                current_agent text,
                input_tokens bigint NOT NULL,
                output_tokens bigint NOT NULL,
                usage_estimated boolean NOT NULL,
                tool_calls bigint NOT NULL,
                last_sequence bigint NOT NULL,
                source text NOT NULL,
                owner text,
                lease_expires double precision,
                incompletely_stored boolean NOT NULL
            )
            """,
            "CREATE INDEX flowtop_runs_by_start ON flowtop_runs (started DESC, id DESC)",
            "CREATE INDEX flowtop_runs_by_state ON flowtop_runs (state)",
            """
            CREATE TABLE flowtop_events (
                run_id text NOT NULL REFERENCES flowtop_runs (id) ON DELETE CASCADE,
                sequence bigint NOT NULL,
                json text NOT NULL,
                PRIMARY KEY (run_id, sequence)
            )
            """,
            """
            CREATE TABLE flowtop_checkpoints (
                run_id text PRIMARY KEY REFERENCES flowtop_runs (id) ON DELETE CASCADE,
                sequence bigint NOT NULL,
                json text NOT NULL
            )
            """,
        ],
        // 2: events no longer reference their run. The foreign key's check ran once per inserted event, a third of
        // an append's time in PostgreSQL; `appendEvents` inserts a run's events only with its row updated, and
        // `prune` deletes a run's events with it.
        ["ALTER TABLE flowtop_events DROP CONSTRAINT IF EXISTS flowtop_events_run_id_fkey"],
        // 3: a row per stretch of a run's consecutive events (`EventStretch`), not per event: the backend's work per
        // inserted row (heap, index, WAL, the conflict check) held a store to ~100 k events/s. Each old event
        // becomes a stretch of one.
        [
            "ALTER TABLE flowtop_events RENAME TO flowtop_events_v2",
            "ALTER INDEX flowtop_events_pkey RENAME TO flowtop_events_v2_pkey",
            """
            CREATE TABLE flowtop_events (
                run_id text NOT NULL,
                first_sequence bigint NOT NULL,
                last_sequence bigint NOT NULL,
                json text NOT NULL,
                PRIMARY KEY (run_id, last_sequence)
            )
            """,
            """
            INSERT INTO flowtop_events (run_id, first_sequence, last_sequence, json)
            SELECT run_id, sequence, sequence, json FROM flowtop_events_v2
            """,
            "DROP TABLE flowtop_events_v2",
            // A stretch of a thousand events (~150 KiB) is TOASTed: LZ4 where the server has it (PostgreSQL 14 and
            // later built with it, as Debian's is) compresses it faster than the default pglz, to about the same
            // size (14 MiB per million events against 12).
            """
            DO $$
            BEGIN
                IF current_setting('server_version_num')::int >= 140000 THEN
                    BEGIN
                        EXECUTE 'ALTER TABLE flowtop_events ALTER COLUMN json SET COMPRESSION lz4';
                    EXCEPTION WHEN OTHERS THEN
                        NULL;
                    END;
                END IF;
            END
            $$
            """,
        ],
    ]

    static var version: Int { migrations.count }

    /// Any constant the advisory lock of flowtop's migrations is known by ("flow" in ASCII).
    static let migrationLock = 0x666C_6F77

    /// The channel every instance's listening connection hears appends on (`RunStoreNotice` payloads).
    static let channel = "flowtop_events"

    /// Brings the database to `version`; throws `.newerSchema` when it is already past it.
    static func migrate(_ connection: PostgresConnection, store: String, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS flowtop_schema_version (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())",
            logger: logger)
        var found = 0
        for try await (version,) in try await connection.query(
            "SELECT coalesce(max(version), 0) FROM flowtop_schema_version", logger: logger
        ).decode((Int.self,)) {
            found = version
        }
        if found > version {
            throw RunStoreError.newerSchema(store: store, found: found, known: version)
        }
        for next in (found + 1)..<(version + 1) {
            for statement in migrations[next - 1] {
                try await connection.query(statement, logger: logger)
            }
            try await connection.query("INSERT INTO flowtop_schema_version (version) VALUES (\(next))", logger: logger)
        }
    }
}

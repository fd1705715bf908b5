/// The store's tables, and the migrations that build them, one per schema version. The version lives in SQLite's
/// `user_version` and the file is marked as flowtop's with `application_id`, so a foreign database is recognised
/// before anything is written to it.
enum SQLiteSchema {
    /// "flow" in ASCII: SQLite's application id for flowtop's run stores.
    static let applicationID: Int = 0x666C_6F77

    /// Migration n (1-based) takes the schema from version n-1 to n. Append, never edit.
    static let migrations: [[String]] = [
        [
            // Dates are seconds since 2001-01-01 (Date's reference date), so they read back exactly.
            """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY NOT NULL,
                workflow TEXT NOT NULL,
                prompt TEXT NOT NULL,
                model TEXT,
                state TEXT NOT NULL,
                started REAL NOT NULL,
                ended REAL,
                agents TEXT NOT NULL,
                current_agent TEXT,
                input_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                usage_estimated INTEGER NOT NULL,
                tool_calls INTEGER NOT NULL,
                last_sequence INTEGER NOT NULL,
                source TEXT NOT NULL,
                owner TEXT,
                lease_expires REAL,
                incompletely_stored INTEGER NOT NULL
            )
            """,
            "CREATE INDEX runs_by_start ON runs (started DESC, id DESC)",
            "CREATE INDEX runs_by_state ON runs (state)",
            """
            CREATE TABLE events (
                run_id TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                json TEXT NOT NULL,
                PRIMARY KEY (run_id, sequence)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE checkpoints (
                run_id TEXT PRIMARY KEY NOT NULL,
                sequence INTEGER NOT NULL,
                json TEXT NOT NULL
            )
            """,
        ],
        [
            // Version 2: a row per stretch of a run's consecutive events (`EventStretch`), not per event. A
            // rowid table: a stretch is up to ~150 KiB, past what a WITHOUT ROWID table holds well. Each old event
            // becomes a stretch of one.
            "ALTER TABLE events RENAME TO events_v1",
            """
            CREATE TABLE events (
                run_id TEXT NOT NULL,
                first_sequence INTEGER NOT NULL,
                last_sequence INTEGER NOT NULL,
                json TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX events_by_run ON events (run_id, last_sequence)",
            """
            INSERT INTO events (run_id, first_sequence, last_sequence, json)
            SELECT run_id, sequence, sequence, json FROM events_v1 ORDER BY run_id, sequence
            """,
            "DROP TABLE events_v1",
        ],
    ]

    static var version: Int { migrations.count }

    /// The tables a flowtop store has; a file with other tables and none of these is someone else's.
    static let tables: Set<String> = ["runs", "events", "checkpoints"]
}

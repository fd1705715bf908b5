import PostgresNIO
import RunStore

/// `appendEvents`' one statement, prepared once per connection: PostgreSQL plans it once instead of at every batch
/// (planning this statement took twice as long as running it, and a hundred live runs append a couple of thousand
/// batches a second). One statement, so one transaction: the metadata only when the writer may write, the events
/// only when the metadata was written, and the notice (delivered at commit) only then. Its one row is the notice
/// sent; no row means the run is missing or owned by another instance.
struct AppendEventsStatement: PostgresPreparedStatement {
    static let sql = """
        WITH updated AS (
            UPDATE flowtop_runs SET workflow = $1, prompt = $2, model = $3, state = $4, started = $5, ended = $6,
                agents = $7, current_agent = $8, input_tokens = $9, output_tokens = $10, usage_estimated = $11,
                tool_calls = $12, last_sequence = greatest(last_sequence, $13), source = $14,
                incompletely_stored = incompletely_stored OR $15
            WHERE id = $16 AND (owner IS NULL OR owner = $17)
            RETURNING id, last_sequence, state
        ), inserted AS (
            INSERT INTO flowtop_events (run_id, sequence, json)
            SELECT updated.id, event.sequence, event.json
            FROM updated, unnest($18::bigint[], $19::text[]) AS event (sequence, json)
            ON CONFLICT (run_id, sequence) DO NOTHING
        )
        SELECT pg_notify($20, \(PostgresNoticeHub.payloadSQL) || $21) FROM updated
        """

    static let bindingDataTypes: [PostgresDataType] = [
        .text, .text, .text, .text, .float8, .float8, .textArray, .text, .int8, .int8, .bool, .int8, .int8, .text,
        .bool, .text, .text, .int8Array, .textArray, .text, .text,
    ]

    typealias Row = Void

    let batch: StoredEventBatch

    func makeBindings() throws -> PostgresBindings {
        let run = batch.run
        var bindings = PostgresBindings(capacity: Self.bindingDataTypes.count)
        bindings.append(run.workflow)
        bindings.append(run.prompt)
        bindings.append(run.model)
        bindings.append(run.state.rawValue)
        bindings.append(run.started.timeIntervalSinceReferenceDate)
        bindings.append(run.ended?.timeIntervalSinceReferenceDate)
        bindings.append(run.agents)
        bindings.append(run.currentAgent)
        bindings.append(run.usage.inputTokens)
        bindings.append(run.usage.outputTokens)
        bindings.append(run.usage.estimated)
        bindings.append(run.toolCalls)
        bindings.append(max(run.lastSequence, batch.events.last?.sequence ?? 0))
        bindings.append(run.source)
        bindings.append(run.incompletelyStored)
        bindings.append(run.id)
        bindings.append(run.owner)
        bindings.append(batch.events.map(\.sequence))
        bindings.append(batch.events.map(\.json))
        bindings.append(PostgresSchema.channel)
        bindings.append(PostgresNoticeHub.carried(batch.events))
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws {}
}

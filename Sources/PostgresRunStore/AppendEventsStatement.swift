import Foundation
import PostgresNIO
import RunStore

/// `appendEvents`' one statement for a whole pass of the writer, prepared once per connection: one round trip and
/// one commit however many runs the pass holds (a statement per run, even in one transaction, took a round trip
/// each, 1–1.7 ms apiece on a busy 2-core machine: 100–170 ms for a hundred live runs). The runs' metadata travels
/// as one JSON array (`json_to_recordset` keeps its nulls and arrays), their events as three parallel arrays. One
/// statement, so one transaction: a run's metadata only when the writer may write it, its events only when its
/// metadata was written, its notice (delivered at commit) only then. Its rows are the runs stored; a run missing
/// from them is unknown or owned by another instance.
struct AppendEventsStatement: PostgresPreparedStatement {
    static let sql = """
        WITH batch AS (
            SELECT * FROM json_to_recordset($1::json) AS b (
                id text, owner text, workflow text, prompt text, model text, state text, started float8,
                ended float8, agents text[], current_agent text, input_tokens int8, output_tokens int8,
                usage_estimated bool, tool_calls int8, last_sequence int8, source text, incompletely_stored bool,
                carried text)
        ), updated AS (
            UPDATE flowtop_runs AS r SET workflow = b.workflow, prompt = b.prompt, model = b.model, state = b.state,
                started = b.started, ended = b.ended, agents = b.agents, current_agent = b.current_agent,
                input_tokens = b.input_tokens, output_tokens = b.output_tokens, usage_estimated = b.usage_estimated,
                tool_calls = b.tool_calls, last_sequence = greatest(r.last_sequence, b.last_sequence),
                source = b.source, incompletely_stored = r.incompletely_stored OR b.incompletely_stored
            FROM batch AS b
            WHERE r.id = b.id AND (r.owner IS NULL OR r.owner = b.owner)
            RETURNING r.id, r.last_sequence, r.state, b.carried
        ), inserted AS (
            INSERT INTO flowtop_events (run_id, first_sequence, last_sequence, json)
            SELECT s.run_id, s.first_sequence, s.last_sequence, s.json
            FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[]) AS s (run_id, first_sequence, last_sequence, json)
            WHERE s.run_id IN (SELECT id FROM updated)
            ON CONFLICT (run_id, last_sequence) DO NOTHING
        )
        SELECT id, pg_notify($6, \(PostgresNoticeHub.payloadSQL) || carried) FROM updated
        """

    static let bindingDataTypes: [PostgresDataType] = [.text, .textArray, .int8Array, .int8Array, .textArray, .text]

    typealias Row = String

    /// At most one batch per run (`PostgresRunStore.appendEvents` merges a run's batches first), holding only the
    /// events not stored yet.
    let batches: [StoredEventBatch]

    func makeBindings() throws -> PostgresBindings {
        var runIds: [String] = []
        var firsts: [Int] = []
        var lasts: [Int] = []
        var texts: [String] = []
        for batch in batches {
            for stretch in EventStretch.stretches(of: batch.events, after: 0) {
                runIds.append(batch.run.id)
                firsts.append(stretch.first)
                lasts.append(stretch.last)
                texts.append(stretch.json)
            }
        }
        var bindings = PostgresBindings(capacity: Self.bindingDataTypes.count)
        bindings.append(String(decoding: try JSONEncoder().encode(batches.map(AppendedRun.init)), as: UTF8.self))
        bindings.append(runIds)
        bindings.append(firsts)
        bindings.append(lasts)
        bindings.append(texts)
        bindings.append(PostgresSchema.channel)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String {
        try row.decode((String, String).self).0
    }

    /// One run's metadata as `json_to_recordset` reads it: its keys are the columns' names, a nil left out reads
    /// as null.
    private struct AppendedRun: Encodable {
        var id: String
        var owner: String?
        var workflow: String
        var prompt: String
        var model: String?
        var state: String
        var started: Double
        var ended: Double?
        var agents: [String]
        var currentAgent: String?
        var inputTokens: Int
        var outputTokens: Int
        var usageEstimated: Bool
        var toolCalls: Int
        var lastSequence: Int
        var source: String
        var incompletelyStored: Bool
        var carried: String

        init(_ batch: StoredEventBatch) {
            let run = batch.run
            id = run.id
            owner = run.owner
            workflow = run.workflow
            prompt = run.prompt
            model = run.model
            state = run.state.rawValue
            started = run.started.timeIntervalSinceReferenceDate
            ended = run.ended?.timeIntervalSinceReferenceDate
            agents = run.agents
            currentAgent = run.currentAgent
            inputTokens = run.usage.inputTokens
            outputTokens = run.usage.outputTokens
            usageEstimated = run.usage.estimated
            toolCalls = run.toolCalls
            lastSequence = max(run.lastSequence, batch.events.last?.sequence ?? 0)
            source = run.source
            incompletelyStored = run.incompletelyStored
            carried = PostgresNoticeHub.carried(batch.events)
        }

        enum CodingKeys: String, CodingKey {
            case id, owner, workflow, prompt, model, state, started, ended, agents, source, carried
            case currentAgent = "current_agent", inputTokens = "input_tokens", outputTokens = "output_tokens"
            case usageEstimated = "usage_estimated", toolCalls = "tool_calls", lastSequence = "last_sequence"
            case incompletelyStored = "incompletely_stored"
        }
    }
}

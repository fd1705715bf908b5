import Foundation
import PostgresNIO
import RunStore
import WorkflowCore

/// A `StoredRun` as a row of `flowtop_runs`: its columns in one order, the binds that write them, and the decoding
/// that reads them back (dates as seconds since Date's reference date, so they round-trip exactly).
enum PostgresRunRow {
    static let columns = """
        id, workflow, prompt, model, state, started, ended, agents, current_agent, input_tokens, output_tokens, \
        usage_estimated, tool_calls, last_sequence, source, owner, lease_expires, incompletely_stored
        """

    /// `$1, …, $18`, in `columns` order.
    static let placeholders = (1...18).map { "$\($0)" }.joined(separator: ", ")

    static func binds(_ run: StoredRun) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 18)
        binds.append(run.id)
        binds.append(run.workflow)
        binds.append(run.prompt)
        binds.append(run.model)
        binds.append(run.state.rawValue)
        binds.append(run.started.timeIntervalSinceReferenceDate)
        binds.append(run.ended?.timeIntervalSinceReferenceDate)
        binds.append(run.agents)
        binds.append(run.currentAgent)
        binds.append(run.usage.inputTokens)
        binds.append(run.usage.outputTokens)
        binds.append(run.usage.estimated)
        binds.append(run.toolCalls)
        binds.append(run.lastSequence)
        binds.append(run.source)
        binds.append(run.owner)
        binds.append(run.leaseExpires?.timeIntervalSinceReferenceDate)
        binds.append(run.incompletelyStored)
        return binds
    }

    static func run(from row: PostgresRow, store: String) throws(RunStoreError) -> StoredRun {
        let decoded: (
            String, String, String, String?, String, Double, Double?, [String], String?, Int, Int, Bool, Int, Int,
            String, String?, Double?, Bool
        )
        do {
            decoded = try row.decode(
                (
                    String, String, String, String?, String, Double, Double?, [String], String?, Int, Int, Bool, Int,
                    Int, String, String?, Double?, Bool
                ).self)
        } catch {
            throw .notAStore(store: store, reason: "a run's row does not read back: \(PostgresFailure.reason(error))")
        }
        let (
            id, workflow, prompt, model, stateText, started, ended, agents, currentAgent, inputTokens, outputTokens,
            estimated, toolCalls, lastSequence, source, owner, leaseExpires, incompletelyStored
        ) = decoded
        guard let state = StoredRunState(rawValue: stateText) else {
            throw .notAStore(store: store, reason: "run \(id) has the unknown state \(stateText)")
        }
        return StoredRun(
            id: id, workflow: workflow, prompt: prompt, model: model, state: state,
            started: Date(timeIntervalSinceReferenceDate: started),
            ended: ended.map(Date.init(timeIntervalSinceReferenceDate:)), agents: agents, currentAgent: currentAgent,
            usage: Usage(inputTokens: inputTokens, outputTokens: outputTokens, estimated: estimated),
            toolCalls: toolCalls, lastSequence: lastSequence, source: source, owner: owner,
            leaseExpires: leaseExpires.map(Date.init(timeIntervalSinceReferenceDate:)),
            incompletelyStored: incompletelyStored)
    }
}

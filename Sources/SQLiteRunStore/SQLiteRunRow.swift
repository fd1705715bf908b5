import Foundation
import RunStore
import SQLiteNIO
import WorkflowCore

/// A `StoredRun` as a row of `runs` and back: the column order of every INSERT and SELECT.
enum SQLiteRunRow {
    static let columns = """
        id, workflow, prompt, model, state, started, ended, agents, current_agent, input_tokens, output_tokens, \
        usage_estimated, tool_calls, last_sequence, source, owner, lease_expires, incompletely_stored
        """
    static let placeholders = Array(repeating: "?", count: 18).joined(separator: ", ")

    static func binds(_ run: StoredRun) -> [SQLiteData] {
        [.text(run.id)] + metadataBinds(run) + [
            .integer(run.lastSequence), .text(run.source), run.owner.map(SQLiteData.text) ?? .null,
            date(run.leaseExpires), .integer(run.incompletelyStored ? 1 : 0),
        ]
    }

    /// workflow … tool_calls: what each batch brings up to date.
    static func metadataBinds(_ run: StoredRun) -> [SQLiteData] {
        [
            .text(run.workflow), .text(run.prompt), run.model.map(SQLiteData.text) ?? .null, .text(run.state.rawValue),
            .float(run.started.timeIntervalSinceReferenceDate), date(run.ended), .text(agentsJSON(run.agents)),
            run.currentAgent.map(SQLiteData.text) ?? .null, .integer(run.usage.inputTokens),
            .integer(run.usage.outputTokens), .integer(run.usage.estimated ? 1 : 0), .integer(run.toolCalls),
        ]
    }

    static func run(from row: SQLiteRow) -> StoredRun {
        func text(_ name: String) -> String? { row.column(name)?.string }
        func int(_ name: String) -> Int { Int(row.column(name)?.integer ?? 0) }
        func date(_ name: String) -> Date? {
            row.column(name)?.double.map(Date.init(timeIntervalSinceReferenceDate:))
        }
        return StoredRun(
            id: text("id") ?? "", workflow: text("workflow") ?? "", prompt: text("prompt") ?? "", model: text("model"),
            state: text("state").flatMap(StoredRunState.init(rawValue:)) ?? .interrupted,
            started: date("started") ?? Date(timeIntervalSinceReferenceDate: 0), ended: date("ended"),
            agents: agents(from: text("agents") ?? "[]"), currentAgent: text("current_agent"),
            usage: Usage(
                inputTokens: int("input_tokens"), outputTokens: int("output_tokens"),
                estimated: int("usage_estimated") != 0),
            toolCalls: int("tool_calls"), lastSequence: int("last_sequence"), source: text("source") ?? "workflow",
            owner: text("owner"), leaseExpires: date("lease_expires"),
            incompletelyStored: int("incompletely_stored") != 0)
    }

    private static func date(_ date: Date?) -> SQLiteData {
        date.map { .float($0.timeIntervalSinceReferenceDate) } ?? .null
    }

    private static func agentsJSON(_ agents: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(agents), as: UTF8.self)) ?? "[]"
    }

    private static func agents(from json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }
}

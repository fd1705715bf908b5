import Foundation
import Hummingbird
import RunStore
import WorkflowCore

/// `GET /api/runs?limit&before&state&workflow`: runs newest first, from the store when there is one (history that
/// outlived a restart) with the live figures of the runs held in memory in place of their stored rows, or from
/// memory alone with `--store memory`.
struct RunListing {
    struct Entry: Sendable {
        var summary: RunSummary
        var source: RunRecord.Source
    }

    static let defaultLimit = 100
    static let maxLimit = 1_000

    let query: StoredRunQuery

    /// The query's parameters, each checked: a bad one is a 400 that says which and why.
    init(parameters: Hummingbird.Parameters) throws(ErrorAnswer) {
        var query = StoredRunQuery(limit: Self.defaultLimit)
        if let limit = parameters.get("limit") {
            guard let value = Int(limit), (1...Self.maxLimit).contains(value) else {
                throw ErrorAnswer(status: .badRequest, message: "'limit' must be a whole number from 1 to \(Self.maxLimit)")
            }
            query.limit = value
        }
        if let state = parameters.get("state") {
            guard let value = RunState(rawValue: state) else {
                let known = RunState.allCases.map(\.rawValue).joined(separator: ", ")
                throw ErrorAnswer(status: .badRequest, message: "unknown state '\(state)' (known: \(known))")
            }
            query.state = value
        }
        query.before = parameters.get("before").flatMap { $0.isEmpty ? nil : $0 }
        query.workflow = parameters.get("workflow").flatMap { $0.isEmpty ? nil : $0 }
        self.query = query
    }

    func entries(registry: RunRegistry, store: (any RunStore)?) async throws(ErrorAnswer) -> [Entry] {
        let now = Date().timeIntervalSince1970
        let memory = registry.records().map { Entry(summary: $0.runSummary(now: now), source: $0.source) }
            .filter(matches)
        guard let store else { return page(memory) }
        let stored: [StoredRun]
        do {
            stored = try await store.runs(query)
        } catch .unknownRun(let id) {
            throw ErrorAnswer(status: .badRequest, message: "'before' names no stored run ('\(id)')")
        } catch {
            throw error.answer
        }
        let live = Dictionary(memory.map { ($0.summary.id, $0) }, uniquingKeysWith: { first, _ in first })
        var listed = stored.map { live[$0.id] ?? Entry(summary: $0.summary, source: RunRecord.Source(rawValue: $0.source) ?? .workflow) }
        if query.before == nil {
            // Runs started in the last moments, whose rows the writer has not written yet.
            let storedIds = Set(stored.map(\.id))
            listed += memory.filter { !storedIds.contains($0.summary.id) }
            listed.sort { ($0.summary.started, $0.summary.id) > ($1.summary.started, $1.summary.id) }
        }
        return Array(listed.prefix(query.limit))
    }

    private func matches(_ entry: Entry) -> Bool {
        (query.state == nil || entry.summary.state == query.state)
            && (query.workflow == nil || entry.summary.workflow == query.workflow)
    }

    /// Memory's runs (newest first) after `before`, up to the limit.
    private func page(_ entries: [Entry]) -> [Entry] {
        var start = entries.startIndex
        if let before = query.before {
            start = entries.firstIndex { $0.summary.id == before }.map { $0 + 1 } ?? entries.endIndex
        }
        return Array(entries[start...].prefix(query.limit))
    }
}

extension StoredRun {
    /// The run as the list and the feed show it; its events are its stored sequence.
    var summary: RunSummary {
        RunSummary(
            id: id, workflow: workflow, state: state, started: started.timeIntervalSince1970,
            finished: ended?.timeIntervalSince1970, agents: agents, currentAgent: currentAgent, usage: usage,
            toolCalls: toolCalls, events: lastSequence)
    }
}

import Dashboard
import Foundation
import TraceIngest
import TraceRunBuilder
import WorkflowCore

/// Agent Framework's OTLP export of one research_writer run, copied from `/work/shared/captures`: three protobuf
/// batches (children before parents; the last holds `workflow.run`) and, from a second run, two OTLP/JSON ones.
enum Capture {
    static let protobufBatches = ["otlp_research_writer_traces_1.pb", "otlp_research_writer_traces_2.pb", "otlp_research_writer_traces_3.pb"]
    static let jsonBatches = ["otlp_research_writer_json_traces_1.json", "otlp_research_writer_json_traces_2.json"]
    /// The protobuf run's trace id (its `workflow.build` is a trace of its own).
    static let runTraceId = "32d54f851f86107d1ee4e9e089e0642a"
    static let jsonRunTraceId = "c3fd681e1070694aa892f51bea1223f1"

    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(name)))
    }

    /// The spans of each protobuf batch, decoded.
    static func protobufSpans() throws -> [[TraceSpan]] {
        try protobufBatches.map { try OTLPSpans.decodeProtobuf(bytes($0)) }
    }

    static func jsonSpans() throws -> [[TraceSpan]] {
        try jsonBatches.map { try OTLPSpans.decodeJSON(bytes($0)) }
    }
}

/// What a person sees of a run once its events are applied to the dashboard, in a form that does not depend on
/// the order the spans came in (pane order and line order may differ; the facts may not).
struct RunPicture: Equatable, CustomStringConvertible {
    var status: String
    var panes: [String: String]
    var tools: [String]
    var transitions: [String]
    var usage: [String: String]
    var warnings: [String]
    var output: String?

    init(_ state: DashboardState) {
        status = "\(state.runStatus)"
        panes = Dictionary(uniqueKeysWithValues: state.agents.map { ($0.name, "\($0.status)") })
        tools = state.timeline.map { "\($0.agent) \($0.tool)(\($0.arguments)) -> \($0.result ?? "nil") [\($0.durationMs ?? -1) ms]" }.sorted()
        transitions = state.agents.flatMap { pane in pane.lines.filter { $0.kind == .transition }.map { "\(pane.name): \($0.text)" } }.sorted()
        usage = Dictionary(uniqueKeysWithValues: state.agents.compactMap { pane in
            pane.usage.map { (pane.name, "\($0.inputTokens)/\($0.outputTokens)") }
        })
        warnings = state.warnings.sorted()
        output = state.output?.text
    }

    var description: String {
        "status \(status)\npanes \(panes)\ntools \(tools)\ntransitions \(transitions)\nusage \(usage)\nwarnings \(warnings)\noutput \(output ?? "nil")"
    }
}

/// Feeds span batches to a fresh set of runs and returns each run's events (checking they are numbered 1, 2, 3 …
/// without gaps, as every consumer needs).
struct Feed {
    var runs = TraceRuns()
    var events: [String: [WorkflowEvent]] = [:]

    mutating func add(_ spans: [TraceSpan], now: Double = 0) -> TraceRuns.Outcome {
        let outcome = runs.add(spans, now: now)
        for update in outcome.updates { events[update.runId, default: []] += update.events }
        return outcome
    }

    /// A moment later: complete traces end (the receiver's clock does this).
    mutating func settle() {
        for update in runs.expire(now: 1) { events[update.runId, default: []] += update.events }
    }

    func state(of runId: String) -> DashboardState {
        var state = DashboardState()
        _ = state.update(.events(events[runId] ?? []))
        return state
    }

    func sequencesAreGapFree(_ runId: String) -> Bool {
        let sequences = (events[runId] ?? []).map(\.sequence)
        return sequences == Array(0..<sequences.count).map { $0 + 1 }
    }
}

import EventStream
import WorkflowCore

/// The runs feed (`GET /api/runs/feed`) on the wire: one SSE event per `RunFeedEvent`, `event:` naming it
/// (`snapshot`, `run_started`, `run_progress`, `run_ended`) and `data:` one JSON object, keys in a fixed order
/// (docs/WIRE.md). No `id:`: a feed is not resumed, a new connection starts with a new snapshot.
public enum RunFeedWire {
    public struct DecodingError: Error, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    public static func typeName(of event: RunFeedEvent) -> String {
        switch event {
        case .snapshot: return "snapshot"
        case .started: return "run_started"
        case .progress: return "run_progress"
        case .ended: return "run_ended"
        }
    }

    /// Appends `event` as an SSE event; `now` (seconds since 1970) is when it is sent, for `elapsed_ms`.
    public static func appendSSE(for event: RunFeedEvent, now: Double, encoder: inout SSEEncoder, to output: inout [UInt8]) {
        var data: [UInt8] = []
        switch event {
        case let .snapshot(runs):
            data.append(contentsOf: Array("{\"runs\":[".utf8))
            for (index, run) in runs.enumerated() {
                if index > 0 { data.append(UInt8(ascii: ",")) }
                appendJSON(for: run, now: now, to: &data)
            }
            data.append(contentsOf: Array("]}".utf8))
        case let .started(run), let .progress(run), let .ended(run):
            appendJSON(for: run, now: now, to: &data)
        }
        // Fixed type names and JSON without raw line breaks: this cannot throw.
        try? encoder.encode(type: typeName(of: event), id: "", data: data, into: &output)
    }

    /// One summary as a JSON object (no newline), as the feed and `flowtop top --json` write it.
    public static func appendJSON(for run: RunSummary, now: Double, to output: inout [UInt8]) {
        var object = JSONObjectWriter(output: output)
        output = []
        defer { output = object.finish() }
        object.add("id", run.id)
        object.add("workflow", run.workflow)
        object.add("state", run.state.rawValue)
        object.addRaw("started", milliseconds(run.started))
        if let finished = run.finished { object.addRaw("finished", milliseconds(finished)) }
        object.addRaw("elapsed_ms", String(Int((run.elapsed(at: now) * 1000).rounded())))
        object.addRaw("agents", JSONValue.array(run.agents.map(JSONValue.string)).jsonText)
        if let agent = run.currentAgent { object.add("current_agent", agent) }
        object.addRaw("input_tokens", String(run.usage.inputTokens))
        object.addRaw("output_tokens", String(run.usage.outputTokens))
        if run.usage.estimated { object.addRaw("tokens_estimated", "true") }
        object.addRaw("tool_calls", String(run.toolCalls))
        object.addRaw("events", String(run.events))
        object.addRaw("events_per_second", String(run.eventsPerSecond))
    }

    /// Seconds since 1970 to the millisecond.
    private static func milliseconds(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "0" }
        let value = (seconds * 1000).rounded() / 1000
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// Decodes one feed event; nil for an event type the feed does not send (a newer server's: skipped).
    public static func decode(_ event: SSEEvent) throws(DecodingError) -> RunFeedEvent? {
        guard ["snapshot", "run_started", "run_progress", "run_ended"].contains(event.type) else { return nil }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: event.data)
        } catch {
            throw DecodingError(reason: "\(event.type): not JSON: \(error.reason)")
        }
        switch event.type {
        case "snapshot":
            guard let runs = value["runs"]?.arrayValue else { throw DecodingError(reason: "snapshot: no \"runs\" array") }
            var summaries: [RunSummary] = []
            for run in runs { summaries.append(try summary(run, in: event.type)) }
            return .snapshot(summaries)
        case "run_started": return .started(try summary(value, in: event.type))
        case "run_progress": return .progress(try summary(value, in: event.type))
        default: return .ended(try summary(value, in: event.type))
        }
    }

    static func summary(_ value: JSONValue, in type: String) throws(DecodingError) -> RunSummary {
        guard let id = value["id"]?.stringValue, !id.isEmpty else { throw DecodingError(reason: "\(type): no \"id\"") }
        guard let state = value["state"]?.stringValue.flatMap(RunState.init(rawValue:)) else {
            throw DecodingError(reason: "\(type): \(id) has no known \"state\"")
        }
        func number(_ key: String) -> Double? {
            if case let .number(number)? = value[key] { return number }
            return nil
        }
        func count(_ key: String) -> Int { max(0, value[key]?.intValue ?? 0) }
        var estimated = false
        if case .bool(true)? = value["tokens_estimated"] { estimated = true }
        return RunSummary(
            id: id, workflow: value["workflow"]?.stringValue ?? "", state: state, started: number("started") ?? 0,
            finished: number("finished"), agents: (value["agents"]?.arrayValue ?? []).compactMap(\.stringValue),
            currentAgent: value["current_agent"]?.stringValue,
            usage: Usage(inputTokens: count("input_tokens"), outputTokens: count("output_tokens"), estimated: estimated),
            toolCalls: count("tool_calls"), events: count("events"), eventsPerSecond: count("events_per_second"))
    }
}

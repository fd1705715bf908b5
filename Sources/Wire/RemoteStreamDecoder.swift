import EventStream
import Foundation
import WorkflowCore

/// Turns the SSE events of one remote wire dialect into flowtop's `WorkflowEvent`s.
///
/// Decoders are stateful values: feed them the stream's events in order, then call `finish` when the stream ends.
/// They never throw: a malformed event becomes a `.warning` and decoding continues; an unknown event type is
/// counted in `unknownEventCounts` and warned about once per type. Events are numbered 1, 2, … without gaps (the
/// flowtop dialect keeps the server's own numbers) and stamped with the time passed in, so tests are deterministic.
public protocol RemoteStreamDecoder {
    /// Decodes one SSE event that arrived at `timestamp` (seconds since 1970).
    mutating func decode(_ event: SSEEvent, at timestamp: Double) -> [WorkflowEvent]
    /// The stream ended at `timestamp`: closes a run that had no terminal event (or reports it as failed).
    mutating func finish(at timestamp: Double) -> [WorkflowEvent]
    /// Event types this decoder did not recognise, by type name, with how often each arrived.
    var unknownEventCounts: [String: Int] { get }
    /// Event types this decoder recognised and deliberately dropped (snapshots, bookkeeping), by type name.
    var ignoredEventCounts: [String: Int] { get }
}

extension RemoteStreamDecoder {
    /// Decodes one SSE event stamped with the wall clock.
    public mutating func decode(_ event: SSEEvent) -> [WorkflowEvent] {
        decode(event, at: Date().timeIntervalSince1970)
    }

    /// Ends the stream, stamped with the wall clock.
    public mutating func finish() -> [WorkflowEvent] {
        finish(at: Date().timeIntervalSince1970)
    }
}

/// The bookkeeping every decoder shares: numbering, counts, one warning per unknown type, and the terminal state.
struct DecoderLedger: Sendable {
    var nextSequence = 1
    /// SSE events received so far (the "event N" in warnings).
    var received = 0
    var unknownCounts: [String: Int] = [:]
    var ignoredCounts: [String: Int] = [:]
    var isTerminated = false
    var pending: [WorkflowEvent] = []

    mutating func emit(_ kind: WorkflowEvent.Kind, at timestamp: Double) {
        pending.append(WorkflowEvent(sequence: nextSequence, timestamp: timestamp, kind: kind))
        nextSequence += 1
        if case .runCompleted = kind { isTerminated = true }
        if case .runFailed = kind { isTerminated = true }
        if case .runCancelled = kind { isTerminated = true }
    }

    /// The event's JSON object, or nil having warned that it is not one (the stream goes on).
    mutating func object(_ data: String, agent: String? = nil, at timestamp: Double) -> [String: JSONValue]? {
        switch JSONObjectParse(data) {
        case let .object(object): return object
        case let .failure(reason):
            warn(reason, agent: agent, at: timestamp)
            return nil
        }
    }

    /// A warning naming the event number, as in "event 12: not JSON: …".
    mutating func warn(_ reason: String, agent: String? = nil, at timestamp: Double) {
        emit(.warning(agent: agent, message: "event \(received): \(reason)"), at: timestamp)
    }

    /// Counts an unknown type; the first of each type gives a warning.
    mutating func unknown(_ type: String, at timestamp: Double) {
        let count = unknownCounts[type, default: 0] + 1
        unknownCounts[type] = count
        if count == 1 { warn("unknown event type \"\(type)\" (further ones are counted, not shown)", at: timestamp) }
    }

    mutating func ignore(_ type: String) {
        ignoredCounts[type, default: 0] += 1
    }

    /// The events produced since the last call.
    mutating func drain() -> [WorkflowEvent] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }
}

/// Parses an SSE event's data as a JSON object, or says why it is not one.
enum JSONObjectParse {
    case object([String: JSONValue])
    case failure(String)

    init(_ data: String) {
        do {
            let value = try JSONValue(parsing: data)
            if let object = value.objectValue { self = .object(object) } else { self = .failure("not a JSON object") }
        } catch {
            self = .failure("not JSON: \(error.reason)")
        }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    func string(_ key: String) -> String? { self[key]?.stringValue }
}

import EventStream
import WorkflowCore

/// The flowtop dialect (`FlowtopWireFormat`), through `FlowtopWireDecoder`.
///
/// Keeps the server's sequence numbers and timestamps (so `Last-Event-ID` and gap detection mean the same on both
/// sides). An event that cannot be decoded becomes a warning that takes that event's number (its SSE `id`), so the
/// numbering stays gap-free; events without a number are numbered after the last one seen.
public struct FlowtopStreamDecoder: RemoteStreamDecoder, Sendable {
    private var ledger = DecoderLedger()

    public init() {}

    public var unknownEventCounts: [String: Int] { ledger.unknownCounts }
    public var ignoredEventCounts: [String: Int] { ledger.ignoredCounts }

    public mutating func decode(_ event: SSEEvent, at timestamp: Double) -> [WorkflowEvent] {
        ledger.received += 1
        let serverSequence = event.numericId ?? Int(event.id)
        do {
            var decoded = try FlowtopWireDecoder.decode(event)
            if decoded.sequence <= 0 { decoded.sequence = ledger.nextSequence }
            if decoded.timestamp == 0 { decoded.timestamp = timestamp }
            ledger.nextSequence = max(ledger.nextSequence, decoded.sequence + 1)
            if decoded.isTerminal { ledger.isTerminated = true }
            return [decoded]
        } catch {
            // Number the warning as the event it replaces.
            if let serverSequence, serverSequence >= ledger.nextSequence { ledger.nextSequence = serverSequence }
            if error.reason.hasPrefix("unknown event type"), case let .object(object) = JSONObjectParse(event.data),
                let type = object.string("type") ?? (event.type == "message" ? nil : event.type)
            {
                ledger.unknown(type, at: timestamp)
                // A repeated unknown type gives no warning: its number is skipped, as the server numbered it.
                if ledger.pending.isEmpty, let serverSequence { ledger.nextSequence = serverSequence + 1 }
            } else {
                ledger.warn(error.reason, at: timestamp)
            }
            return ledger.drain()
        }
    }

    public mutating func finish(at timestamp: Double) -> [WorkflowEvent] {
        guard !ledger.isTerminated else { return [] }
        ledger.emit(.runFailed(error: "the stream ended before the run's done or error event", agent: nil), at: timestamp)
        return ledger.drain()
    }
}

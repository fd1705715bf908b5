/// One dispatched Server-Sent Event, with the fields a browser's `MessageEvent` exposes.
///
/// `id` is the stream's last event ID *at dispatch time*: per the WHATWG rules it persists across events until
/// another `id` field changes it, so an event without an `id:` line still carries the previous one.
public struct SSEEvent: Sendable, Hashable {
    /// The event type; `"message"` when the block had no (or an empty) `event` field.
    public var type: String
    /// The `data` lines of the block joined with `"\n"`.
    public var data: String
    /// The reconnection time in milliseconds, set when a valid `retry` field arrived since the previous event.
    public var retry: Int?
    var eventId: EventID

    /// The last event ID when this event was dispatched (`""` until a server sends one).
    public var id: String {
        get { eventId.text }
        set { eventId = EventID(newValue) }
    }

    /// `id` as a number, without making its text, when it is the canonical decimal text of one (a sequence number:
    /// no sign, no leading zero); nil otherwise.
    public var numericId: Int? {
        if case let .number(value) = eventId { return value }
        return nil
    }

    /// Whether `other` carries the same id, compared without making either text.
    public func hasSameId(as other: SSEEvent) -> Bool { eventId == other.eventId }

    public init(type: String = "message", data: String, id: String = "", retry: Int? = nil) {
        self.init(type: type, data: data, eventId: EventID(id), retry: retry)
    }

    init(type: String, data: String, eventId: EventID, retry: Int?) {
        self.type = type
        self.data = data
        self.eventId = eventId
        self.retry = retry
    }
}

/// An event ID, kept as a number when it is the canonical decimal text of one (sequence numbers, the common case),
/// so that parsing a stream does not build a string for every event's ID; the text is made when asked for.
/// Every path that makes one normalises the same way, so equal texts always compare equal.
enum EventID: Sendable, Hashable {
    case number(Int)
    case text(String)

    static let empty = EventID.text("")

    init(_ text: String) {
        let number = text.utf8.withContiguousStorageIfAvailable { Self.canonicalDecimal($0) } ?? nil
        self = number.map(EventID.number) ?? .text(text)
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        if let number = Self.canonicalDecimal(bytes) {
            self = .number(number)
        } else {
            self = .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    var text: String {
        switch self {
        case let .number(value): return String(value)
        case let .text(text): return text
        }
    }

    /// `0`, or 1–18 ASCII digits without a leading zero: exactly the texts `String(Int)` gives back unchanged.
    @inline(__always)
    static func canonicalDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        if bytes[0] == ASCII.zero { return bytes.count == 1 ? 0 : nil }
        var value = 0
        for byte in bytes {
            guard byte >= ASCII.zero, byte <= ASCII.nine else { return nil }
            value = value * 10 + Int(byte - ASCII.zero)
        }
        return value
    }
}

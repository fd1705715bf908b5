/// Turns events into `text/event-stream` bytes that `SSEParser` reads back as the same events.
///
/// It is stateful on purpose: the last event ID persists across events in the parser, so the encoder writes an
/// `id:` line only when an event's `id` differs from the previous one (an empty `id` line resets it).
///
/// SSE cannot carry a carriage return inside `data`: CR, LF and CRLF all end a `data:` line. The encoder therefore
/// splits data on each of them, and the event read back has each line break as LF.
public struct SSEEncoder: Sendable {
    private var lastId = ""

    public init() {}

    /// Appends the bytes of `event` (its `event:`, `id:`, `retry:` and `data:` lines and the blank line) to `output`.
    public mutating func encode(_ event: SSEEvent, into output: inout [UInt8]) throws(SSEEncodingError) {
        if event.type != "message" {
            guard !event.type.isEmpty else { throw .emptyType }
            guard !Self.containsLineBreak(event.type) else { throw .lineBreakInType(event.type) }
        }
        if event.id != lastId {
            guard !Self.containsLineBreak(event.id) else { throw .lineBreakInId(event.id) }
            guard !event.id.utf8.contains(0) else { throw .nulInId(event.id) }
        }
        if let retry = event.retry, retry < 0 { throw .negativeRetry(retry) }

        if event.type != "message" {
            output.append(contentsOf: Self.eventPrefix)
            output.append(contentsOf: event.type.utf8)
            output.append(ASCII.lf)
        }
        if event.id != lastId {
            output.append(contentsOf: Self.idPrefix)
            output.append(contentsOf: event.id.utf8)
            output.append(ASCII.lf)
            lastId = event.id
        }
        if let retry = event.retry {
            output.append(contentsOf: Self.retryPrefix)
            output.append(contentsOf: String(retry).utf8)
            output.append(ASCII.lf)
        }
        Self.appendDataLines(event.data, to: &output)
        output.append(ASCII.lf)
    }

    /// The bytes of one event.
    public mutating func encode(_ event: SSEEvent) throws(SSEEncodingError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(event.data.utf8.count + 32)
        try encode(event, into: &output)
        return output
    }

    /// A comment block (`: keepalive`); each line of `text` becomes its own comment line. Parsers ignore it, which
    /// is what keeps proxies and load balancers from timing out a quiet stream.
    public static func comment(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        for line in lines(of: text) {
            output.append(ASCII.colon)
            if !line.isEmpty { output.append(ASCII.space) }
            output.append(contentsOf: line)
            output.append(ASCII.lf)
        }
        return output
    }

    /// A `retry:` field on its own, which sets the client's reconnection time without dispatching an event.
    public static func retry(milliseconds: Int) -> [UInt8] {
        precondition(milliseconds >= 0, "retry must not be negative")
        return Array("retry: \(milliseconds)\n".utf8)
    }

    private static let eventPrefix = Array("event: ".utf8)
    private static let idPrefix = Array("id: ".utf8)
    private static let retryPrefix = Array("retry: ".utf8)
    private static let dataPrefix = Array("data: ".utf8)

    private static func appendDataLines(_ data: String, to output: inout [UInt8]) {
        for line in lines(of: data) {
            output.append(contentsOf: dataPrefix)
            output.append(contentsOf: line)
            output.append(ASCII.lf)
        }
    }

    /// Splits on CR, LF and CRLF, as the parser does (never on U+2028 or other Unicode separators).
    private static func lines(of text: String) -> [Substring.UTF8View] {
        var result: [Substring.UTF8View] = []
        let utf8 = text.utf8
        var lineStart = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == ASCII.lf || byte == ASCII.cr {
                result.append(utf8[lineStart..<index])
                var next = utf8.index(after: index)
                if byte == ASCII.cr, next != utf8.endIndex, utf8[next] == ASCII.lf { next = utf8.index(after: next) }
                lineStart = next
                index = next
            } else {
                index = utf8.index(after: index)
            }
        }
        result.append(utf8[lineStart...])
        return result
    }

    private static func containsLineBreak(_ text: String) -> Bool {
        text.utf8.contains { $0 == ASCII.lf || $0 == ASCII.cr }
    }
}

/// Why an event cannot be written as SSE without changing its meaning.
public enum SSEEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    case lineBreakInId(String)
    case nulInId(String)
    case lineBreakInType(String)
    case emptyType
    case negativeRetry(Int)

    public var description: String {
        switch self {
        case let .lineBreakInId(id): return "an event id cannot contain a line break: \(id.debugDescription)"
        case let .nulInId(id): return "an event id cannot contain NUL (parsers ignore such ids): \(id.debugDescription)"
        case let .lineBreakInType(type): return "an event type cannot contain a line break: \(type.debugDescription)"
        case .emptyType: return "an event type cannot be empty (use \"message\", the default)"
        case let .negativeRetry(value): return "retry must be a non-negative number of milliseconds, not \(value)"
        }
    }
}

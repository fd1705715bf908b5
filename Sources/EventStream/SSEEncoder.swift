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
        try encode(type: event.type, id: event.id, data: Array(event.data.utf8), retry: event.retry, into: &output)
    }

    /// Appends an event whose data is already UTF-8 bytes (a server's JSON), saving the `SSEEvent` and its data
    /// string. The same rules and bytes as `encode(_:into:)`.
    public mutating func encode(
        type: String = "message", id: String, data: [UInt8], retry: Int? = nil, into output: inout [UInt8]
    ) throws(SSEEncodingError) {
        var failure: SSEEncodingError?
        data.withUnsafeBufferPointer { bytes in
            do throws(SSEEncodingError) {
                try encode(type: type, id: id, data: bytes, retry: retry, into: &output)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    private mutating func encode(
        type: String, id: String, data: UnsafeBufferPointer<UInt8>, retry: Int?, into output: inout [UInt8]
    ) throws(SSEEncodingError) {
        if type != "message" {
            guard !type.isEmpty else { throw .emptyType }
            guard !Self.containsLineBreak(type) else { throw .lineBreakInType(type) }
        }
        if id != lastId {
            guard !Self.containsLineBreak(id) else { throw .lineBreakInId(id) }
            guard !id.utf8.contains(0) else { throw .nulInId(id) }
        }
        if let retry, retry < 0 { throw .negativeRetry(retry) }

        if type != "message" {
            output.append(contentsOf: Self.eventPrefix)
            output.append(contentsOf: type.utf8)
            output.append(ASCII.lf)
        }
        if id != lastId {
            output.append(contentsOf: Self.idPrefix)
            output.append(contentsOf: id.utf8)
            output.append(ASCII.lf)
            lastId = id
        }
        if let retry {
            output.append(contentsOf: Self.retryPrefix)
            output.append(contentsOf: String(retry).utf8)
            output.append(ASCII.lf)
        }
        Self.appendDataLines(data, to: &output)
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

    /// One `data:` line per line of `data` (split on CR, LF and CRLF, as the parser reads them).
    private static func appendDataLines(_ data: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var lineStart = 0
        var index = 0
        while index < data.count {
            let byte = data[index]
            guard byte == ASCII.lf || byte == ASCII.cr else {
                index += 1
                continue
            }
            output.append(contentsOf: dataPrefix)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: data[lineStart..<index]))
            output.append(ASCII.lf)
            index += byte == ASCII.cr && index + 1 < data.count && data[index + 1] == ASCII.lf ? 2 : 1
            lineStart = index
        }
        output.append(contentsOf: dataPrefix)
        output.append(contentsOf: UnsafeBufferPointer(rebasing: data[lineStart...]))
        output.append(ASCII.lf)
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

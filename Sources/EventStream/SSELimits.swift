/// Bounds that keep a hostile or broken server from growing a parser's memory without limit.
public struct SSELimits: Sendable, Hashable {
    /// The longest line (field name, colon and value, without its terminator) accepted, in bytes.
    public var maxLineLength: Int
    /// The largest event accepted: the bytes of its `data` lines joined with `"\n"`.
    public var maxEventSize: Int

    /// Generous defaults: 1 MiB lines, 16 MiB events. LLM token events are well under 1 KiB.
    public static let `default` = SSELimits(maxLineLength: 1 << 20, maxEventSize: 16 << 20)

    public init(maxLineLength: Int = 1 << 20, maxEventSize: Int = 16 << 20) {
        precondition(maxLineLength > 0 && maxEventSize > 0, "SSE limits must be positive")
        self.maxLineLength = maxLineLength
        self.maxEventSize = maxEventSize
    }
}

/// Why a parser stopped. A parser that threw stays failed: the stream it was reading cannot be trusted further.
public enum SSEParserError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A line grew past `SSELimits.maxLineLength`; `offset` is the stream byte offset where the line started.
    case lineTooLong(limit: Int, offset: Int)
    /// An event's data grew past `SSELimits.maxEventSize`; `offset` is where the offending `data` line started.
    case eventTooLarge(limit: Int, offset: Int)

    public var description: String {
        switch self {
        case let .lineTooLong(limit, offset):
            return "a line starting at byte \(offset) is longer than the limit of \(limit) bytes"
        case let .eventTooLarge(limit, offset):
            return "an event's data passes the limit of \(limit) bytes (at the data line starting at byte \(offset))"
        }
    }
}

/// An incremental parser for `text/event-stream`, following the WHATWG HTML "event stream interpretation" rules.
///
/// Feed it chunks of any size, split anywhere (inside a CRLF, a UTF-8 sequence or a field name); it calls back with
/// each event the spec dispatches. It never rescans a partial line: each byte is looked at a bounded number of
/// times, whatever the chunking, and the bytes of a `data` value are copied once, into the event's string, when the
/// line and its dispatching blank line arrive in the same chunk (the common case).
///
/// Deliberate spec points where popular libraries differ: an event still open at end of stream is discarded, not
/// dispatched; only one BOM, at the very start of the stream, is skipped; `retry: 0` is valid.
public struct SSEParser: Sendable {
    public let limits: SSELimits

    /// The last event ID of the stream, updated when an event is dispatched (also by a block with no data). This is
    /// the value a reconnecting client sends as `Last-Event-ID`; it survives `finish()` so a parser can be reused
    /// across reconnections.
    public var lastEventId: String { lastId.text }
    private var lastId = EventID.empty
    /// The reconnection time in milliseconds set by the last valid `retry` field, if any.
    public private(set) var reconnectionTime: Int?
    /// Comment lines (`: keepalive`) seen so far; useful to show that a quiet server is alive.
    public private(set) var commentCount = 0
    /// Events dispatched so far.
    public private(set) var eventCount = 0

    // Per-stream buffers (the spec's data, event type and last event ID buffers).
    private var idBuffer = EventID.empty
    private var eventType = ""
    private var data: [UInt8] = []
    private var dataLineCount = 0
    private var dataSize = 0
    private var pendingRetry: Int?
    /// A line that began in an earlier chunk and is not terminated yet.
    private var partialLine: [UInt8] = []
    private var partialLineOffset = 0
    /// Set when a chunk ended with CR: an LF starting the next chunk completes that CRLF rather than ending a line.
    private var skipLeadingLF = false
    private var bomBytesSeen = 0
    private var bomResolved = false
    /// Stream bytes consumed before the current chunk, for error offsets.
    private var streamOffset = 0
    private var failure: SSEParserError?

    public init(limits: SSELimits = .default) {
        self.limits = limits
    }

    /// Parses the next chunk of the stream, calling `onEvent` for each dispatched event in order.
    ///
    /// Throws `SSEParserError` when a limit is passed; the parser then stays failed. If `onEvent` throws, the error
    /// propagates and the rest of the chunk is not parsed.
    public mutating func parse(
        _ chunk: UnsafeBufferPointer<UInt8>,
        onEvent: (SSEEvent) throws -> Void
    ) throws {
        if let failure { throw failure }
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        let end = chunk.count
        var start = 0
        defer { streamOffset += end }

        if !bomResolved {
            while start < end, bomBytesSeen < 3, base[start] == Self.bom[bomBytesSeen] {
                bomBytesSeen += 1
                start += 1
            }
            if bomBytesSeen == 3 {
                bomResolved = true
            } else if start == end {
                return  // every byte so far may still be a BOM split across chunks
            } else {
                bomResolved = true
                // A BOM prefix that was not a BOM after all is ordinary content of the first line.
                partialLine.append(contentsOf: Self.bom[0..<bomBytesSeen])
                partialLineOffset = 0
            }
        }
        if skipLeadingLF, start < end {
            skipLeadingLF = false
            if base[start] == ASCII.lf { start += 1 }
        }

        // A single data line that starts and is dispatched within this chunk is turned into a string straight
        // from the chunk; anything still pending when the chunk ends is copied into `data` first.
        var deferredData: UnsafeBufferPointer<UInt8>?
        defer {
            if let pending = deferredData { data.append(contentsOf: pending) }
        }

        var nextCR = -1  // the first CR at or after where it was last searched from, or `end` when there is none
        while start < end {
            // Most lines are short: look at their first bytes in place, and hand longer ones to memchr.
            let nearEnd = min(end, start + Self.inlineScanLength)
            var lineEnd = ByteSearch.firstLineBreak(in: base, from: start, to: nearEnd)
            if lineEnd == nearEnd, nearEnd < end {
                if nextCR < nearEnd { nextCR = Self.index(of: ASCII.cr, in: base, from: nearEnd, to: end) ?? end }
                lineEnd = Self.index(of: ASCII.lf, in: base, from: nearEnd, to: nextCR) ?? nextCR
            }
            if lineEnd == end {
                try appendToPartialLine(UnsafeBufferPointer(start: base + start, count: end - start), offset: start)
                break
            }
            if partialLine.isEmpty {
                let length = lineEnd - start
                if length > limits.maxLineLength {
                    throw fail(.lineTooLong(limit: limits.maxLineLength, offset: streamOffset + start))
                }
                try processLine(
                    UnsafeBufferPointer(start: base + start, count: length), inChunk: true,
                    offset: streamOffset + start, deferredData: &deferredData, onEvent: onEvent)
            } else {
                try appendToPartialLine(UnsafeBufferPointer(start: base + start, count: lineEnd - start), offset: start)
                var line: [UInt8] = []
                swap(&line, &partialLine)
                let lineOffset = partialLineOffset
                try line.withUnsafeBufferPointer {
                    try processLine($0, inChunk: false, offset: lineOffset, deferredData: &deferredData, onEvent: onEvent)
                }
                line.removeAll(keepingCapacity: line.capacity <= Self.retainedCapacity)
                swap(&line, &partialLine)
            }
            if base[lineEnd] == ASCII.cr {
                if lineEnd + 1 == end {
                    skipLeadingLF = true
                    start = end
                } else {
                    start = base[lineEnd + 1] == ASCII.lf ? lineEnd + 2 : lineEnd + 1
                }
            } else {
                start = lineEnd + 1
            }
        }
    }

    /// Parses a chunk held in raw memory (a socket read, a memory-mapped file).
    public mutating func parse(_ chunk: UnsafeRawBufferPointer, onEvent: (SSEEvent) throws -> Void) throws {
        try parse(chunk.assumingMemoryBound(to: UInt8.self), onEvent: onEvent)
    }

    /// Parses a chunk and appends the dispatched events to `events`.
    public mutating func parse(_ chunk: some Sequence<UInt8>, into events: inout [SSEEvent]) throws {
        let handled: Void? = try chunk.withContiguousStorageIfAvailable { buffer in
            try parse(buffer) { events.append($0) }
        }
        if handled == nil {
            let copy = Array(chunk)
            try copy.withUnsafeBufferPointer { buffer in
                try parse(buffer) { events.append($0) }
            }
        }
    }

    /// Parses a chunk and returns the events it completed.
    public mutating func parse(_ chunk: some Sequence<UInt8>) throws -> [SSEEvent] {
        var events: [SSEEvent] = []
        try parse(chunk, into: &events)
        return events
    }

    /// Ends the stream. Per the spec, an event that was not terminated by a blank line is discarded, not dispatched.
    /// Resets the per-stream state so the parser can read a new connection's stream; `lastEventId` and
    /// `reconnectionTime` are kept, as an `EventSource` keeps them across reconnections.
    ///
    /// - Returns: whether anything was discarded (an unterminated line or an event without its blank line).
    @discardableResult
    public mutating func finish() -> Bool {
        let discarded = !partialLine.isEmpty || dataLineCount > 0 || (!bomResolved && bomBytesSeen > 0)
        idBuffer = .empty
        eventType = ""
        data = []
        dataLineCount = 0
        dataSize = 0
        pendingRetry = nil
        partialLine = []
        skipLeadingLF = false
        bomBytesSeen = 0
        bomResolved = false
        streamOffset = 0
        return discarded
    }

    // MARK: - Lines and fields

    private mutating func appendToPartialLine(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int) throws {
        if partialLine.isEmpty { partialLineOffset = streamOffset + offset }
        if partialLine.count + bytes.count > limits.maxLineLength {
            throw fail(.lineTooLong(limit: limits.maxLineLength, offset: partialLineOffset))
        }
        partialLine.append(contentsOf: bytes)
    }

    private mutating func processLine(
        _ line: UnsafeBufferPointer<UInt8>,
        inChunk: Bool,
        offset: Int,
        deferredData: inout UnsafeBufferPointer<UInt8>?,
        onEvent: (SSEEvent) throws -> Void
    ) throws {
        guard let p = line.baseAddress, line.count > 0 else {
            try dispatch(deferredData: &deferredData, onEvent: onEvent)
            return
        }
        let n = line.count
        if p[0] == ASCII.colon {
            commentCount += 1
            return
        }
        // The common field names are checked in place before a general search for the colon.
        let nameLength: Int
        // (p[0] is not a colon, and no field name has 1 or 3 bytes, so an earlier colon cannot make a match wrong.)
        if n > 2, p[2] == ASCII.colon {
            nameLength = 2
        } else if n > 4, p[4] == ASCII.colon {
            nameLength = 4
        } else {
            nameLength = Self.index(of: ASCII.colon, in: p, from: 0, to: n) ?? n
        }
        var valueStart = nameLength + 1
        if valueStart < n, p[valueStart] == ASCII.space { valueStart += 1 }
        let value = valueStart < n
            ? UnsafeBufferPointer(start: p + valueStart, count: n - valueStart)
            : UnsafeBufferPointer(start: p + n, count: 0)

        switch nameLength {
        case 4 where Self.matches(p, "data"):
            let added = (dataLineCount > 0 ? 1 : 0) + value.count
            if dataSize + added > limits.maxEventSize {
                throw fail(.eventTooLarge(limit: limits.maxEventSize, offset: offset))
            }
            dataSize += added
            if dataLineCount == 0, inChunk, data.isEmpty {
                deferredData = value
            } else {
                if let pending = deferredData {
                    data.append(contentsOf: pending)
                    deferredData = nil
                }
                if dataLineCount > 0 { data.append(ASCII.lf) }
                data.append(contentsOf: value)
            }
            dataLineCount += 1
        case 5 where Self.matches(p, "event"):
            eventType = String(decoding: value, as: UTF8.self)
        case 2 where Self.matches(p, "id"):
            if Self.index(of: 0, in: p, from: valueStart, to: n) == nil {
                idBuffer = EventID(bytes: value)
            }
        case 5 where Self.matches(p, "retry"):
            if let milliseconds = Self.decimal(value) {
                reconnectionTime = milliseconds
                pendingRetry = milliseconds
            }
        default:
            break  // unknown fields are ignored
        }
    }

    private mutating func dispatch(
        deferredData: inout UnsafeBufferPointer<UInt8>?,
        onEvent: (SSEEvent) throws -> Void
    ) throws {
        lastId = idBuffer
        guard dataLineCount > 0 else {
            eventType = ""
            return
        }
        let text: String
        if let pending = deferredData {
            text = String(decoding: pending, as: UTF8.self)
            deferredData = nil
        } else {
            text = String(decoding: data, as: UTF8.self)
            data.removeAll(keepingCapacity: data.capacity <= Self.retainedCapacity)
        }
        let event = SSEEvent(
            type: eventType.isEmpty ? "message" : eventType, data: text, eventId: lastId, retry: pendingRetry)
        eventType = ""
        pendingRetry = nil
        dataLineCount = 0
        dataSize = 0
        eventCount += 1
        try onEvent(event)
    }

    private mutating func fail(_ error: SSEParserError) -> SSEParserError {
        failure = error
        return error
    }

    // MARK: - Byte helpers

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    /// How far a line is scanned word by word before memchr takes over (a call costs more than a short scan).
    private static let inlineScanLength = 64
    /// Buffers that grew past this (a huge event) are released after use rather than kept for the next one.
    private static let retainedCapacity = 64 * 1024

    @inline(__always)
    static func index(of byte: UInt8, in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let hit = ByteSearch.first(byte, in: base + from, count: to - from) else { return nil }
        return base.distance(to: hit)
    }

    @inline(__always)
    private static func matches(_ p: UnsafePointer<UInt8>, _ name: StaticString) -> Bool {
        let expected = name.utf8Start
        for i in 0..<name.utf8CodeUnitCount where p[i] != expected[i] { return false }
        return true
    }

    /// `retry` accepts ASCII digits only; an empty value or one too large for `Int` is ignored.
    private static func decimal(_ value: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !value.isEmpty else { return nil }
        var result = 0
        for byte in value {
            guard byte >= ASCII.zero, byte <= ASCII.nine else { return nil }
            let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int(byte - ASCII.zero))
            if overflow1 || overflow2 { return nil }
            result = sum
        }
        return result
    }
}

enum ASCII {
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let colon: UInt8 = 0x3A
    static let space: UInt8 = 0x20
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
}

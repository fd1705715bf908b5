import EventStream
import Testing

/// Parses `bytes` fed in chunks of `chunkSize` (all at once when nil) and ends the stream.
func parse(_ bytes: [UInt8], chunkSize: Int? = nil, limits: SSELimits = .default) throws -> [SSEEvent] {
    var parser = SSEParser(limits: limits)
    var events: [SSEEvent] = []
    let size = max(1, chunkSize ?? bytes.count)
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + size)
        try parser.parse(bytes[offset..<end], into: &events)
        offset = end
    }
    parser.finish()
    return events
}

func parse(_ text: String, chunkSize: Int? = nil) throws -> [SSEEvent] {
    try parse(Array(text.utf8), chunkSize: chunkSize)
}

/// Parses `bytes` split into the given chunks.
func parse(chunks: [[UInt8]]) throws -> [SSEEvent] {
    var parser = SSEParser()
    var events: [SSEEvent] = []
    for chunk in chunks { try parser.parse(chunk, into: &events) }
    parser.finish()
    return events
}

func message(_ data: String, id: String = "", type: String = "message", retry: Int? = nil) -> SSEEvent {
    SSEEvent(type: type, data: data, id: id, retry: retry)
}



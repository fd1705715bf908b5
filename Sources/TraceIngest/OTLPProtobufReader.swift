#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TraceRunBuilder

/// A protobuf `ExportTraceServiceRequest` read straight into `TraceSpan`s, without SwiftProtobuf's message tree (a
/// heap object per span, attribute and value, then copied once more into ours): the hot path of OTLP ingest.
///
/// It is strict and steps aside for anything unusual — a known field with another wire type, a singular message
/// sent twice (which protobuf merges), groups, invalid UTF-8, deep nesting — by returning nil, so SwiftProtobuf
/// still decides every odd body and words its errors. What it does accept it reads as SwiftProtobuf would, skipped
/// fields included: strings are checked for UTF-8 and sub-messages (scopes, events, link attributes) are walked.
struct OTLPProtobufReader {
    private var bytes: UnsafeRawBufferPointer
    private var position = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The spans of the request, or nil when SwiftProtobuf should decide.
    static func spans(of body: [UInt8]) -> [TraceSpan]? {
        body.withUnsafeBytes { raw in
            var reader = OTLPProtobufReader(raw)
            var ids = IDTexts()
            var spans: [TraceSpan] = []
            spans.reserveCapacity(body.count / 160)
            while !reader.atEnd {
                guard let (field, wire) = reader.tag() else { return nil }
                if field == 1 {
                    guard wire == 2, var message = reader.message(), message.resourceSpans(into: &spans, ids: &ids) else { return nil }
                } else if !reader.skip(wire) {
                    return nil
                }
            }
            return spans
        }
    }

    private var atEnd: Bool { position >= bytes.count }

    // MARK: - Messages

    private mutating func resourceSpans(into spans: inout [TraceSpan], ids: inout IDTexts) -> Bool {
        let first = spans.count
        var service: String?
        var sawResource = false
        while !atEnd {
            guard let (field, wire) = tag() else { return false }
            switch field {
            case 1:
                guard wire == 2, !sawResource, var resource = message(), resource.resource(service: &service) else { return false }
                sawResource = true
            case 2:
                guard wire == 2, var scope = message(), scope.scopeSpans(into: &spans, ids: &ids) else { return false }
            case 3:
                guard wire == 2, string() != nil else { return false }
            default:
                guard skip(wire) else { return false }
            }
        }
        if let service {
            for index in first..<spans.count { spans[index].serviceName = service }
        }
        return true
    }

    /// A resource's attributes; `service` is the first `service.name` one's text.
    private mutating func resource(service: inout String?) -> Bool {
        while !atEnd {
            guard let (field, wire) = tag() else { return false }
            switch field {
            case 1:
                guard wire == 2, var pair = message(), let (key, value) = pair.keyValue(depth: 0) else { return false }
                if service == nil, key == "service.name" { service = value.text }
            case 2:
                guard wire == 0, varint() != nil else { return false }
            default:
                guard skip(wire) else { return false }
            }
        }
        return true
    }

    private mutating func scopeSpans(into spans: inout [TraceSpan], ids: inout IDTexts) -> Bool {
        var sawScope = false
        while !atEnd {
            guard let (field, wire) = tag() else { return false }
            switch field {
            case 1:
                guard wire == 2, !sawScope, var scope = message(), scope.scope() else { return false }
                sawScope = true
            case 2:
                guard wire == 2, var message = message(), let span = message.span(ids: &ids) else { return false }
                spans.append(span)
            case 3:
                guard wire == 2, string() != nil else { return false }
            default:
                guard skip(wire) else { return false }
            }
        }
        return true
    }

    /// An `InstrumentationScope`, read only to be checked.
    private mutating func scope() -> Bool {
        while !atEnd {
            guard let (field, wire) = tag() else { return false }
            switch field {
            case 1, 2:
                guard wire == 2, string() != nil else { return false }
            case 3:
                guard wire == 2, var pair = message(), pair.keyValue(depth: 0) != nil else { return false }
            case 4:
                guard wire == 0, varint() != nil else { return false }
            default:
                guard skip(wire) else { return false }
            }
        }
        return true
    }

    private mutating func span(ids: inout IDTexts) -> TraceSpan? {
        var traceId: UnsafeRawBufferPointer?
        var spanId: UnsafeRawBufferPointer?
        var parentId: UnsafeRawBufferPointer?
        var name = ""
        var start: UInt64 = 0
        var end: UInt64 = 0
        var attributes = SpanAttributes()
        var links: [(trace: UnsafeRawBufferPointer?, span: UnsafeRawBufferPointer?)] = []
        var status = SpanStatus.unset
        var sawStatus = false
        while !atEnd {
            guard let (field, wire) = tag() else { return nil }
            switch field {
            case 1:
                guard wire == 2, let value = lengthDelimited() else { return nil }
                traceId = value
            case 2:
                guard wire == 2, let value = lengthDelimited() else { return nil }
                spanId = value
            case 4:
                guard wire == 2, let value = lengthDelimited() else { return nil }
                parentId = value
            case 3:
                guard wire == 2, string() != nil else { return nil }
            case 5:
                guard wire == 2, let value = string() else { return nil }
                name = value
            case 6, 10, 12, 14:
                guard wire == 0, varint() != nil else { return nil }
            case 7:
                guard wire == 1, let value = fixed64() else { return nil }
                start = value
            case 8:
                guard wire == 1, let value = fixed64() else { return nil }
                end = value
            case 9:
                guard wire == 2, var pair = message(), let (key, value) = pair.keyValue(depth: 0) else { return nil }
                attributes[key] = value
            case 11:
                guard wire == 2, var event = message(), event.event() else { return nil }
            case 13:
                guard wire == 2, var link = message(), let linked = link.link() else { return nil }
                links.append(linked)
            case 15:
                guard wire == 2, !sawStatus, var message = message(), let value = message.status() else { return nil }
                status = value
                sawStatus = true
            case 16:
                guard wire == 5, fixed32() else { return nil }
            default:
                guard skip(wire) else { return nil }
            }
        }
        let trace = ids.trace(traceId)
        let traceBytes = traceId ?? UnsafeRawBufferPointer(start: nil, count: 0)
        return TraceSpan(
            traceId: trace, id: spanId.map(SpanID.init(bytes:)) ?? SpanID(bits: 0),
            parent: parentId.flatMap { $0.isEmpty ? nil : SpanID(bytes: $0) },
            name: name, startNanos: start, endNanos: end, attributes: attributes,
            links: links.compactMap { link in
                // A link to another trace is left out (an empty trace id is this one).
                if let linkTrace = link.trace, !linkTrace.isEmpty, !Self.same(linkTrace, traceBytes) { return nil }
                return link.span.map(SpanID.init(bytes:)) ?? SpanID(bits: 0)
            },
            status: status)
    }

    /// A span event, read only to be checked.
    private mutating func event() -> Bool {
        while !atEnd {
            guard let (field, wire) = tag() else { return false }
            switch field {
            case 1:
                guard wire == 1, fixed64() != nil else { return false }
            case 2:
                guard wire == 2, string() != nil else { return false }
            case 3:
                guard wire == 2, var pair = message(), pair.keyValue(depth: 0) != nil else { return false }
            case 4:
                guard wire == 0, varint() != nil else { return false }
            default:
                guard skip(wire) else { return false }
            }
        }
        return true
    }

    /// A link's trace and span ids (the last of each, as protobuf reads a repeated scalar field).
    private mutating func link() -> (trace: UnsafeRawBufferPointer?, span: UnsafeRawBufferPointer?)? {
        var trace: UnsafeRawBufferPointer?
        var span: UnsafeRawBufferPointer?
        while !atEnd {
            guard let (field, wire) = tag() else { return nil }
            switch field {
            case 1:
                guard wire == 2, let value = lengthDelimited() else { return nil }
                trace = value
            case 2:
                guard wire == 2, let value = lengthDelimited() else { return nil }
                span = value
            case 3:
                guard wire == 2, string() != nil else { return nil }
            case 4:
                guard wire == 2, var pair = message(), pair.keyValue(depth: 0) != nil else { return nil }
            case 5:
                guard wire == 0, varint() != nil else { return nil }
            case 6:
                guard wire == 5, fixed32() else { return nil }
            default:
                guard skip(wire) else { return nil }
            }
        }
        return (trace, span)
    }

    private mutating func status() -> SpanStatus? {
        var message = ""
        var code: Int32 = 0
        while !atEnd {
            guard let (field, wire) = tag() else { return nil }
            switch field {
            case 2:
                guard wire == 2, let value = string() else { return nil }
                message = value
            case 3:
                guard wire == 0, let value = varint() else { return nil }
                code = Int32(truncatingIfNeeded: value)
            default:
                guard skip(wire) else { return nil }
            }
        }
        switch code {
        case 1: return .ok
        case 2: return .error(message)
        default: return .unset
        }
    }

    private mutating func keyValue(depth: Int) -> (String, SpanValue)? {
        var key = ""
        var value: SpanValue?
        while !atEnd {
            guard let (field, wire) = tag() else { return nil }
            switch field {
            case 1:
                guard wire == 2, let text = attributeKey() else { return nil }
                key = text
            case 2:
                guard wire == 2, value == nil, var message = message(), let read = message.anyValue(depth: depth + 1) else { return nil }
                value = read
            default:
                guard skip(wire) else { return nil }
            }
        }
        return (key, value ?? .string(""))
    }

    /// An `AnyValue`: one of its cases (none reads as an empty string, as the SwiftProtobuf path does).
    private mutating func anyValue(depth: Int) -> SpanValue? {
        guard depth < 32 else { return nil }
        var value: SpanValue?
        while !atEnd {
            guard let (field, wire) = tag() else { return nil }
            if field >= 1, field <= 7, value != nil { return nil }
            switch field {
            case 1:
                guard wire == 2, let text = string() else { return nil }
                value = .string(text)
            case 2:
                guard wire == 0, let number = varint() else { return nil }
                value = .bool(number != 0)
            case 3:
                guard wire == 0, let number = varint() else { return nil }
                value = .int(Int64(bitPattern: number))
            case 4:
                guard wire == 1, let bits = fixed64() else { return nil }
                value = .double(Double(bitPattern: bits))
            case 5:
                guard wire == 2, var list = message() else { return nil }
                var values: [SpanValue] = []
                while !list.atEnd {
                    guard let (inner, innerWire) = list.tag() else { return nil }
                    if inner == 1 {
                        guard innerWire == 2, var element = list.message(), let read = element.anyValue(depth: depth + 1) else { return nil }
                        values.append(read)
                    } else if !list.skip(innerWire) {
                        return nil
                    }
                }
                value = .array(values)
            case 6:
                guard wire == 2, var list = message() else { return nil }
                var pairs: [(String, SpanValue)] = []
                while !list.atEnd {
                    guard let (inner, innerWire) = list.tag() else { return nil }
                    if inner == 1 {
                        guard innerWire == 2, var element = list.message(), let pair = element.keyValue(depth: depth + 1) else { return nil }
                        pairs.append(pair)
                    } else if !list.skip(innerWire) {
                        return nil
                    }
                }
                value = .map(pairs)
            case 7:
                guard wire == 2, let data = lengthDelimited() else { return nil }
                value = .bytes(Array(data))
            default:
                guard skip(wire) else { return nil }
            }
        }
        return value ?? .string("")
    }

    // MARK: - Wire format

    /// A field's number and wire type; nil for a malformed tag or field number 0.
    private mutating func tag() -> (Int, Int)? {
        guard let key = varint(), key >> 3 > 0, key >> 3 <= 536_870_911 else { return nil }
        return (Int(key >> 3), Int(key & 7))
    }

    private mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if shift == 63, byte > 1 { return nil }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    private mutating func fixed64() -> UInt64? {
        guard bytes.count - position >= 8 else { return nil }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    private mutating func fixed32() -> Bool {
        guard bytes.count - position >= 4 else { return false }
        position += 4
        return true
    }

    private mutating func lengthDelimited() -> UnsafeRawBufferPointer? {
        guard let length = varint(), length <= UInt64(bytes.count - position) else { return nil }
        let start = position
        position += Int(length)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<position])
    }

    private mutating func message() -> OTLPProtobufReader? {
        lengthDelimited().map(OTLPProtobufReader.init)
    }

    /// A string field's text; nil for bytes that are not UTF-8 (protobuf refuses them).
    private mutating func string() -> String? {
        guard let data = lengthDelimited() else { return nil }
        return String(validating: data, as: UTF8.self)
    }

    /// An attribute's key: the conventions' keys as shared strings (a key past 15 bytes would be a heap string per
    /// span, kept while the trace is open), anything else read as a string.
    private mutating func attributeKey() -> String? {
        let start = position
        guard let data = lengthDelimited() else { return nil }
        if data.count > 15, data.count < Self.knownKeys.count {
            for candidate in Self.knownKeys[data.count] where candidate.bytes.withUnsafeBytes({ Self.same($0, data) }) {
                return candidate.text
            }
        }
        position = start
        return string()
    }

    /// Byte for byte, with `memcmp` (a sequence's `elementsEqual` goes a byte at a time through the iterator).
    static func same(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard let a = left.baseAddress, let b = right.baseAddress else { return left.count == 0 }
        return memcmp(a, b, left.count) == 0
    }

    /// By length (the index), each with its UTF-8.
    private static let knownKeys: [[(text: String, bytes: [UInt8])]] = {
        let byLength = Dictionary(grouping: keys.filter { $0.utf8.count > 15 }, by: \.utf8.count)
        return (0...(byLength.keys.max() ?? 0)).map { (byLength[$0] ?? []).map { ($0, Array($0.utf8)) } }
    }()

    private static let keys = [
        "gen_ai.operation.name", "gen_ai.request.model", "gen_ai.response.model", "gen_ai.response.id",
        "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.prompt_tokens",
        "gen_ai.usage.completion_tokens", "gen_ai.output.messages", "gen_ai.input.messages",
        "gen_ai.system_instructions", "gen_ai.tool.name", "gen_ai.tool.call.id", "gen_ai.tool.call.arguments",
        "gen_ai.tool.call.result", "gen_ai.tool.description", "gen_ai.tool.type", "gen_ai.agent.name",
        "gen_ai.agent.id", "gen_ai.agent.description", "gen_ai.response.finish_reasons", "gen_ai.request.max_tokens",
        "gen_ai.request.temperature", "gen_ai.request.top_p", "gen_ai.provider.name", "gen_ai.conversation.id",
        "edge_group.delivery_status", "edge_group.delivered", "edge_group.type", "message.source_id",
        "message.target_id", "message.type", "message.payload_type", "executor.type", "workflow.name",
        "workflow.definition", "workflow.id", "server.address", "server.port",
    ]

    /// Skips a field of an unknown number; nil for groups, which SwiftProtobuf handles.
    private mutating func skip(_ wire: Int) -> Bool {
        switch wire {
        case 0: return varint() != nil
        case 1: return fixed64() != nil
        case 2: return lengthDelimited() != nil
        case 5: return fixed32()
        default: return false
        }
    }

    /// The text of the last trace id read, shared by the spans that follow with the same id: a batch holds runs of
    /// one trace's spans, so its spans hold one string rather than one each while the trace is open.
    private struct IDTexts {
        var lastBytes: UnsafeRawBufferPointer?
        var lastText = ""

        mutating func trace(_ bytes: UnsafeRawBufferPointer?) -> String {
            if let bytes, let lastBytes, OTLPProtobufReader.same(bytes, lastBytes) { return lastText }
            lastBytes = bytes
            lastText = OTLPProtobufReader.hex(bytes)
            return lastText
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of an id's bytes ("" for none), as `OTLPSpans.hex`.
    private static func hex(_ data: UnsafeRawBufferPointer?) -> String {
        guard let data, !data.isEmpty else { return "" }
        return String(unsafeUninitializedCapacity: data.count * 2) { buffer in
            var index = 0
            for byte in data {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }
}

/// One finished OpenTelemetry span as the run builder reads it: the trace id in lower-case hex (it names the run),
/// span ids as numbers, times in nanoseconds since 1970, attributes in the order they came. The receiver turns
/// OTLP's protobuf and JSON spans into these, so the builder knows no wire format.
public struct TraceSpan: Sendable, Hashable {
    public var traceId: String
    public var id: SpanID
    /// nil for a trace's root.
    public var parent: SpanID?
    public var name: String
    public var startNanos: UInt64
    public var endNanos: UInt64
    public var attributes: SpanAttributes
    /// The spans this span links to within its own trace (Agent Framework links an executor's span to the
    /// `message.send` that delivered its input).
    public var links: [SpanID]
    public var status: SpanStatus
    /// The resource's `service.name`, which names the run until its root says more.
    public var serviceName: String?

    public init(
        traceId: String, id: SpanID, parent: SpanID? = nil, name: String, startNanos: UInt64, endNanos: UInt64,
        attributes: SpanAttributes = [:], links: [SpanID] = [], status: SpanStatus = .unset, serviceName: String? = nil
    ) {
        self.traceId = traceId
        self.id = id
        self.parent = parent
        self.name = name
        self.startNanos = startNanos
        self.endNanos = endNanos
        self.attributes = attributes
        self.links = links
        self.status = status
        self.serviceName = serviceName
    }

    /// Seconds since 1970, as `WorkflowEvent` stamps.
    public var startSeconds: Double { Double(startNanos) / 1e9 }
    public var endSeconds: Double { Double(max(endNanos, startNanos)) / 1e9 }
    public var durationMs: Double { Double(endNanos &- min(startNanos, endNanos)) / 1e6 }

    public func string(_ key: String) -> String? { attributes[key]?.text }
    public func int(_ key: String) -> Int? { attributes[key]?.integer }

    public var errorMessage: String? {
        if case let .error(message) = status { return message.isEmpty ? "\(name) failed" : message }
        return nil
    }
}

/// A span's status; `error` carries the span's status message.
public enum SpanStatus: Sendable, Hashable {
    case unset
    case ok
    case error(String)
}

/// An attribute value (OTLP's AnyValue). Not `indirect`: arrays and maps hold their values on the heap already,
/// and a box per value was an allocation per attribute of every span received.
public enum SpanValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case array([SpanValue])
    case map([(String, SpanValue)])
    case bytes([UInt8])

    public static func == (lhs: SpanValue, rhs: SpanValue) -> Bool { lhs.text == rhs.text && lhs.kindTag == rhs.kindTag }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    private var kindTag: Int {
        switch self {
        case .string: 0
        case .bool: 1
        case .int: 2
        case .double: 3
        case .array: 4
        case .map: 5
        case .bytes: 6
        }
    }

    /// Strings as they are; anything else as JSON text (how a person reads an attribute).
    public var text: String {
        if case let .string(value) = self { return value }
        var output = ""
        writeJSON(to: &output)
        return output
    }

    public var integer: Int? {
        switch self {
        case let .int(value): return Int(exactly: value)
        case let .double(value): return Int(exactly: value.rounded())
        case let .string(value): return Int(value)
        default: return nil
        }
    }

    func writeJSON(to output: inout String) {
        switch self {
        case let .string(value): JSONText.quote(value, to: &output)
        case let .bool(value): output += value ? "true" : "false"
        case let .int(value): output += String(value)
        case let .double(value): output += value.isFinite ? String(value) : "null"
        case let .array(values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.writeJSON(to: &output)
            }
            output += "]"
        case let .map(pairs):
            output += "{"
            for (index, pair) in pairs.enumerated() {
                if index > 0 { output += "," }
                JSONText.quote(pair.0, to: &output)
                output += ":"
                pair.1.writeJSON(to: &output)
            }
            output += "}"
        case let .bytes(bytes):
            JSONText.quote(bytes.map { String($0, radix: 16) }.joined(), to: &output)
        }
    }
}

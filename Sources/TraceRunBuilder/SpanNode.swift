import WorkflowCore

/// A span id as the builder keeps it: the 8 bytes of a 16-digit lower-case hex id as a number, not a heap string
/// per span, parent and link. Any other text (an id that is not 16 lower-case hex digits) is 0, which matches no
/// span, since a span's own id is never 0 (`TraceRuns` refuses it): such a parent never arrives, as before.
struct SpanID: Hashable, Sendable {
    let bits: UInt64

    init(_ text: String) {
        var bits: UInt64 = 0
        var count = 0
        for byte in text.utf8 {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default:
                self.bits = 0
                return
            }
            count += 1
            guard count <= 16 else {
                self.bits = 0
                return
            }
            bits = bits << 4 | UInt64(digit)
        }
        self.bits = count == 16 ? bits : 0
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// The id's text, 16 lower-case hex digits (sorting as the numbers do).
    var hex: String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = Self.digits[Int(bits >> (60 - 4 * UInt64(index)) & 0x0f)]
            }
            return 16
        }
    }
}

/// One text for equal strings kept by open traces (span names, pane and agent names, models, message sources):
/// every span of every trace repeats the same few, and a string past 15 bytes is a heap allocation each time.
/// Bounded: past `limit` distinct strings it starts again.
struct SharedStrings: Sendable {
    private var members: Set<String> = []
    private let limit = 4_096

    mutating func share(_ text: String) -> String {
        guard text.utf8.count > 15 else { return text }
        if members.count >= limit { members.removeAll(keepingCapacity: true) }
        return members.insert(text).memberAfterInsert
    }

    mutating func share(_ text: String?) -> String? {
        guard let text else { return nil }
        return share(text)
    }
}

/// A received span as the builder keeps it while its trace is open, worked out once when it arrives: its role, the
/// parts of its output messages (JSON parsed once), usage, finish reason, and the few attributes read later as
/// fields; ids are numbers and repeated strings shared. A generic step keeps all its attributes, since it shows
/// them. A class, so walking the tree passes references rather than copying every span.
final class SpanNode: Sendable {
    let id: SpanID
    /// nil for a root.
    let parent: SpanID?
    let name: String
    let role: SpanRole
    let startNanos: UInt64
    let endNanos: UInt64
    /// The error status's message ("<name> failed" when it has none); nil when the span did not fail.
    let errorMessage: String?
    /// Linked spans of the same trace.
    let links: [SpanID]
    let outputParts: [GenAIAttributes.Part]
    let usage: Usage?
    let finishReason: FinishReason?
    /// `gen_ai.agent.name`.
    let agentName: String?
    /// `gen_ai.response.model`, else `gen_ai.request.model`.
    let model: String?
    /// `gen_ai.request.max_tokens`.
    let maxTokens: Int?
    let facts: Facts

    /// What a span of some roles says beyond the common fields.
    indirect enum Facts: Sendable {
        case nothing
        /// A tool call: `gen_ai.tool.call.id`, the tool's name (`gen_ai.tool.name` or from the span's name),
        /// `gen_ai.tool.call.arguments` and `.result`.
        case tool(callId: String?, name: String, arguments: String?, result: String?)
        /// A `message.send` with `message.target_id` (and maybe `message.source_id`).
        case message(source: String?, target: String)
        /// An edge group that did not deliver: `edge_group.delivery_status`, `message.source_id`, `target_id`.
        case undelivered(status: String?, source: String?, target: String?)
        /// The root `workflow.run`'s `workflow.name`.
        case workflow(name: String)
        /// A generic step's attributes, shown as its timeline entry's arguments.
        case attributes([String: SpanValue])
    }

    init(_ span: TraceSpan, strings: inout SharedStrings) {
        let role = SpanRole(span)
        self.role = switch role {
        case let .executor(name): .executor(strings.share(name))
        case let .agent(name): .agent(strings.share(name))
        default: role
        }
        id = SpanID(span.spanId)
        parent = span.parentSpanId.map(SpanID.init)
        name = strings.share(span.name)
        startNanos = span.startNanos
        endNanos = span.endNanos
        errorMessage = span.errorMessage
        links = span.links.map(SpanID.init)
        usage = GenAIAttributes.usage(of: span)
        finishReason = GenAIAttributes.finishReason(of: span)
        switch role {
        case .chat, .agent: outputParts = GenAIAttributes.outputParts(of: span)
        default: outputParts = []
        }
        agentName = strings.share(span.string("gen_ai.agent.name"))
        model = strings.share(span.string("gen_ai.response.model") ?? span.string("gen_ai.request.model"))
        maxTokens = span.int("gen_ai.request.max_tokens")
        switch role {
        case .tool:
            let toolName = span.string("gen_ai.tool.name")
                ?? (span.name.hasPrefix("execute_tool ") ? String(span.name.dropFirst("execute_tool ".count)) : span.name)
            facts = .tool(callId: span.string("gen_ai.tool.call.id"), name: strings.share(toolName),
                          arguments: span.string("gen_ai.tool.call.arguments"), result: span.string("gen_ai.tool.call.result"))
        case .messageSend:
            if let target = span.string("message.target_id") {
                facts = .message(source: strings.share(span.string("message.source_id")), target: strings.share(target))
            } else {
                facts = .nothing
            }
        case .edgeGroup:
            // Only an edge group that did not deliver says anything (a warning).
            let delivered: Bool? = if case let .bool(value)? = span.attributes["edge_group.delivered"] { value } else { nil }
            let status = span.string("edge_group.delivery_status")
            if delivered == false || (status != nil && status != "delivered") {
                facts = .undelivered(status: status, source: strings.share(span.string("message.source_id")),
                                     target: strings.share(span.string("message.target_id")))
            } else {
                facts = .nothing
            }
        case .workflowRun:
            if let name = span.string("workflow.name") {
                facts = .workflow(name: strings.share(name))
            } else {
                facts = .nothing
            }
        case .generic:
            facts = span.attributes.isEmpty ? .nothing : .attributes(span.attributes)
        default:
            facts = .nothing
        }
    }

    var startSeconds: Double { Double(startNanos) / 1e9 }
    var endSeconds: Double { Double(max(endNanos, startNanos)) / 1e9 }
    var durationMs: Double { Double(endNanos &- min(startNanos, endNanos)) / 1e6 }
}

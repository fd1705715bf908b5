import WorkflowCore

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
        case attributes(SpanAttributes)
    }

    init(_ span: TraceSpan, strings: inout SharedStrings) {
        let known = ConventionAttributes(span.attributes)
        let role = SpanRole(name: span.name, known)
        self.role = switch role {
        case let .executor(name): .executor(strings.share(name))
        case let .agent(name): .agent(strings.share(name))
        default: role
        }
        id = span.id
        parent = span.parent
        name = strings.share(span.name)
        startNanos = span.startNanos
        endNanos = span.endNanos
        errorMessage = span.errorMessage
        links = span.links
        usage = GenAIAttributes.usage(of: known)
        finishReason = GenAIAttributes.finishReason(of: known)
        switch role {
        case .chat, .agent: outputParts = GenAIAttributes.outputParts(of: known)
        default: outputParts = []
        }
        agentName = strings.share(known.agentName?.text)
        model = strings.share(known.responseModel?.text ?? known.requestModel?.text)
        maxTokens = known.maxTokens?.integer
        switch role {
        case .tool:
            let toolName = known.toolName?.text
                ?? (span.name.hasPrefix("execute_tool ") ? String(span.name.dropFirst("execute_tool ".count)) : span.name)
            facts = .tool(callId: known.toolCallId?.text, name: strings.share(toolName),
                          arguments: known.toolArguments?.text, result: known.toolResult?.text)
        case .messageSend:
            if let target = known.messageTarget?.text {
                facts = .message(source: strings.share(known.messageSource?.text), target: strings.share(target))
            } else {
                facts = .nothing
            }
        case .edgeGroup:
            // Only an edge group that did not deliver says anything (a warning).
            let delivered: Bool? = if case let .bool(value)? = known.edgeDelivered { value } else { nil }
            let status = known.edgeDeliveryStatus?.text
            if delivered == false || (status != nil && status != "delivered") {
                facts = .undelivered(status: status, source: strings.share(known.messageSource?.text),
                                     target: strings.share(known.messageTarget?.text))
            } else {
                facts = .nothing
            }
        case .workflowRun:
            if let name = known.workflowName?.text {
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

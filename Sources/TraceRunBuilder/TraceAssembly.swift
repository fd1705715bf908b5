import WorkflowCore

/// One trace becoming one run: the spans received so far and the events already handed out.
///
/// Spans arrive when they end, in batches, children before parents and out of order. The assembly keeps every
/// span of the trace and, after each batch, derives the events the spans now support; each event has a stable key
/// (the span and what about it), so an event is handed out once. The consumer sees an append-only, gap-free
/// sequence (what the dashboard and `/api/runs/{id}/events` watchers need), each event stamped with its span's
/// time; within a batch events go out in start-time order. A span arriving after later ones adds its events after
/// theirs rather than rewriting what was sent, so the final state is the same in any delivery order (pane order and
/// the order of lines may differ). Events wait until they can be told right:
/// - a model call or tool call waits for the chain of parents up to its agent or executor (its pane);
/// - an agent's turn starts (shown running) as soon as its span or a nested span of the same pane arrives, and
///   completes once nothing outside can still be of the same pane (it is an executor, its parent is known, or it
///   has none);
/// - a transition waits for the `message.send` span its executor links to;
/// - the run ends when its root has arrived and every span's parent is known, and that stays so for a moment
///   (`settle()`, which `TraceRuns` calls: a reversed delivery sends the root first); then anything still waiting
///   is shown.
/// After the end the spans are let go; later ones are counted (`lateSpans`), not shown.
public struct TraceAssembly: Sendable {
    public let traceId: String
    private var spans: [String: SpanNode] = [:]
    private var children: [String: [String]] = [:]
    private var emitted: Set<EventKey> = []
    /// Turn roots (outermost span of a pane's turn) whose `agentStarted` went out, and nested spans that did.
    private var startedTurns: Set<String> = []
    private var nextSequence = 1
    private var serviceName: String?
    public private(set) var isFinished = false
    /// Spans that arrived after the run ended.
    public private(set) var lateSpans = 0

    public init(traceId: String) {
        self.traceId = traceId
    }

    public var spanCount: Int { spans.count }
    public var emittedCount: Int { nextSequence - 1 }

    /// Adds a batch of this trace's spans and returns the events they make ready, numbered after the ones before.
    public mutating func add(_ batch: [TraceSpan]) -> [WorkflowEvent] {
        guard !isFinished else {
            lateSpans += batch.count
            return []
        }
        for span in batch where span.traceId == traceId {
            if spans[span.spanId] == nil, let parent = span.parentSpanId { children[parent, default: []].append(span.spanId) }
            spans[span.spanId] = SpanNode(span)
            if serviceName == nil { serviceName = span.serviceName }
        }
        return derive(final: false)
    }

    /// Ends the run once the trace is complete (its root and every parent have arrived); `TraceRuns` calls it when
    /// a complete trace has stayed complete for a moment, since spans from another batch may still be on the way.
    public mutating func settle() -> [WorkflowEvent] {
        guard !isFinished, isComplete else { return [] }
        return derive(final: true)
    }

    /// Ends the run with what has arrived (the trace went quiet, or was let go to bound memory).
    public mutating func finish() -> [WorkflowEvent] {
        guard !isFinished else { return [] }
        return derive(final: true)
    }

    /// The root span (no parent), if it has arrived.
    private var root: SpanNode? {
        spans.values.filter { $0.parentSpanId == nil }.min { $0.startNanos < $1.startNanos }
    }

    /// The root has arrived and every span's parent is known: nothing more is expected.
    public var isComplete: Bool {
        guard root != nil else { return false }
        return spans.values.allSatisfy { span in span.parentSpanId.map { spans[$0] != nil } ?? true }
    }

    // MARK: - Derivation

    private struct Draft {
        var key: EventKey
        var time: Double
        var rank: Int
        var kinds: [WorkflowEvent.Kind]
        var turn: String?
    }

    /// Who a span belongs to: the pane of its nearest agent/executor (or top-level step), or nobody yet.
    private enum Owner {
        case pane(String, turn: String)
        case unresolved
        /// The span is the root.
        case root
    }

    private mutating func derive(final: Bool) -> [WorkflowEvent] {
        var drafts: [Draft] = []
        func offer(_ key: EventKey, at time: Double, rank: Int, turn: String? = nil, _ make: () -> [WorkflowEvent.Kind]) {
            guard !emitted.contains(key) else { return }
            let kinds = make()
            if !kinds.isEmpty { drafts.append(Draft(key: key, time: time, rank: rank, kinds: kinds, turn: turn)) }
        }

        let root = self.root
        if !emitted.contains(.runStart) {
            let first = spans.values.map(\.startSeconds).min() ?? 0
            offer(.runStart, at: first, rank: 0) {
                [.runStarted(.init(runId: traceId, workflow: workflowName(root: root), participants: [], model: model))]
            }
        }
        // A nested span of a pane that already started its turn counts for the turn's outermost span.
        for id in startedTurns {
            if let span = spans[id] { startedTurns.insert(turnRoot(of: span).spanId) }
        }

        var lastTurn: (name: String, end: UInt64)?
        var failedPane: String?
        for span in spans.values {
            let role = span.role
            if role == .workflowRun || role == .workflowBuild { continue }
            if let pane = paneName(of: span) {
                let turn = turnRoot(of: span)
                if span.errorMessage != nil { failedPane = pane }
                if turn.spanId == span.spanId {
                    if !startedTurns.contains(turn.spanId) {
                        offer(.start(turn.spanId), at: turn.startSeconds, rank: 2, turn: turn.spanId) { [.agentStarted(agent: pane)] }
                    }
                    // Only an agent can sit inside a same-named span (its executor) that has not arrived yet.
                    let outermost = turn.parentSpanId.map { spans[$0] != nil } ?? true || turn.role.isExecutor
                    if outermost || final {
                        offer(.end(turn.spanId), at: turn.endSeconds, rank: 7) {
                            [.agentCompleted(agent: pane, usage: usage(ofTurn: turn, pane: pane),
                                             finishReason: lastFinishReason(ofTurn: turn, pane: pane),
                                             maxTokens: span.int("gen_ai.request.max_tokens"))]
                        }
                        if lastTurn.map({ $0.end <= turn.endNanos }) ?? true { lastTurn = (pane, turn.endNanos) }
                    }
                }
                if let message = span.errorMessage {
                    offer(.fail(span.spanId), at: span.endSeconds, rank: 6) { [.warning(agent: pane, message: "failed: \(message)")] }
                }
                for link in span.links {
                    guard let sent = spans[link], sent.role == .messageSend, case let .pane(from, _) = owner(of: sent, final: final),
                          from != pane
                    else { continue }
                    offer(.transition(link, from: from, to: pane), at: span.startSeconds, rank: 1) {
                        [.transition(from: from, to: pane, reason: nil)]
                    }
                }
                if case .agent = role, !emitted.contains(.text(span.spanId)), !subtreeHasOutput(turn: span, pane: pane) {
                    offer(.text(span.spanId), at: span.endSeconds, rank: 4) { textEvents(of: span, pane: pane) }
                }
            }
            switch role {
            case .chat:
                if case let .pane(pane, _) = owner(of: span, final: final) {
                    offer(.text(span.spanId), at: span.endSeconds, rank: 4) { textEvents(of: span, pane: pane) }
                    if let message = span.errorMessage, paneName(of: span) == nil {
                        offer(.fail(span.spanId), at: span.endSeconds, rank: 6) { [.warning(agent: pane, message: "model call failed: \(message)")] }
                    }
                }
            case .tool, .generic:
                guard paneName(of: span) == nil || role == .tool, case let .pane(pane, _) = owner(of: span, final: final) else { break }
                let callId = role == .tool ? (span.string("gen_ai.tool.call.id") ?? span.spanId) : span.spanId
                let tool = role == .tool ? toolName(of: span) : span.name
                offer(.tool(span.spanId), at: span.startSeconds, rank: 3) {
                    [.toolCallStarted(agent: pane, callId: callId, tool: tool,
                                      arguments: role == .tool ? span.string("gen_ai.tool.call.arguments") ?? "" : attributeSummary(span))]
                }
                offer(.result(span.spanId), at: span.endSeconds, rank: 5) {
                    let result = role == .tool ? span.string("gen_ai.tool.call.result") ?? span.errorMessage ?? "" : span.errorMessage ?? ""
                    return [.toolResult(.init(agent: pane, callId: callId, tool: tool, result: result,
                                              isError: span.errorMessage != nil, durationMs: span.durationMs))]
                }
            case .messageSend:
                guard let target = span.string("message.target_id") else { break }
                let source: String? = span.string("message.source_id") ?? {
                    if case let .pane(pane, _) = owner(of: span, final: final) { return pane }
                    return nil
                }()
                guard let source, source != target else { break }
                offer(.transition(span.spanId, from: source, to: target), at: span.startSeconds, rank: 1) {
                    [.transition(from: source, to: target, reason: nil)]
                }
            case .edgeGroup:
                let delivered: Bool? = if case let .bool(value)? = span.attributes["edge_group.delivered"] { value } else { nil }
                let status = span.string("edge_group.delivery_status")
                guard delivered == false || (status != nil && status != "delivered") else { break }
                let source = span.string("message.source_id")
                let target = span.string("message.target_id")
                offer(.edge(span.spanId), at: span.endSeconds, rank: 6) {
                    let from = source.map { "from \($0) " } ?? ""
                    let to = target.map { "to \($0)" } ?? "to its targets"
                    let agent = source.flatMap { $0.hasPrefix("internal:") ? nil : $0 }
                    return [.warning(agent: agent, message: "a message \(from)was not routed \(to): \(status ?? "not delivered")")]
                }
            default:
                break
            }
        }

        if final {
            let end = root?.endSeconds ?? spans.values.map(\.endSeconds).max() ?? 0
            if let lastTurn, let text = lastText(of: lastTurn.name) {
                offer(.output, at: end, rank: 8) { [.output(agent: lastTurn.name, text: text)] }
            }
            offer(.runEnd, at: end, rank: 9) {
                if let root, let message = root.errorMessage {
                    return [.runFailed(error: message, agent: failedPane)]
                }
                guard let root else { return [.runCancelled(reason: "the trace ended before its root span arrived")] }
                return [.runCompleted(finalAgent: lastTurn?.name, usage: totalUsage(), durationMs: root.durationMs)]
            }
        }

        // The end of the run goes last whatever the clocks say; everything else in time order.
        drafts.sort { lhs, rhs in
            let left = lhs.rank >= 8 ? Double.infinity : lhs.time
            let right = rhs.rank >= 8 ? Double.infinity : rhs.time
            if left != right { return left < right }
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
            return lhs.key.text < rhs.key.text
        }
        var events: [WorkflowEvent] = []
        for draft in drafts {
            emitted.insert(draft.key)
            if let turn = draft.turn { startedTurns.insert(turn) }
            for kind in draft.kinds {
                events.append(WorkflowEvent(sequence: nextSequence, timestamp: draft.time, kind: kind))
                nextSequence += 1
            }
        }
        if final {
            isFinished = true
            spans.removeAll()
            children.removeAll()
            emitted.removeAll()
            startedTurns.removeAll()
        }
        return events
    }

    // MARK: - Reading the tree

    /// The pane a span opens: an executor's id, an agent's name, or the name of a top-level step of a trace from a
    /// framework flowtop does not know.
    private func paneName(of span: SpanNode) -> String? {
        if let name = span.role.paneName { return name }
        return isTopStep(span) ? span.name : nil
    }

    /// A span of no known kind (or a model or tool call) right below the root, which has no panes of its own kind:
    /// frameworks flowtop does not know show as a tree whose top-level steps are panes.
    private func isTopStep(_ span: SpanNode) -> Bool {
        let role = span.role
        guard role == .generic || role == .chat || role == .tool,
              let parentId = span.parentSpanId, let parent = spans[parentId], parent.parentSpanId == nil
        else { return false }
        return parent.role != .workflowRun
    }

    /// The outermost of the directly nested spans of the same pane (`executor.process X` around `invoke_agent X`).
    private func turnRoot(of span: SpanNode) -> SpanNode {
        guard let pane = paneName(of: span) else { return span }
        var current = span
        while let parentId = current.parentSpanId, let parent = spans[parentId], paneName(of: parent) == pane {
            current = parent
        }
        return current
    }

    private func owner(of span: SpanNode, final: Bool) -> Owner {
        if let pane = paneName(of: span) { return .pane(pane, turn: turnRoot(of: span).spanId) }
        var current = span
        while let parentId = current.parentSpanId {
            guard let parent = spans[parentId] else {
                // A parent that never came: the topmost span we have stands for it.
                if final { return .pane(current.name, turn: current.spanId) }
                return .unresolved
            }
            if let pane = paneName(of: parent) { return .pane(pane, turn: turnRoot(of: parent).spanId) }
            current = parent
        }
        if current.spanId == span.spanId { return .root }
        if let agent = span.string("gen_ai.agent.name") { return .pane(agent, turn: current.spanId) }
        return .pane(current.name, turn: current.spanId)
    }

    /// Spans below `turn` that belong to its pane (not to a nested pane of another name), `turn` included.
    private func turnSpans(_ turn: SpanNode, pane: String) -> [SpanNode] {
        var result: [SpanNode] = [turn]
        var stack = children[turn.spanId] ?? []
        while let id = stack.popLast() {
            guard let span = spans[id] else { continue }
            if let other = paneName(of: span), other != pane { continue }
            result.append(span)
            stack.append(contentsOf: children[id] ?? [])
        }
        return result
    }

    private func usage(ofTurn turn: SpanNode, pane: String) -> Usage? {
        let members = turnSpans(turn, pane: pane)
        let calls = members.filter { $0.role == .chat }.compactMap(\.usage)
        if !calls.isEmpty { return calls.reduce(.zero, +) }
        // Some SDKs report usage on the agent's span only.
        let own = members.compactMap(\.usage)
        return own.isEmpty ? nil : own.reduce(.zero, +)
    }

    private func lastFinishReason(ofTurn turn: SpanNode, pane: String) -> FinishReason? {
        let calls = turnSpans(turn, pane: pane).filter { $0.role == .chat }.sorted { $0.endNanos < $1.endNanos }
        return calls.last.flatMap(\.finishReason) ?? turn.finishReason
    }

    private func subtreeHasOutput(turn: SpanNode, pane: String) -> Bool {
        turnSpans(turn, pane: pane).contains { $0.role == .chat && !$0.outputParts.isEmpty }
    }

    private func totalUsage() -> Usage {
        let calls = spans.values.filter { $0.role == .chat }.compactMap(\.usage)
        if !calls.isEmpty { return calls.reduce(.zero, +) }
        return spans.values.filter { if case .agent = $0.role { true } else { false } }
            .compactMap(\.usage).reduce(.zero, +)
    }

    /// The last text an agent wrote (the run's answer when it is the last to finish).
    private func lastText(of pane: String) -> String? {
        let candidates = spans.values.filter { span in
            switch span.role {
            case .chat, .agent: return true
            default: return false
            }
        }.sorted { $0.endNanos < $1.endNanos }
        for span in candidates.reversed() {
            guard case let .pane(owner, _) = owner(of: span, final: true), owner == pane else { continue }
            let texts = span.outputParts.compactMap { part -> String? in
                if case let .text(text) = part { return text }
                return nil
            }
            if !texts.isEmpty { return texts.joined() }
        }
        return nil
    }

    private func textEvents(of span: SpanNode, pane: String) -> [WorkflowEvent.Kind] {
        span.outputParts.map { part in
            switch part {
            case let .text(text): .textDelta(agent: pane, messageId: span.spanId, text: text)
            case let .reasoning(text): .reasoningDelta(agent: pane, messageId: span.spanId, text: text)
            }
        }
    }

    private func toolName(of span: SpanNode) -> String {
        if let name = span.string("gen_ai.tool.name") { return name }
        if span.name.hasPrefix("execute_tool ") { return String(span.name.dropFirst("execute_tool ".count)) }
        return span.name
    }

    /// A generic step's attributes as one JSON object (keys sorted), shown as its timeline entry's arguments.
    private func attributeSummary(_ span: SpanNode) -> String {
        SpanValue.map(span.attributes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).text
    }

    private func workflowName(root: SpanNode?) -> String {
        if let root, root.role == .workflowRun { return root.string("workflow.name") ?? serviceName ?? "workflow" }
        return serviceName ?? root?.name ?? "trace"
    }

    /// The model of the run's first model call, for the header.
    private var model: String? {
        spans.values.sorted { $0.startNanos < $1.startNanos }.lazy
            .compactMap { $0.string("gen_ai.response.model") ?? $0.string("gen_ai.request.model") }.first
    }
}

/// A received span with what the builder reads from it again and again, worked out once when it arrives: its role,
/// the parts of its output messages (JSON parsed once, not at every batch), its usage and finish reason. A class, so
/// walking the tree passes references rather than copying every span's strings and attributes.
private final class SpanNode: Sendable {
    let span: TraceSpan
    let role: SpanRole
    let outputParts: [GenAIAttributes.Part]
    let usage: Usage?
    let finishReason: FinishReason?

    init(_ span: TraceSpan) {
        let role = SpanRole(span)
        self.role = role
        usage = GenAIAttributes.usage(of: span)
        finishReason = GenAIAttributes.finishReason(of: span)
        switch role {
        case .chat, .agent: outputParts = GenAIAttributes.outputParts(of: span)
        default: outputParts = []
        }
        // Only a generic step is shown with all its attributes; the others keep the few read after this point, so
        // an open trace (kept through the settle delay) does not hold every message's text and each key twice.
        if role != .generic, span.attributes.keys.contains(where: { !Self.keysReadLater.contains($0) }) {
            var kept = span
            kept.attributes = span.attributes.filter { Self.keysReadLater.contains($0.key) }
            self.span = kept
        } else {
            self.span = span
        }
    }

    /// The attributes `TraceAssembly` reads from a span that is not a generic step, once its role, output parts,
    /// usage and finish reason are known.
    private static let keysReadLater: Set<String> = [
        "gen_ai.request.max_tokens", "gen_ai.agent.name", "gen_ai.response.model", "gen_ai.request.model",
        "gen_ai.tool.call.id", "gen_ai.tool.name", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result",
        "message.source_id", "message.target_id", "edge_group.delivered", "edge_group.delivery_status", "workflow.name",
    ]

    var spanId: String { span.spanId }
    var parentSpanId: String? { span.parentSpanId }
    var name: String { span.name }
    var startNanos: UInt64 { span.startNanos }
    var endNanos: UInt64 { span.endNanos }
    var startSeconds: Double { span.startSeconds }
    var endSeconds: Double { span.endSeconds }
    var durationMs: Double { span.durationMs }
    var attributes: [String: SpanValue] { span.attributes }
    var links: [String] { span.links }
    var errorMessage: String? { span.errorMessage }
    func string(_ key: String) -> String? { span.string(key) }
    func int(_ key: String) -> Int? { span.int(key) }
}

/// What an event is about, so it is handed out once: the span and the aspect (an agent's start or end, a tool
/// call's start or result …). Compared as values; `text` (the key as words) only breaks ties in the sort.
private enum EventKey: Hashable {
    case runStart
    case start(String)
    case end(String)
    case fail(String)
    case transition(String, from: String, to: String)
    case text(String)
    case tool(String)
    case result(String)
    case edge(String)
    case output
    case runEnd

    var text: String {
        switch self {
        case .runStart: "run:start"
        case let .start(id): "start:" + id
        case let .end(id): "end:" + id
        case let .fail(id): "fail:" + id
        case let .transition(id, from, to): "transition:\(id):\(from)>\(to)"
        case let .text(id): "text:" + id
        case let .tool(id): "tool:" + id
        case let .result(id): "result:" + id
        case let .edge(id): "edge:" + id
        case .output: "output"
        case .runEnd: "run:end"
        }
    }
}

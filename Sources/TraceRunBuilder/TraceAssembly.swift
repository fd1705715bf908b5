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
///
/// Each span is a compact `SpanNode` (ids as numbers, the attributes read later as fields, shared strings), and
/// which of a span's events went out is a few bits beside it, so an open trace costs a few KiB.
public struct TraceAssembly: Sendable {
    public let traceId: String
    /// Each span with the aspects of it already handed out (kept for its id when a repeated span replaces it).
    private var spans: [SpanID: Placed] = [:]
    private var children: [SpanID: [SpanID]] = [:]
    /// Transitions handed out (by the span they come from and the two panes).
    private var transitions: Set<TransitionKey> = []
    private var runStarted = false
    private var outputSent = false
    private var nextSequence = 1
    private var serviceName: String?
    public private(set) var isFinished = false
    /// What the last walk of the spans found for the run's end, when it found the trace complete: with no span
    /// come since, ending the run needs no other walk (in a complete trace every turn is outermost and every owner
    /// known, so the final walk would offer nothing the last one did not, but the output and the end).
    private var completeWalk: RunEndFacts?
    /// Spans that arrived after the run ended.
    public private(set) var lateSpans = 0

    public init(traceId: String) {
        self.traceId = traceId
    }

    public var spanCount: Int { spans.count }
    public var emittedCount: Int { nextSequence - 1 }

    /// Adds a batch of this trace's spans and returns the events they make ready, numbered after the ones before.
    public mutating func add(_ batch: [TraceSpan]) -> [WorkflowEvent] {
        var strings = SharedStrings()
        return add(batch, strings: &strings)
    }

    /// `add(_:)`, sharing repeated strings with the other traces of `strings` (`TraceRuns` keeps one table).
    mutating func add(_ batch: [TraceSpan], strings: inout SharedStrings) -> [WorkflowEvent] {
        guard !isFinished else {
            lateSpans += batch.count
            return []
        }
        for span in batch where span.traceId == traceId {
            let node = SpanNode(span, strings: &strings)
            if let existing = spans[node.id] {
                spans[node.id] = Placed(node: node, sent: existing.sent)
            } else {
                if let parent = node.parent { children[parent, default: []].append(node.id) }
                spans[node.id] = Placed(node: node)
            }
            if serviceName == nil { serviceName = strings.share(span.serviceName) }
        }
        isComplete = spansAreComplete
        completeWalk = nil
        return derive(final: false)
    }

    /// Ends the run once the trace is complete (its root and every parent have arrived); `TraceRuns` calls it when
    /// a complete trace has stayed complete for a moment, since spans from another batch may still be on the way.
    public mutating func settle() -> [WorkflowEvent] {
        guard !isFinished, isComplete else { return [] }
        return derive(final: true, after: completeWalk)
    }

    /// Ends the run with what has arrived (the trace went quiet, or was let go to bound memory).
    public mutating func finish() -> [WorkflowEvent] {
        guard !isFinished else { return [] }
        return derive(final: true)
    }

    /// The root span (no parent), if it has arrived.
    private var root: SpanNode? {
        var root: SpanNode?
        for placed in spans.values where placed.node.parent == nil {
            if root.map({ placed.node.startNanos < $0.startNanos }) ?? true { root = placed.node }
        }
        return root
    }

    /// The root has arrived and every span's parent is known: nothing more is expected. Worked out once per batch
    /// (spans change only in `add`), since `TraceRuns` and `settle()` both ask.
    public private(set) var isComplete = false

    private var spansAreComplete: Bool {
        var hasRoot = false
        for placed in spans.values {
            if let parent = placed.node.parent {
                if spans[parent] == nil { return false }
            } else {
                hasRoot = true
            }
        }
        return hasRoot
    }

    // MARK: - Derivation

    /// One event waiting for its place; an aspect with several events (a span's text parts) is several drafts of
    /// one key, told apart by `part`.
    private struct Draft {
        var key: EventKey
        var time: Double
        var rank: Int
        var part: Int
        var kind: WorkflowEvent.Kind
        var turn: SpanID?
    }

    /// Who a span belongs to: the pane of its nearest agent/executor (or top-level step), or nobody yet.
    private enum Owner {
        case pane(String, turn: SpanID)
        case unresolved
        /// The span is the root.
        case root
    }

    private func isSent(_ key: EventKey) -> Bool {
        switch key {
        case .runStart: runStarted
        case .output: outputSent
        case .runEnd: isFinished
        case let .transition(id, from, to): transitions.contains(TransitionKey(span: id, from: from, to: to))
        case let .span(id, aspect): spans[id]?.sent.contains(aspect) ?? false
        }
    }

    private mutating func markSent(_ key: EventKey) {
        switch key {
        case .runStart: runStarted = true
        case .output: outputSent = true
        case .runEnd: break
        case let .transition(id, from, to): transitions.insert(TransitionKey(span: id, from: from, to: to))
        case let .span(id, aspect): spans[id]?.sent.insert(aspect)
        }
    }

    /// What the run's end is told from: the pane of the turn that ended last, and the pane that failed.
    private struct RunEndFacts {
        var lastTurn: (name: String, end: UInt64)?
        var failedPane: String?
    }

    /// `final`: the run ends (see `settle()`); `after`: what a walk of these same spans found, so this one is
    /// spared.
    private mutating func derive(final: Bool, after walked: RunEndFacts? = nil) -> [WorkflowEvent] {
        var drafts: [Draft] = []
        func offer(_ key: EventKey, at time: Double, rank: Int, turn: SpanID? = nil, _ make: () -> WorkflowEvent.Kind) {
            guard !isSent(key) else { return }
            drafts.append(Draft(key: key, time: time, rank: rank, part: 0, kind: make(), turn: turn))
        }
        func offerEach(_ key: EventKey, at time: Double, rank: Int, _ make: () -> [WorkflowEvent.Kind]) {
            guard !isSent(key) else { return }
            for (part, kind) in make().enumerated() {
                drafts.append(Draft(key: key, time: time, rank: rank, part: part, kind: kind, turn: nil))
            }
        }

        let root = self.root
        if !runStarted {
            let first = spans.values.map(\.node.startSeconds).min() ?? 0
            offer(.runStart, at: first, rank: 0) {
                .runStarted(.init(runId: traceId, workflow: workflowName(root: root), participants: [], model: model))
            }
        }
        var lastTurn = walked?.lastTurn
        var failedPane = walked?.failedPane
        if walked == nil {
            // A nested span of a pane that already started its turn counts for the turn's outermost span.
            let started = spans.values.filter { $0.sent.contains(.turnStarted) }
            for placed in started {
                spans[turnRoot(of: placed.node).id]?.sent.insert(.turnStarted)
            }

            for placed in spans.values {
                let span = placed.node
                let role = span.role
                if role == .workflowRun || role == .workflowBuild { continue }
                if let pane = paneName(of: span) {
                    let turn = turnRoot(of: span)
                    if span.errorMessage != nil { failedPane = pane }
                    if turn.id == span.id {
                        if !placed.sent.contains(.turnStarted) {
                            offer(.span(turn.id, .start), at: turn.startSeconds, rank: 2, turn: turn.id) { .agentStarted(agent: pane) }
                        }
                        // Only an agent can sit inside a same-named span (its executor) that has not arrived yet.
                        let outermost = turn.parent.map { spans[$0] != nil } ?? true || turn.role.isExecutor
                        if outermost || final {
                            offer(.span(turn.id, .end), at: turn.endSeconds, rank: 7) {
                                let summary = summary(ofTurn: turn, pane: pane)
                                return .agentCompleted(agent: pane, usage: summary.usage, finishReason: summary.finishReason,
                                                       maxTokens: span.maxTokens)
                            }
                            if lastTurn.map({ $0.end <= turn.endNanos }) ?? true { lastTurn = (pane, turn.endNanos) }
                        }
                    }
                    if let message = span.errorMessage {
                        offer(.span(span.id, .fail), at: span.endSeconds, rank: 6) { .warning(agent: pane, message: "failed: \(message)") }
                    }
                    for link in span.links {
                        guard let sent = spans[link]?.node, sent.role == .messageSend, case let .pane(from, _) = owner(of: sent, final: final),
                              from != pane
                        else { continue }
                        offer(.transition(link, from: from, to: pane), at: span.startSeconds, rank: 1) {
                            .transition(from: from, to: pane, reason: nil)
                        }
                    }
                    // An agent's own output, when none of its model calls showed any.
                    if case .agent = role, !span.outputParts.isEmpty, !placed.sent.contains(.text),
                       !subtreeHasOutput(turn: span, pane: pane) {
                        offerEach(.span(span.id, .text), at: span.endSeconds, rank: 4) { textEvents(of: span, pane: pane) }
                    }
                }
                switch role {
                case .chat:
                    if case let .pane(pane, _) = owner(of: span, final: final) {
                        offerEach(.span(span.id, .text), at: span.endSeconds, rank: 4) { textEvents(of: span, pane: pane) }
                        if let message = span.errorMessage, paneName(of: span) == nil {
                            offer(.span(span.id, .fail), at: span.endSeconds, rank: 6) { .warning(agent: pane, message: "model call failed: \(message)") }
                        }
                    }
                case .tool, .generic:
                    guard !placed.sent.isSuperset(of: [.tool, .result]), paneName(of: span) == nil || role == .tool,
                          case let .pane(pane, _) = owner(of: span, final: final)
                    else { break }
                    let call = timelineEntry(of: span)
                    offer(.span(span.id, .tool), at: span.startSeconds, rank: 3) {
                        .toolCallStarted(agent: pane, callId: call.callId, tool: call.tool, arguments: call.arguments())
                    }
                    offer(.span(span.id, .result), at: span.endSeconds, rank: 5) {
                        .toolResult(.init(agent: pane, callId: call.callId, tool: call.tool, result: call.result,
                                          isError: span.errorMessage != nil, durationMs: span.durationMs))
                    }
                case .messageSend:
                    guard case let .message(source: named, target: target) = span.facts else { break }
                    let source: String? = named ?? {
                        if case let .pane(pane, _) = owner(of: span, final: final) { return pane }
                        return nil
                    }()
                    guard let source, source != target else { break }
                    offer(.transition(span.id, from: source, to: target), at: span.startSeconds, rank: 1) {
                        .transition(from: source, to: target, reason: nil)
                    }
                case .edgeGroup:
                    guard case let .undelivered(status, source, target) = span.facts else { break }
                    offer(.span(span.id, .edge), at: span.endSeconds, rank: 6) {
                        let from = source.map { "from \($0) " } ?? ""
                        let to = target.map { "to \($0)" } ?? "to its targets"
                        let agent = source.flatMap { $0.hasPrefix("internal:") ? nil : $0 }
                        return .warning(agent: agent, message: "a message \(from)was not routed \(to): \(status ?? "not delivered")")
                    }
                default:
                    break
                }
            }
            if !final, isComplete { completeWalk = RunEndFacts(lastTurn: lastTurn, failedPane: failedPane) }
        }

        if final {
            let end = root?.endSeconds ?? spans.values.map(\.node.endSeconds).max() ?? 0
            if let lastTurn, let text = lastText(of: lastTurn.name) {
                offer(.output, at: end, rank: 8) { .output(agent: lastTurn.name, text: text) }
            }
            offer(.runEnd, at: end, rank: 9) {
                if let root, let message = root.errorMessage {
                    return .runFailed(error: message, agent: failedPane)
                }
                guard let root else { return .runCancelled(reason: "the trace ended before its root span arrived") }
                return .runCompleted(finalAgent: lastTurn?.name, usage: totalUsage(), durationMs: root.durationMs)
            }
        }

        // The end of the run goes last whatever the clocks say; everything else in time order.
        drafts.sort { lhs, rhs in
            let left = lhs.rank >= 8 ? Double.infinity : lhs.time
            let right = rhs.rank >= 8 ? Double.infinity : rhs.time
            if left != right { return left < right }
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
            if let order = lhs.key.order(rhs.key) { return order }
            return lhs.part < rhs.part
        }
        var events: [WorkflowEvent] = []
        events.reserveCapacity(drafts.count)
        for draft in drafts {
            markSent(draft.key)
            if let turn = draft.turn { spans[turn]?.sent.insert(.turnStarted) }
            events.append(WorkflowEvent(sequence: nextSequence, timestamp: draft.time, kind: draft.kind))
            nextSequence += 1
        }
        if final {
            isFinished = true
            spans.removeAll()
            children.removeAll()
            transitions.removeAll()
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
              let parentId = span.parent, let parent = spans[parentId]?.node, parent.parent == nil
        else { return false }
        return parent.role != .workflowRun
    }

    /// The outermost of the directly nested spans of the same pane (`executor.process X` around `invoke_agent X`).
    private func turnRoot(of span: SpanNode) -> SpanNode {
        guard let pane = paneName(of: span) else { return span }
        var current = span
        while let parentId = current.parent, let parent = spans[parentId]?.node, paneName(of: parent) == pane {
            current = parent
        }
        return current
    }

    private func owner(of span: SpanNode, final: Bool) -> Owner {
        if let pane = paneName(of: span) { return .pane(pane, turn: turnRoot(of: span).id) }
        var current = span
        while let parentId = current.parent {
            guard let parent = spans[parentId]?.node else {
                // A parent that never came: the topmost span we have stands for it.
                if final { return .pane(current.name, turn: current.id) }
                return .unresolved
            }
            if let pane = paneName(of: parent) { return .pane(pane, turn: turnRoot(of: parent).id) }
            current = parent
        }
        if current.id == span.id { return .root }
        if let agent = span.agentName { return .pane(agent, turn: current.id) }
        return .pane(current.name, turn: current.id)
    }

    /// Spans below `turn` that belong to its pane (not to a nested pane of another name), `turn` included.
    private func turnSpans(_ turn: SpanNode, pane: String) -> [SpanNode] {
        var result: [SpanNode] = [turn]
        var stack = children[turn.id] ?? []
        while let id = stack.popLast() {
            guard let span = spans[id]?.node else { continue }
            if let other = paneName(of: span), other != pane { continue }
            result.append(span)
            stack.append(contentsOf: children[id] ?? [])
        }
        return result
    }

    /// A turn's usage (its model calls', else what its spans report: some SDKs put it on the agent's span only)
    /// and the finish reason of its last model call (else the turn's own).
    private func summary(ofTurn turn: SpanNode, pane: String) -> (usage: Usage?, finishReason: FinishReason?) {
        var calls: Usage?
        var own: Usage?
        var lastCall: SpanNode?
        for span in turnSpans(turn, pane: pane) {
            if span.role == .chat {
                if let usage = span.usage { calls = (calls ?? .zero) + usage }
                if lastCall.map({ $0.endNanos <= span.endNanos }) ?? true { lastCall = span }
            }
            if let usage = span.usage { own = (own ?? .zero) + usage }
        }
        return (calls ?? own, lastCall.flatMap(\.finishReason) ?? turn.finishReason)
    }

    private func subtreeHasOutput(turn: SpanNode, pane: String) -> Bool {
        turnSpans(turn, pane: pane).contains { $0.role == .chat && !$0.outputParts.isEmpty }
    }

    private func totalUsage() -> Usage {
        let calls = spans.values.filter { $0.node.role == .chat }.compactMap(\.node.usage)
        if !calls.isEmpty { return calls.reduce(.zero, +) }
        return spans.values.filter { if case .agent = $0.node.role { true } else { false } }
            .compactMap(\.node.usage).reduce(.zero, +)
    }

    /// The last text an agent wrote (the run's answer when it is the last to finish).
    private func lastText(of pane: String) -> String? {
        let candidates = spans.values.map(\.node).filter { span in
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
        guard !span.outputParts.isEmpty else { return [] }
        let messageId = span.id.hex
        return span.outputParts.map { part in
            switch part {
            case let .text(text): .textDelta(agent: pane, messageId: messageId, text: text)
            case let .reasoning(text): .reasoningDelta(agent: pane, messageId: messageId, text: text)
            }
        }
    }

    /// A tool span's call, or a generic step shown as one (its attributes as arguments, its error as result).
    private struct TimelineEntry {
        var callId: String
        var tool: String
        var result: String
        var arguments: () -> String
    }

    private func timelineEntry(of span: SpanNode) -> TimelineEntry {
        if case let .tool(callId, name, arguments, result) = span.facts {
            return TimelineEntry(callId: callId ?? span.id.hex, tool: name, result: result ?? span.errorMessage ?? "",
                                 arguments: { arguments ?? "" })
        }
        let attributes: SpanAttributes = if case let .attributes(attributes) = span.facts { attributes } else { [:] }
        // A generic step's attributes as one JSON object (keys sorted).
        return TimelineEntry(callId: span.id.hex, tool: span.name, result: span.errorMessage ?? "",
                             arguments: { SpanValue.map(attributes.sortedByKey).text })
    }

    private func workflowName(root: SpanNode?) -> String {
        if let root, root.role == .workflowRun {
            if case let .workflow(name) = root.facts { return name }
            return serviceName ?? "workflow"
        }
        return serviceName ?? root?.name ?? "trace"
    }

    /// The model of the run's first model call, for the header.
    private var model: String? {
        spans.values.map(\.node).sorted { $0.startNanos < $1.startNanos }.lazy.compactMap(\.model).first
    }
}

/// A span in its trace and which of its events went out.
private struct Placed: Sendable {
    var node: SpanNode
    var sent: Aspects = []
}

/// The events of one span already handed out, and whether its pane's turn started (from it or a nested span).
private struct Aspects: OptionSet, Sendable {
    let rawValue: UInt8
    static let start = Aspects(rawValue: 1 << 0)
    static let end = Aspects(rawValue: 1 << 1)
    static let fail = Aspects(rawValue: 1 << 2)
    static let text = Aspects(rawValue: 1 << 3)
    static let tool = Aspects(rawValue: 1 << 4)
    static let result = Aspects(rawValue: 1 << 5)
    static let edge = Aspects(rawValue: 1 << 6)
    static let turnStarted = Aspects(rawValue: 1 << 7)
}

private struct TransitionKey: Hashable, Sendable {
    var span: SpanID
    var from: String
    var to: String
}

/// What an event is about, so it is handed out once: the span and the aspect (an agent's start or end, a tool
/// call's start or result …). `order(_:)` only breaks ties in the sort.
private enum EventKey {
    case runStart
    case span(SpanID, Aspects)
    case transition(SpanID, from: String, to: String)
    case output
    case runEnd

    /// Whether this key sorts before `other`, as the keys' words would ("edge:<id>" < "end:<id>" < … <
    /// "transition:<id>:<from>><to>"), without making them; nil for the same key.
    func order(_ other: EventKey) -> Bool? {
        let (left, right) = (position, other.position)
        if left != right { return left < right }
        switch (self, other) {
        case let (.span(a, _), .span(b, _)):
            return a == b ? nil : a < b
        case let (.transition(a, fromA, toA), .transition(b, fromB, toB)):
            if a != b { return a < b }
            let (wordsA, wordsB) = (fromA + ">" + toA, fromB + ">" + toB)
            return wordsA == wordsB ? nil : wordsA < wordsB
        default:
            return nil
        }
    }

    /// The place of the key's first word in alphabetical order.
    private var position: Int {
        switch self {
        case let .span(_, aspect):
            switch aspect {
            case .edge: 0
            case .end: 1
            case .fail: 2
            case .result: 4
            case .start: 7
            case .text: 8
            case .tool: 9
            default: 0
            }
        case .output: 3
        case .runEnd: 5
        case .runStart: 6
        case .transition: 10
        }
    }
}

import WorkflowCore

/// An agent as the dashboard shows it: what it said (bounded scrollback), what it is doing, and how the person
/// is looking at it (scroll position, follow mode).
public struct AgentPane: Sendable {
    public enum Status: Sendable, Hashable {
        case waiting
        case streaming
        case callingTool(String)
        case done
        case failed
    }

    public let name: String
    public var status: Status = .waiting
    public private(set) var lines: [PaneLine] = []
    /// Lines dropped from the top to keep within `scrollback`.
    public private(set) var droppedLines = 0
    public var usage: Usage?
    public var toolCalls = 0
    /// Seconds (since 1970) when the agent's first turn began and first said something: time to first token.
    public var firstStartedAt: Double?
    public var firstOutputAt: Double?
    /// Time spent in finished turns, and when the current turn began (nil between turns): an agent of a group chat
    /// speaks in several turns, and its time is the sum of them.
    public var activeSeconds = 0.0
    public var turnStartedAt: Double?
    /// Whether the current turn has written text or called a tool (a turn without either says so).
    public var turnHasOutput = false
    /// Rows scrolled up from the bottom; 0 shows the newest text.
    public var scrollOffset = 0
    /// When on, new text keeps the view at the bottom.
    public var follow = true
    let scrollback: Int

    public init(name: String, scrollback: Int) {
        self.name = name
        self.scrollback = max(10, scrollback)
    }

    /// Appends streamed text: continues the current line of the same response, and starts a new line at each
    /// line break and for each new response.
    mutating func appendText(_ text: String, kind: PaneLine.Kind, messageId: String) {
        var first = true
        // Lines end at LF (a CR before it is dropped); split on bytes, not Characters, which would keep "\r\n"
        // whole and cost a grapheme scan per delta.
        var rest = Substring(text)
        while true {
            let newline = rest.utf8.firstIndex(of: 0x0A)
            let piece = newline.map { rest[..<$0] } ?? rest
            if first, let last = lines.last, last.kind == kind, last.messageId == messageId {
                if !lastLineStreaming { reopenLastLine() }
                lines[lines.count - 1].text += piece
            } else {
                if first, let last = lines.last, last.messageId != messageId, !last.text.isEmpty, kind == .text || kind == .reasoning,
                    last.kind == .text || last.kind == .reasoning
                {
                    // A new response after earlier text: a blank line between paragraphs of different turns.
                    append(PaneLine(kind: kind, text: "", messageId: nil))
                }
                append(PaneLine(kind: kind, text: String(piece), messageId: messageId))
            }
            guard let newline else { break }
            // The line is complete: a CR before its LF (perhaps sent in the previous delta) is not text.
            if lines[lines.count - 1].text.utf8.last == 0x0D { lines[lines.count - 1].text.removeLast() }
            commitStreamingLine()
            rest = rest[rest.utf8.index(after: newline)...]
            first = false
        }
    }

    /// Where each tool call's line is (counted from the first line ever appended), so arguments that stream in
    /// after the call began can complete it.
    private var toolCallLines: [String: Int] = [:]

    /// Appends a tool call's line, remembered by its call id.
    mutating func appendToolCall(_ line: PaneLine, callId: String) {
        append(line)
        if !callId.isEmpty { toolCallLines[callId] = droppedLines + lines.count - 1 }
    }

    /// Rewrites a tool call's line (its arguments arrived), if it is still in the scrollback.
    mutating func updateToolCall(_ callId: String, text: String) {
        guard let absolute = toolCallLines[callId] else { return }
        let index = absolute - droppedLines
        guard lines.indices.contains(index) else { return toolCallLines[callId] = nil }
        lines[index].text = text
    }

    mutating func append(_ line: PaneLine) {
        commitStreamingLine()
        lines.append(line)
        lastLineStreaming = line.kind == .text || line.kind == .reasoning
        // Scrolled up: a new line below must not move what the person is reading (one row per new line; a
        // line that later wraps to more rows shifts the view by those rows).
        if !follow { scrollOffset += 1 }
        if lines.count > scrollback + scrollback / 8 {
            // Trim in batches so appending stays O(1) amortised.
            let excess = lines.count - scrollback
            lines.removeFirst(excess)
            droppedLines += excess
        }
    }

    // MARK: Markdown, a completed line at a time

    /// Whether the last line is text still being streamed: shown as it is until its newline (or the end of its
    /// response) commits it, so a half-written `**` never flickers into styling and back.
    private var lastLineStreaming = false
    /// The open code fence of the response being read, and what it was before the last line was committed.
    private var markdownBlocks = MarkdownBlockState()
    private var markdownBlocksBeforeLast = MarkdownBlockState()
    /// Whose lines `markdownBlocks` follows: a fence never carries into another response or kind of text.
    private var markdownOwner: (kind: PaneLine.Kind, messageId: String?)?

    /// Parses the streaming last line as Markdown: it is complete.
    mutating func commitStreamingLine() {
        guard lastLineStreaming, let index = lines.indices.last else { return }
        lastLineStreaming = false
        let line = lines[index]
        if markdownOwner.map({ $0.kind != line.kind || $0.messageId != line.messageId }) ?? true {
            markdownBlocks = MarkdownBlockState()
            markdownOwner = (line.kind, line.messageId)
        }
        markdownBlocksBeforeLast = markdownBlocks
        lines[index].markdown = markdownBlocks.parse(line.text)
    }

    /// More text for a line already committed (its response ended, then went on): stream it again.
    private mutating func reopenLastLine() {
        guard let index = lines.indices.last, lines[index].kind == .text || lines[index].kind == .reasoning else { return }
        lastLineStreaming = true
        markdownBlocks = markdownBlocksBeforeLast
        lines[index].markdown = nil
    }

    /// Seconds from the first turn's start to its first text or tool call.
    public var timeToFirstOutput: Double? {
        guard let firstStartedAt, let firstOutputAt else { return nil }
        return max(0, firstOutputAt - firstStartedAt)
    }

    /// Time spent in turns so far, the running one up to `now`.
    public func elapsed(at now: Double) -> Double {
        activeSeconds + (turnStartedAt.map { max(0, now - $0) } ?? 0)
    }

    mutating func beginTurn(at time: Double) {
        if firstStartedAt == nil { firstStartedAt = time }
        if turnStartedAt == nil { turnStartedAt = time }
        turnHasOutput = false
    }

    mutating func noteOutput(at time: Double) {
        if firstOutputAt == nil { firstOutputAt = time }
        turnHasOutput = true
    }

    mutating func endTurn(at time: Double) {
        if let start = turnStartedAt { activeSeconds += max(0, time - start) }
        turnStartedAt = nil
    }

    /// The pane's text with the response's message ids forgotten (the transcript, search).
    public var plainText: String { lines.map(\.text).joined(separator: "\n") }
}

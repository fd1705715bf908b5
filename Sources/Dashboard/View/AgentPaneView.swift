import Foundation

/// One agent's pane: a titled border (name, status, scroll position) around its word-wrapped text, with tool and
/// transition lines inline and search matches highlighted.
enum AgentPaneView {
    static func draw(_ state: DashboardState, paneIndex: Int, in rect: Rect, into grid: inout CellGrid) {
        let pane = state.agents[paneIndex]
        let focused = paneIndex == state.focus && !state.timelineFocused
        DashboardView.box(rect, style: focused ? .paneBorderFocused : .paneBorder, into: &grid)
        guard rect.width >= 6, rect.height >= 3 else { return }

        // Title: " 2 Writer · ● streaming "
        let active = state.activeAgent == pane.name
        var x = grid.put(" \(paneIndex + 1) ", x: rect.x + 1, y: rect.y, style: focused ? .paneBorderFocused : .paneBorder)
        x = grid.put(pane.name, x: x, y: rect.y, style: active ? .paneTitleActive : .paneTitle, maxWidth: rect.width - 4)
        let (stateText, statusStyle) = state.requests.waits(for: pane.name) ? ("⏸ needs you", StyleRole.warning) : status(pane.status)
        // A finished agent's tokens; `~` when flowtop counted them.
        let tokens = pane.status == .done ? pane.usage.flatMap { $0.totalTokens > 0 ? $0 : nil } : nil
        let statusText = stateText + (tokens.map { " · \($0.estimateMark)\(DashboardView.grouped($0.totalTokens)) tok" } ?? "")
        if x + 4 < rect.x + rect.width - 1 {
            x = grid.put(" · ", x: x, y: rect.y, style: .paneBorder)
            x = grid.put(statusText + " ", x: x, y: rect.y, style: statusStyle, maxWidth: rect.x + rect.width - 1 - x)
        }

        let inner = DashboardLayout.viewport(ofPaneRect: rect)
        let rows = visibleRows(pane, width: inner.width, height: inner.height, offset: pane.scrollOffset, raw: state.showRawText)
        let query = focused ? state.search.map(\.query).flatMap { $0.isEmpty ? nil : $0 } : nil
        let right = inner.x + inner.width
        for (offset, row) in rows.enumerated() {
            // Text starts at the top until it fills the pane; then the newest row sits on the bottom edge.
            let y = inner.y + offset
            let current = state.search?.currentLine == row.lineIndex
            switch row.content {
            case let .raw(text):
                let end = grid.put(text, x: inner.x, y: y, style: style(row.kind), maxWidth: inner.width)
                if row.kind == .transition, row.isLastOfLine, end < right {
                    grid.fill(x: end, y: y, width: right - end, height: 1, character: "─", style: .transitionMarker)
                }
                if let query { highlight(query, in: text, x: inner.x, y: y, current: current, into: &grid) }
            case let .styled(styled):
                var x = inner.x
                for piece in styled.pieces {
                    x = grid.put(piece.text, x: x, y: y, style: role(piece.style, kind: row.kind), maxWidth: right - x)
                }
                switch styled.fill {
                case .code?: grid.fill(x: x, y: y, width: right - x, height: 1, style: role(.codeBlock, kind: row.kind))
                case .rule?: grid.fill(x: x, y: y, width: right - x, height: 1, character: "─", style: role(.rule, kind: row.kind))
                case .wrapped?, nil: break
                }
                if styled.cut { grid.put(StyledWrap.overflowMark, x: right - 1, y: y, style: role(.codeBlock, kind: row.kind)) }
                guard let query else { break }
                // Search matches the source text; the rendered row shows what is left of a match once the markers
                // are gone. A current match hidden by the rendering (its query spans a marker) lights the whole row.
                let shown = styled.pieces.map(\.text).joined()
                highlight(query, in: shown[...], x: inner.x, y: y, current: current, into: &grid)
                if current, let markdown = pane.lines[row.lineIndex].markdown,
                    markdown.displayText.range(of: query, options: .caseInsensitive) == nil
                {
                    grid.restyle(x: inner.x, y: y, width: max(1, x - inner.x), style: .searchCurrent)
                }
            }
        }

        // Bottom edge: the agent's figures on the left when asked for (`i`), where the view is on the right.
        if state.showAgentFigures, let figures = figures(pane, now: state.now) {
            grid.put(" \(figures) ", x: rect.x + 1, y: rect.y + rect.height - 1, style: .paneBorder, maxWidth: rect.width - 2)
        }
        if pane.scrollOffset > 0 || !pane.follow {
            let hint = pane.scrollOffset > 0 ? " ↓ \(pane.scrollOffset) more · f follows " : " follow off (f) "
            let hintX = max(rect.x + 1, rect.x + rect.width - 1 - DisplayWidth.of(hint))
            grid.put(hint, x: hintX, y: rect.y + rect.height - 1, style: .warning, maxWidth: rect.width - 2)
        }
    }

    /// "in 120 · out ~300 tok · 2 tools · first 0.4 s · 3.1 s": what the agent used and how long it took, for
    /// every source that says (tokens where reported or estimated, timing from the events' own timestamps).
    static func figures(_ pane: AgentPane, now: Double) -> String? {
        guard pane.firstStartedAt != nil || pane.usage != nil || pane.toolCalls > 0 else { return nil }
        var parts: [String] = []
        if let usage = pane.usage, usage.totalTokens > 0 {
            let mark = usage.estimateMark
            parts.append("in \(mark)\(DashboardView.grouped(usage.inputTokens)) · out \(mark)\(DashboardView.grouped(usage.outputTokens)) tok")
        }
        if pane.toolCalls > 0 { parts.append("\(pane.toolCalls) tool" + (pane.toolCalls == 1 ? "" : "s")) }
        if let first = pane.timeToFirstOutput { parts.append("first " + seconds(first)) }
        if pane.firstStartedAt != nil { parts.append(seconds(pane.elapsed(at: now))) }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    private static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f s", value) : DashboardView.formatDuration(value)
    }

    struct Row {
        enum Content {
            /// The line's own text (raw view, lines still streaming, prose with no Markdown, tool lines).
            case raw(Substring)
            case styled(StyledWrap.Row)
        }

        var content: Content
        var kind: PaneLine.Kind
        var lineIndex: Int
        /// The last row of its wrapped line (where a transition marker is extended to the edge).
        var isLastOfLine: Bool
    }

    /// The rows that fill a viewport `height` tall, `offset` rows up from the bottom, oldest first.
    static func visibleRows(_ pane: AgentPane, width: Int, height: Int, offset: Int, raw: Bool = false) -> [Row] {
        guard width > 0, height > 0 else { return [] }
        var rows: [Row] = []
        rows.reserveCapacity(height)
        var skip = offset
        var lineIndex = pane.lines.count - 1
        while lineIndex >= 0, rows.count < height {
            let line = pane.lines[lineIndex]
            let wrapped: [Row.Content]
            if !raw, let markdown = line.markdown {
                wrapped = StyledWrap.rows(markdown, width: width).map(Row.Content.styled)
            } else {
                wrapped = TextWrap.rows(line.text, width: width).map(Row.Content.raw)
            }
            for (position, content) in wrapped.enumerated().reversed() {
                if skip > 0 {
                    skip -= 1
                    continue
                }
                rows.append(Row(content: content, kind: line.kind, lineIndex: lineIndex, isLastOfLine: position == wrapped.count - 1))
                if rows.count == height { break }
            }
            lineIndex -= 1
        }
        return rows.reversed()
    }

    /// Rows one line takes at `width`, rendered or raw.
    static func rowCount(_ line: PaneLine, width: Int, raw: Bool) -> Int {
        if !raw, let markdown = line.markdown { return StyledWrap.rowCount(markdown, width: width) }
        return TextWrap.rowCount(line.text, width: width)
    }

    /// Rows all of a pane's lines take at `width` (for clamping scroll and jumping to the top).
    static func totalRows(_ pane: AgentPane, width: Int, raw: Bool = false) -> Int {
        pane.lines.reduce(0) { $0 + rowCount($1, width: width, raw: raw) }
    }

    static func highlight(_ query: String, in text: Substring, x: Int, y: Int, current: Bool, into grid: inout CellGrid) {
        var searchStart = text.startIndex
        while let range = text.range(of: query, options: .caseInsensitive, range: searchStart..<text.endIndex) {
            let column = x + DisplayWidth.of(text[text.startIndex..<range.lowerBound])
            grid.restyle(x: column, y: y, width: DisplayWidth.of(text[range]), style: current ? .searchCurrent : .searchMatch)
            searchStart = range.upperBound
        }
    }

    static func style(_ kind: PaneLine.Kind) -> StyleRole {
        switch kind {
        case .text: return .agentText
        case .reasoning: return .reasoningText
        case .tool: return .toolLine
        case .transition: return .transitionMarker
        case .error: return .error
        }
    }

    /// The theme role of a piece of Markdown. Reasoning keeps its own role throughout (markers dropped, layout
    /// kept), so it still reads as reasoning.
    static func role(_ style: MarkdownLine.Style, kind: PaneLine.Kind) -> StyleRole {
        guard kind != .reasoning else { return .reasoningText }
        switch style {
        case .plain: return .agentText
        case .bold: return .markdownBold
        case .italic: return .markdownItalic
        case .boldItalic: return .markdownBoldItalic
        case .code: return .markdownCode
        case .link: return .markdownLink
        case .linkURL: return .markdownLinkURL
        case .heading: return .markdownHeading
        case .quote: return .markdownQuote
        case .listMarker: return .markdownListMarker
        case .codeBlock: return .markdownCodeBlock
        case .rule: return .markdownRule
        }
    }

    static func status(_ status: AgentPane.Status) -> (String, StyleRole) {
        switch status {
        case .waiting: return ("○ waiting", .statusWaiting)
        case .streaming: return ("● streaming", .statusStreaming)
        case let .callingTool(tool): return ("⚙ \(tool)", .statusTool)
        case .done: return ("✓ done", .statusDone)
        case .failed: return ("✗ failed", .statusFailed)
        }
    }
}

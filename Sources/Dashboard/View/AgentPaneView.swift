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
        let rows = visibleRows(pane, width: inner.width, height: inner.height, offset: pane.scrollOffset)
        let query = focused ? state.search.map(\.query).flatMap { $0.isEmpty ? nil : $0 } : nil
        for (offset, row) in rows.enumerated() {
            // Text starts at the top until it fills the pane; then the newest row sits on the bottom edge.
            let y = inner.y + offset
            let end = grid.put(row.text, x: inner.x, y: y, style: style(row.kind), maxWidth: inner.width)
            if row.kind == .transition, row.isLastOfLine, end < inner.x + inner.width {
                grid.fill(x: end, y: y, width: inner.x + inner.width - end, height: 1, character: "─", style: .transitionMarker)
            }
            if let query {
                let current = state.search?.currentLine == row.lineIndex
                highlight(query, in: row.text, x: inner.x, y: y, current: current, into: &grid)
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
        var text: Substring
        var kind: PaneLine.Kind
        var lineIndex: Int
        /// The last row of its wrapped line (where a transition marker is extended to the edge).
        var isLastOfLine: Bool
    }

    /// The rows that fill a viewport `height` tall, `offset` rows up from the bottom, oldest first.
    static func visibleRows(_ pane: AgentPane, width: Int, height: Int, offset: Int) -> [Row] {
        guard width > 0, height > 0 else { return [] }
        var rows: [Row] = []
        rows.reserveCapacity(height)
        var skip = offset
        var lineIndex = pane.lines.count - 1
        while lineIndex >= 0, rows.count < height {
            let line = pane.lines[lineIndex]
            let wrapped = TextWrap.rows(line.text, width: width)
            for (position, piece) in wrapped.enumerated().reversed() {
                if skip > 0 {
                    skip -= 1
                    continue
                }
                rows.append(Row(text: piece, kind: line.kind, lineIndex: lineIndex, isLastOfLine: position == wrapped.count - 1))
                if rows.count == height { break }
            }
            lineIndex -= 1
        }
        return rows.reversed()
    }

    /// Rows all of a pane's lines take at `width` (for clamping scroll and jumping to the top).
    static func totalRows(_ pane: AgentPane, width: Int) -> Int {
        pane.lines.reduce(0) { $0 + TextWrap.rowCount($1.text, width: width) }
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

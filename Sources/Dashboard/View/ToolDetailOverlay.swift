import Foundation

/// Enter on a timeline entry: the call's full arguments (pretty JSON) and result, scrollable.
enum ToolDetailOverlay {
    static func lines(for entry: ToolCallEntry, width: Int, timeZone: TimeZone) -> [(text: String, style: StyleRole)] {
        var lines: [(String, StyleRole)] = []
        let status: String
        switch entry.status {
        case .running: status = "running"
        case .succeeded: status = "succeeded in " + DashboardView.formatMilliseconds(entry.durationMs ?? 0)
        case .failed: status = "failed after " + DashboardView.formatMilliseconds(entry.durationMs ?? 0)
        }
        lines.append(("\(entry.tool) · \(entry.agent) · \(status)", .overlayTitle))
        lines.append(("call id \(entry.callId) · started \(TimelineView.clock(entry.startedAt, in: timeZone))", .dim))
        if let progress = entry.progress { lines.append(("progress \(progress.summary)", .dim)) }
        lines.append(("", .overlay))
        lines.append(("Arguments", .overlayTitle))
        for line in JSONDisplay.pretty(entry.arguments).split(separator: "\n", omittingEmptySubsequences: false) {
            for row in TextWrap.rows(String(line), width: width) { lines.append((String(row), .overlay)) }
        }
        lines.append(("", .overlay))
        lines.append(("Result", .overlayTitle))
        for line in (entry.result ?? "(no result yet)").split(separator: "\n", omittingEmptySubsequences: false) {
            for row in TextWrap.rows(String(line), width: width) {
                lines.append((String(row), entry.status == .failed ? .error : .overlay))
            }
        }
        return lines
    }

    static func rect(in grid: CellGrid) -> Rect {
        let width = max(20, min(grid.width - 4, 100))
        let height = max(6, grid.height - 4)
        return Rect(x: (grid.width - width) / 2, y: (grid.height - height) / 2, width: width, height: height)
    }

    static func draw(_ state: DashboardState, entry index: Int, scroll: Int, into grid: inout CellGrid) {
        guard state.timeline.indices.contains(index) else { return }
        drawScrolled(title: "Tool call \(index + 1) of \(state.timeline.count)", scroll: scroll, into: &grid) { width in
            lines(for: state.timeline[index], width: width, timeZone: state.timeZone)
        }
    }

    /// A centred box with a title over the screen, its lines (made for the inner width) scrolled by `scroll` rows:
    /// the tool-call detail, the warnings and the runs list's warnings share it.
    static func drawScrolled(
        title: String, scroll: Int, into grid: inout CellGrid, lines: (_ width: Int) -> [(text: String, style: StyleRole)]
    ) {
        let rect = rect(in: grid)
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, style: .overlay)
        DashboardView.box(rect, style: .overlayBorder, into: &grid)
        grid.put(" \(title) ", x: rect.x + 2, y: rect.y, style: .overlayTitle)
        let inner = Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
        let all = lines(inner.width)
        let start = min(max(0, scroll), max(0, all.count - inner.height))
        for (row, line) in all.dropFirst(start).prefix(inner.height).enumerated() {
            grid.put(line.text, x: inner.x, y: inner.y + row, style: line.style, maxWidth: inner.width)
        }
        grid.put(" ↑↓ scroll · Esc closes ", x: rect.x + rect.width - 26, y: rect.y + rect.height - 1, style: .overlayBorder)
    }
}

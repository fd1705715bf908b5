import Foundation

/// The tool-call timeline: one row per call with time, agent, tool, arguments, status, duration and a result
/// preview; the newest at the bottom, the selected one highlighted when the timeline has focus.
enum TimelineView {
    static func draw(_ state: DashboardState, in rect: Rect, into grid: inout CellGrid) {
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, style: .timelineHeader)
        let focusMark = state.timelineFocused ? "▶ " : "  "
        let title = "\(focusMark)Tool calls (\(state.timeline.count))"
        grid.put(title, x: rect.x, y: rect.y, style: .timelineHeader, maxWidth: rect.width)
        if state.timelineFocused {
            let hint = "↑↓ select · Enter details · Tab leaves "
            grid.put(hint, x: max(rect.x + DisplayWidth.of(title) + 2, rect.width - DisplayWidth.of(hint)), y: rect.y, style: .timelineHeader)
        }
        let rowsAvailable = DashboardLayout.timelineEntryRows(in: rect)
        guard rowsAvailable > 0 else { return }
        if state.timeline.isEmpty {
            grid.put("  No tool calls yet", x: rect.x, y: rect.y + 1, style: .dim)
            return
        }
        let selected = state.timelineFocused ? (state.timelineSelection ?? state.timeline.count - 1) : nil
        // Keep the selection in view; otherwise show the newest calls.
        let first = DashboardLayout.firstTimelineEntry(
            count: state.timeline.count, selected: selected ?? state.timeline.count - 1, rows: rowsAvailable)
        let last = min(state.timeline.count - 1, first + rowsAvailable - 1)
        let columns = Columns(width: rect.width, state: state)
        for (row, index) in (first...last).enumerated() {
            let y = rect.y + 1 + row
            let isSelected = index == selected
            drawRow(state.timeline[index], columns: columns, x: rect.x, y: y, selected: isSelected, timeZone: state.timeZone, into: &grid)
        }
    }

    struct Columns {
        var agent: Int
        var tool: Int
        var arguments: Int
        var status: Int

        init(width: Int, state: DashboardState) {
            agent = min(14, max(6, state.timeline.map { DisplayWidth.of($0.agent) }.max() ?? 6))
            tool = min(18, max(6, state.timeline.map { DisplayWidth.of($0.tool) }.max() ?? 6))
            status = 10
            let fixed = 1 + 8 + 1 + agent + 1 + tool + 1 + status + 1
            arguments = max(8, min(40, (width - fixed) / 2))
        }
    }

    static func drawRow(
        _ entry: ToolCallEntry, columns: Columns, x: Int, y: Int, selected: Bool, timeZone: TimeZone, into grid: inout CellGrid
    ) {
        let base: StyleRole = selected ? .timelineSelected : .timelineRow
        if selected { grid.fill(x: x, y: y, width: grid.width - x, height: 1, style: .timelineSelected) }
        var column = x + 1
        column = put(clock(entry.startedAt, in: timeZone), width: 8, at: column, y: y, style: selected ? base : .dim, into: &grid)
        column = put(entry.agent, width: columns.agent, at: column, y: y, style: base, into: &grid)
        column = put(entry.tool, width: columns.tool, at: column, y: y, style: selected ? base : .toolLine, into: &grid)
        column = put(entry.argumentsSummary, width: columns.arguments, at: column, y: y, style: base, into: &grid)
        let (statusText, statusStyle): (String, StyleRole)
        switch entry.status {
        case .running: (statusText, statusStyle) = ("… " + (entry.progress?.amount ?? "running"), .toolRunning)
        case .succeeded: (statusText, statusStyle) = ("✓ " + DashboardView.formatMilliseconds(entry.durationMs ?? 0), .toolOK)
        case .failed: (statusText, statusStyle) = ("✗ " + DashboardView.formatMilliseconds(entry.durationMs ?? 0), .toolError)
        }
        column = put(statusText, width: columns.status, at: column, y: y, style: selected ? base : statusStyle, into: &grid)
        if let result = entry.result, column < grid.width {
            grid.put(TextWrap.truncate(result, width: grid.width - column), x: column, y: y, style: selected ? base : .dim)
        }
    }

    static func put(_ text: String, width: Int, at x: Int, y: Int, style: StyleRole, into grid: inout CellGrid) -> Int {
        grid.put(TextWrap.truncate(text, width: width), x: x, y: y, style: style, maxWidth: width)
        return x + width + 1
    }

    /// HH:MM:SS of a timestamp in `timeZone` (the state's, so tests can pin it).
    static func clock(_ timestamp: Double, in timeZone: TimeZone) -> String {
        let seconds = Int(timestamp.rounded(.down)) + timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: timestamp))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        return DashboardView.format2(day / 3600) + ":" + DashboardView.format2(day / 60 % 60) + ":" + DashboardView.format2(day % 60)
    }
}

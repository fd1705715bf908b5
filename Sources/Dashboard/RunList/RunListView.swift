import WorkflowCore

/// Draws a `RunListState`: a header (source, connection, counts, sort, filter), the column titles with the sort
/// column marked, one row per run with the selected one lit, and a footer of keys or the filter being typed.
public enum RunListView {
    public static let minimumWidth = 30
    public static let minimumHeight = 5

    public static func render(_ state: RunListState) -> CellGrid {
        var grid = CellGrid(width: state.size.width, height: state.size.height)
        guard state.size.width >= minimumWidth, state.size.height >= minimumHeight else {
            grid.put("Terminal too small (\(state.size.width)×\(state.size.height)); q quits", x: 0, y: 0, style: .warning)
            return grid
        }
        let columns = RunListColumns(width: state.size.width)
        // Filtered and sorted once a frame: the header counts what the rows show.
        let rows = state.visible
        drawHeader(state, matching: rows.count, into: &grid)
        drawTitles(state, columns, into: &grid)
        if rows.isEmpty {
            let message = state.runs.isEmpty ? "No runs yet" : "No run matches \"\(state.filter)\""
            grid.put(message, x: max(0, (state.size.width - DisplayWidth.of(message)) / 2), y: 2 + (state.size.height - 3) / 2, style: .dim)
        }
        for (offset, run) in rows.dropFirst(state.scrollTop).prefix(state.pageSize).enumerated() {
            drawRow(run, selected: run.id == state.selectedId, columns, state, y: 2 + offset, into: &grid)
        }
        drawFooter(state, into: &grid)
        if state.showingWarnings { drawWarnings(state, into: &grid) }
        return grid
    }

    /// The problems overlay's lines: a title, then each problem with its count, the most frequent first.
    static func warningLines(_ state: RunListState) -> [(text: String, style: StyleRole)] {
        guard !state.problems.isEmpty else { return [("No warnings: nothing was refused", .overlayTitle)] }
        let counted = state.problems.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return [("Refused or skipped (\(DashboardView.grouped(state.problemTotal)))", .overlayTitle)]
            + counted.map { ("\($0.key)  ×\(DashboardView.grouped($0.value))", .overlay) }
    }

    static func drawWarnings(_ state: RunListState, into grid: inout CellGrid) {
        ToolDetailOverlay.drawScrolled(title: "Warnings", scroll: state.warningsScroll, into: &grid) { width in
            warningLines(state).flatMap { line in
                TextWrap.rows(line.text, width: max(1, width)).map { (text: String($0), style: line.style) }
            }
        }
    }

    static func drawHeader(_ state: RunListState, matching: Int, into grid: inout CellGrid) {
        let width = state.size.width
        grid.fill(x: 0, y: 0, width: width, height: 1, style: .header)
        var x = grid.put(" \(state.title) ", x: 0, y: 0, style: .headerAccent)
        var full = false
        // Fields that do not fit whole are left out, as in the dashboard's header.
        func field(_ text: String, _ style: StyleRole = .header) {
            guard !full else { return }
            guard x + 3 + DisplayWidth.of(text) <= width else {
                full = true
                return
            }
            x = grid.put("│ ", x: x, y: 0, style: .header)
            x = grid.put(text + " ", x: x, y: 0, style: style)
        }
        if let connection = state.connection {
            switch connection {
            case .live: field(connection.label)
            default: field(connection.label, .warning)
            }
        }
        let running = state.runningCount
        field("\(state.runs.count) run" + (state.runs.count == 1 ? "" : "s") + (running > 0 ? " · \(running) running" : ""))
        if state.problemTotal > 0 { field("⚠ \(DashboardView.grouped(state.problemTotal)) refused (w)", .warning) }
        if !state.filter.isEmpty, !state.editingFilter { field("/\(state.filter): \(matching)", .headerAccent) }
        field("sort: \(RunListColumns.title(state.sort.column).lowercased()) \(state.sort.descending ? "↓" : "↑")")
        if !state.source.isEmpty { field(state.source) }
    }

    /// The visible runs as plain text (`flowtop top --plain`): the column titles and a line per run, as the screen
    /// shows them at `width` columns, trailing spaces trimmed.
    public static func table(_ state: RunListState, width: Int) -> String {
        let rows = state.visible
        let columns = RunListColumns(width: width)
        var grid = CellGrid(width: width, height: rows.count + 1)
        drawTitles(state, columns, y: 0, into: &grid)
        for (index, run) in rows.enumerated() {
            drawRow(run, selected: false, columns, state, y: index + 1, into: &grid)
        }
        return grid.text
    }

    static func drawTitles(_ state: RunListState, _ columns: RunListColumns, y: Int = 1, into grid: inout CellGrid) {
        grid.fill(x: 0, y: y, width: grid.width, height: 1, style: .timelineHeader)
        for placed in columns.placed {
            var title = RunListColumns.title(placed.column)
            if placed.column == state.sort.column {
                title = String(title.prefix(placed.width - 1)) + (state.sort.descending ? "↓" : "↑")
            }
            put(title, placed, numeric: RunListColumns.isNumeric(placed.column), y: y, style: .timelineHeader, into: &grid)
        }
    }

    static func drawRow(
        _ run: RunSummary, selected: Bool, _ columns: RunListColumns, _ state: RunListState, y: Int, into grid: inout CellGrid
    ) {
        if selected { grid.fill(x: 0, y: y, width: grid.width, height: 1, style: .timelineSelected) }
        for placed in columns.placed {
            let text = RunListColumns.cell(placed.column, of: run, now: state.now, timeZone: state.timeZone)
            let style: StyleRole = selected
                ? .timelineSelected
                : placed.column == .state ? RunListColumns.style(of: run.state) : (placed.column == .id ? .normal : .timelineRow)
            put(text, placed, numeric: RunListColumns.isNumeric(placed.column), y: y, style: style, into: &grid)
        }
    }

    /// A cell's text, right-aligned for numbers, cut with `…` when longer than its column.
    static func put(_ text: String, _ placed: RunListColumns.Placed, numeric: Bool, y: Int, style: StyleRole, into grid: inout CellGrid) {
        var shown = text
        if DisplayWidth.of(shown) > placed.width {
            shown = TextWrap.truncate(shown, width: placed.width)
        }
        let x = numeric ? placed.x + placed.width - DisplayWidth.of(shown) : placed.x
        grid.put(shown, x: x, y: y, style: style, maxWidth: placed.width)
    }

    static let hints: [(key: String, action: String)] = [
        ("q", "quit"), ("Enter", "open"), ("↑↓", "select"), ("/", "filter"), ("1-0", "sort"), ("Esc", "clear"),
        ("w", "warnings"),
    ]

    static func drawFooter(_ state: RunListState, into grid: inout CellGrid) {
        let y = state.size.height - 1
        let width = state.size.width
        grid.fill(x: 0, y: y, width: width, height: 1, style: .footer)
        if state.editingFilter {
            var x = grid.put(" /", x: 0, y: y, style: .footerKey)
            x = grid.put(state.filter, x: x, y: y, style: .footer, maxWidth: width - x - 1)
            x = grid.put("▏", x: x, y: y, style: .footerKey)
            grid.put("  Enter keep · Esc clear", x: x, y: y, style: .footer, maxWidth: width - x)
            return
        }
        if let notice = state.notice {
            grid.put(" " + notice, x: 0, y: y, style: .footerKey, maxWidth: width)
            return
        }
        var x = 0
        for hint in hints {
            let needed = DisplayWidth.of(hint.key) + DisplayWidth.of(hint.action) + 3
            guard x + needed <= width else { break }
            x = grid.put(" " + hint.key, x: x, y: y, style: .footerKey)
            x = grid.put(" " + hint.action + " ", x: x, y: y, style: .footer)
        }
    }
}

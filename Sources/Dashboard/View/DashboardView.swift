import WorkflowCore

/// Draws a `DashboardState` into a `CellGrid`: header, agent panes, tool-call timeline, footer, and any overlay.
/// Pure: the same state and size always give the same grid.
public enum DashboardView {
    public static func render(_ state: DashboardState) -> CellGrid {
        var grid = CellGrid(width: state.size.width, height: state.size.height)
        let layout = DashboardLayout(state: state)
        if layout.tooSmall {
            drawTooSmall(state, into: &grid)
            return grid
        }
        HeaderView.draw(state, in: layout.header, into: &grid)
        if state.agents.isEmpty {
            let message = state.runStatus == .waiting ? "Waiting for the workflow to start…" : "No agents yet"
            let y = 1 + (state.size.height - 2) / 2
            grid.put(message, x: max(0, (state.size.width - DisplayWidth.of(message)) / 2), y: y, style: .dim)
        }
        if let map = layout.map { WorkflowMapView.draw(state, in: map, into: &grid) }
        if let tabs = layout.tabs { drawTabs(state, in: tabs, into: &grid) }
        for (index, rect) in layout.panes {
            AgentPaneView.draw(state, paneIndex: index, in: rect, into: &grid)
        }
        if let timeline = layout.timeline {
            TimelineView.draw(state, in: timeline, into: &grid)
        }
        FooterView.draw(state, in: layout.footer, into: &grid)
        switch state.overlay {
        case let .help(scroll): HelpOverlay.draw(state, scroll: scroll, into: &grid)
        case let .toolDetail(index, scroll): ToolDetailOverlay.draw(state, entry: index, scroll: scroll, into: &grid)
        case let .warnings(scroll): WarningsOverlay.draw(state, scroll: scroll, into: &grid)
        case nil: break
        }
        if state.promptIsOpen { RequestPromptView.draw(state, into: &grid) }
        return grid
    }

    /// "1 Meteorologist  2 Historian …" with the focused agent marked, when only one pane fits.
    static func drawTabs(_ state: DashboardState, in rect: Rect, into grid: inout CellGrid) {
        var x = rect.x
        for (index, pane) in state.agents.enumerated() {
            let label = " \(index + 1) \(pane.name) "
            let style: StyleRole = index == state.focus ? .paneTitleActive : .dim
            guard x + DisplayWidth.of(label) <= rect.x + rect.width else {
                grid.put("…", x: rect.x + rect.width - 1, y: rect.y, style: .dim)
                break
            }
            x = grid.put(label, x: x, y: rect.y, style: style)
        }
    }

    static func drawTooSmall(_ state: DashboardState, into grid: inout CellGrid) {
        let lines = [
            "Terminal too small",
            "\(state.size.width)×\(state.size.height); flowtop needs",
            "at least \(DashboardLayout.minimumWidth)×\(DashboardLayout.minimumHeight).",
            "q quits",
        ]
        let top = max(0, (state.size.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let x = max(0, (state.size.width - DisplayWidth.of(line)) / 2)
            grid.put(line, x: x, y: top + offset, style: offset == 0 ? .warning : .normal)
        }
    }

    /// Draws a box border with an optional title in the top edge.
    static func box(_ rect: Rect, style: StyleRole, into grid: inout CellGrid) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        grid.put("┌", x: rect.x, y: rect.y, style: style)
        grid.put("┐", x: right, y: rect.y, style: style)
        grid.put("└", x: rect.x, y: bottom, style: style)
        grid.put("┘", x: right, y: bottom, style: style)
        for x in (rect.x + 1)..<right {
            grid.put("─", x: x, y: rect.y, style: style)
            grid.put("─", x: x, y: bottom, style: style)
        }
        for y in (rect.y + 1)..<bottom {
            grid.put("│", x: rect.x, y: y, style: style)
            grid.put("│", x: right, y: y, style: style)
        }
    }

    static func formatDuration(_ seconds: Double) -> String {
        let whole = Int(seconds)
        return whole >= 3600
            ? String(format2(whole / 3600)) + ":" + format2(whole / 60 % 60) + ":" + format2(whole % 60)
            : format2(whole / 60) + ":" + format2(whole % 60)
    }

    static func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func formatMilliseconds(_ value: Double) -> String {
        if value < 1 { return "<1 ms" }
        if value < 1000 { return "\(Int(value.rounded())) ms" }
        return "\(Int((value / 100).rounded()) / 10).\(Int((value / 100).rounded()) % 10) s"
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }
}

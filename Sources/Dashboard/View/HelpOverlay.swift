/// `?`: every key, in a box over the dashboard.
enum HelpOverlay {
    static let entries: [(keys: String, action: String)] = [
        ("Tab / Shift-Tab", "focus the next / previous pane (then the timeline)"),
        ("1 – 9", "focus pane 1 – 9"),
        ("↑ ↓  j k", "scroll one line (timeline: select)"),
        ("PgUp PgDn", "scroll one page"),
        ("g  G  Home End", "jump to the top / bottom"),
        ("f", "follow: keep the newest text in view"),
        ("space", "pause rendering (events are still collected)"),
        ("/", "search the focused pane; Enter, then n / N"),
        ("Enter", "timeline: show the call's full arguments and result"),
        ("t", "show / hide the tool-call timeline"),
        ("z", "zoom the focused pane to full screen"),
        ("i", "each agent's tokens, tool calls, time to first output and time"),
        ("m", "the workflow map: each executor's state, the edge taken last"),
        ("r", "raw text as streamed / Markdown rendered"),
        ("s", "save the transcript as Markdown"),
        ("w", "warnings, and event types a remote stream sent that were skipped"),
        ("mouse", "wheel scrolls the pane under it; click focuses"),
        ("Esc", "close this help, a detail view or the search"),
        ("Ctrl-L", "repaint the screen"),
        ("q  Ctrl-C", "quit"),
    ]

    /// Draws the keys from row `scroll` on; when they do not all fit (an 80×24 terminal), the box says which
    /// way the rest lies and ↑ ↓ scroll it.
    static func draw(_ state: DashboardState, scroll: Int, into grid: inout CellGrid) {
        let keyWidth = entries.map { DisplayWidth.of($0.keys) }.max() ?? 10
        let textWidth = entries.map { DisplayWidth.of($0.action) }.max() ?? 20
        let width = min(grid.width - 2, keyWidth + textWidth + 7)
        let height = min(grid.height - 2, entries.count + 4)
        guard width > keyWidth + 8, height > 4 else { return }
        let rect = Rect(x: (grid.width - width) / 2, y: (grid.height - height) / 2, width: width, height: height)
        let rows = rect.height - 4
        let first = max(0, min(scroll, entries.count - rows))
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, style: .overlay)
        DashboardView.box(rect, style: .overlayBorder, into: &grid)
        grid.put(" Keys ", x: rect.x + 2, y: rect.y, style: .overlayTitle)
        // Opened from the runs list, q goes back to it (Ctrl-C still quits).
        let shown = state.openedFromList
            ? entries.map { $0.keys == "q  Ctrl-C" ? (keys: "q  Esc", action: "back to the runs list (Ctrl-C quits)") : $0 }
            : entries
        for (row, entry) in shown.dropFirst(first).prefix(rows).enumerated() {
            let y = rect.y + 2 + row
            grid.put(entry.keys, x: rect.x + 2, y: y, style: .overlayTitle, maxWidth: keyWidth)
            grid.put(entry.action, x: rect.x + 4 + keyWidth, y: y, style: .overlay, maxWidth: rect.width - keyWidth - 6)
        }
        if first > 0 { grid.put(" ↑ more ", x: rect.x + rect.width - 10, y: rect.y, style: .overlayBorder) }
        let more = first + rows < entries.count
        let hint = more ? " ↓ more · Esc or ? closes " : " Esc or ? closes "
        grid.put(hint, x: rect.x + rect.width - DisplayWidth.of(hint) - 2, y: rect.y + rect.height - 1, style: .overlayBorder)
    }
}

/// The bottom line: key hints, or the search being typed, or a notice.
enum FooterView {
    static let hints: [(key: String, action: String)] = [
        ("q", "quit"), ("?", "help"), ("Tab", "focus"), ("↑↓", "scroll"), ("f", "follow"), ("/", "search"),
        ("t", "timeline"), ("m", "map"), ("z", "zoom"), ("s", "save"), ("space", "pause"), ("r", "raw"),
    ]

    static func draw(_ state: DashboardState, in rect: Rect, into grid: inout CellGrid) {
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, style: .footer)
        if let search = state.search, search.editing {
            var x = grid.put(" /", x: rect.x, y: rect.y, style: .footerKey)
            x = grid.put(search.query, x: x, y: rect.y, style: .footer, maxWidth: rect.width - x - 1)
            x = grid.put("▏", x: x, y: rect.y, style: .footerKey)
            grid.put("  Enter search · Esc cancel", x: x, y: rect.y, style: .footer, maxWidth: rect.width - x)
            return
        }
        if let notice = state.notice {
            grid.put(" " + notice, x: rect.x, y: rect.y, style: .footerKey, maxWidth: rect.width)
            return
        }
        var x = rect.x
        if let search = state.search, !search.query.isEmpty {
            let text = search.matchCount == 0 ? " no match for \"\(search.query)\" " : " \(search.matchCount) matches · n/N "
            x = grid.put(text, x: x, y: rect.y, style: .footerKey, maxWidth: rect.width)
        }
        let warned = !state.warnings.isEmpty || !state.skippedEventCounts.isEmpty
        var shown: [(key: String, action: String)] = hints
        if state.openedFromList { shown[0] = (key: "q", action: "back") }
        if warned { shown.insert((key: "w", action: "warnings"), at: 0) }
        for hint in shown {
            let needed = DisplayWidth.of(hint.key) + DisplayWidth.of(hint.action) + 3
            guard x + needed <= rect.width else { break }
            x = grid.put(" " + hint.key, x: x, y: rect.y, style: .footerKey)
            x = grid.put(" " + hint.action + " ", x: x, y: rect.y, style: .footer)
        }
    }
}

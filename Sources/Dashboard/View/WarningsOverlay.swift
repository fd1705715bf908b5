/// `w`: every warning of the run (malformed events, a manager's invalid pick…) and the event types a remote stream
/// sent that flowtop does not know, counted, so nothing skipped goes unseen.
enum WarningsOverlay {
    /// Skipped types, the most frequent first (then by name, so the order is stable).
    static func skippedByCount(_ state: DashboardState) -> [(type: String, count: Int)] {
        state.skippedEventCounts.map { (type: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.type < $1.type }
    }

    static func lines(for state: DashboardState, width: Int) -> [(text: String, style: StyleRole)] {
        var lines: [(String, StyleRole)] = []
        lines.append((state.warnings.isEmpty ? "No warnings" : "Warnings (\(state.warnings.count))", .overlayTitle))
        for (index, warning) in state.warnings.enumerated() {
            for (row, text) in TextWrap.rows(warning, width: max(1, width - 4)).enumerated() {
                lines.append(((row == 0 ? "\(index + 1)." .padding(4) : "    ") + text, .overlay))
            }
        }
        lines.append(("", .overlay))
        let skipped = skippedByCount(state)
        if skipped.isEmpty {
            lines.append(("No events of unknown types", .dim))
        } else {
            lines.append(("Events of unknown types, skipped (\(DashboardView.grouped(state.skippedEventTotal)))", .overlayTitle))
            for entry in skipped {
                lines.append(("\(entry.type)  ×\(DashboardView.grouped(entry.count))", .overlay))
            }
        }
        return lines
    }

    static func draw(_ state: DashboardState, scroll: Int, into grid: inout CellGrid) {
        ToolDetailOverlay.drawScrolled(title: "Warnings", scroll: scroll, into: &grid) { lines(for: state, width: $0) }
    }
}

private extension String {
    /// The string followed by spaces up to `width` characters (numbering is ASCII, so characters are columns).
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

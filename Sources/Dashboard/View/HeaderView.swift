import WorkflowCore

/// The top line: workflow, run state, model, elapsed time, tokens, events/s.
enum HeaderView {
    static func draw(_ state: DashboardState, in rect: Rect, into grid: inout CellGrid) {
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, style: .header)
        var x = grid.put(" flowtop ", x: rect.x, y: rect.y, style: .headerAccent)
        // Fields that do not fit whole are left out rather than cut, so what is shown is always readable.
        var full = false
        func field(_ text: String, _ style: StyleRole = .header) {
            guard !full else { return }
            guard x + 3 + DisplayWidth.of(text) <= rect.width else {
                full = true
                return
            }
            x = grid.put("│ ", x: x, y: rect.y, style: .header)
            x = grid.put(text + " ", x: x, y: rect.y, style: style)
        }
        if !state.workflow.isEmpty { field(state.workflow, .headerAccent) }
        field(statusText(state))
        if state.paused { field("⏸ PAUSED", .headerAccent) }
        if !state.requests.isEmpty { field(RequestPromptView.badge(state.requests), .warning) }
        if let quiet = state.quietFor { field("⏳ quiet " + DashboardView.formatDuration(quiet), .warning) }
        if let connection = state.connection { field(connection.label) }
        if let warnings = warningsText(state) { field(warnings, .warning) }
        if !state.model.isEmpty { field(state.model) }
        if let elapsed = state.elapsed { field("⏱ " + DashboardView.formatDuration(elapsed)) }
        // Tokens as the agents report them (at the end of each response): the run's total once it is known.
        // `~`: flowtop counted them, the provider reported none.
        let tokens = state.usage.totalTokens > 0
            ? state.usage : state.agents.reduce(Usage.zero) { $0 + ($1.usage ?? .zero) }
        if tokens.totalTokens > 0 { field("\(tokens.estimateMark)\(DashboardView.grouped(tokens.totalTokens)) tok") }
        if state.runStatus == .running { field("\(DashboardView.grouped(state.eventRate.perSecond(at: state.now))) ev/s") }
        field("\(DashboardView.grouped(state.eventCount)) events")
    }

    /// "⚠ 2 warnings · 5 skipped" when something went wrong that did not stop the run (`w` shows it all).
    static func warningsText(_ state: DashboardState) -> String? {
        var parts: [String] = []
        if !state.warnings.isEmpty { parts.append("\(state.warnings.count) warning" + (state.warnings.count == 1 ? "" : "s")) }
        let skipped = state.skippedEventTotal
        if skipped > 0 { parts.append("\(DashboardView.grouped(skipped)) skipped") }
        return parts.isEmpty ? nil : "⚠ " + parts.joined(separator: " · ")
    }

    static func statusText(_ state: DashboardState) -> String {
        switch state.runStatus {
        case .waiting: return "○ waiting"
        case .running: return "● running"
        case .completed: return "✓ completed"
        case .failed: return "✗ failed"
        case let .cancelled(reason): return "■ cancelled" + (reason.map { ": \($0)" } ?? "")
        }
    }
}

import Foundation
import WorkflowCore

/// Which columns fit a width, and how wide each is: fixed widths, the workflow and agent names taking what is left
/// (up to a limit), and the least important columns left out first on a narrow terminal.
struct RunListColumns {
    struct Placed: Hashable {
        var column: RunListState.Column
        var x: Int
        var width: Int
    }

    var placed: [Placed]

    /// Title, width, the most a flexible column grows to, and priority (0: always shown).
    private static func spec(_ column: RunListState.Column) -> (title: String, width: Int, grows: Int, priority: Int) {
        switch column {
        case .state: return ("STATE", 11, 0, 0)
        case .id: return ("RUN", 16, 0, 1)
        case .workflow: return ("WORKFLOW", 8, 16, 2)
        case .agent: return ("AGENT", 6, 12, 3)
        case .tokens: return ("TOKENS", 7, 0, 4)
        case .elapsed: return ("ELAPSED", 7, 0, 5)
        case .tools: return ("TOOLS", 5, 0, 6)
        case .rate: return ("EV/S", 5, 0, 7)
        case .started: return ("STARTED", 8, 0, 8)
        case .agents: return ("AGENTS", 6, 0, 9)
        }
    }

    static func title(_ column: RunListState.Column) -> String { spec(column).title }

    static func isNumeric(_ column: RunListState.Column) -> Bool {
        switch column {
        case .agents, .tokens, .tools, .elapsed, .rate: return true
        default: return false
        }
    }

    init(width: Int) {
        var shown = RunListState.Column.allCases
        func needed(_ columns: [RunListState.Column]) -> Int {
            1 + columns.reduce(0) { $0 + Self.spec($1).width } + max(0, columns.count - 1)
        }
        // Leave out the least important until the rest fit.
        while needed(shown) > width, shown.count > 1,
              let least = shown.max(by: { Self.spec($0).priority < Self.spec($1).priority }) {
            shown.removeAll { $0 == least }
        }
        var widths = shown.map { Self.spec($0).width }
        var spare = max(0, width - needed(shown))
        for (index, column) in shown.enumerated() where spare > 0 {
            let growth = min(spare, max(0, Self.spec(column).grows - widths[index]))
            widths[index] += growth
            spare -= growth
        }
        var x = 1
        placed = []
        for (column, width) in zip(shown, widths) {
            placed.append(Placed(column: column, x: x, width: width))
            x += width + 1
        }
    }

    /// The text of `column` for `run`.
    static func cell(_ column: RunListState.Column, of run: RunSummary, now: Double, timeZone: TimeZone) -> String {
        switch column {
        case .state: return stateLabel(run.state)
        case .id: return run.id
        case .workflow: return run.workflow
        case .agent: return run.currentAgent ?? "–"
        case .agents: return String(run.agents.count)
        case .tokens: return run.usage.totalTokens > 0 ? run.usage.estimateMark + DashboardView.grouped(run.usage.totalTokens) : "–"
        case .tools: return String(run.toolCalls)
        case .elapsed: return DashboardView.formatDuration(run.elapsed(at: now))
        case .rate: return run.state == .running ? DashboardView.grouped(run.eventsPerSecond) : "–"
        case .started: return TimelineView.clock(run.started, in: timeZone)
        }
    }

    static func stateLabel(_ state: RunState) -> String {
        switch state {
        case .running: return "● running"
        case .completed: return "✓ completed"
        case .failed: return "✗ failed"
        case .cancelled: return "■ cancelled"
        case .interrupted: return "↯ interrupt"
        }
    }

    static func style(of state: RunState) -> StyleRole {
        switch state {
        case .running: return .statusStreaming
        case .completed: return .statusDone
        case .failed: return .statusFailed
        case .cancelled, .interrupted: return .warning
        }
    }
}

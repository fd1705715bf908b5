import Foundation

/// `s`: the run as Markdown — each agent's text, the tool calls with their arguments and results, the transitions
/// and the final output — so it can be read or shared after the terminal is gone.
public enum Transcript {
    public static func markdown(_ state: DashboardState) -> String {
        var out = "# flowtop transcript: \(state.workflow.isEmpty ? "run" : state.workflow)\n\n"
        if !state.runId.isEmpty { out += "- Run: `\(state.runId)`\n" }
        if !state.model.isEmpty { out += "- Model: \(state.model)\n" }
        if let started = state.startedAt {
            out += "- Started: \(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: started)))\n"
        }
        out += "- Status: \(HeaderView.statusText(state))"
        if let elapsed = state.elapsed { out += " after \(DashboardView.formatDuration(elapsed))" }
        out += "\n"
        if state.usage.totalTokens > 0 {
            let mark = state.usage.estimateMark
            out += "- Tokens: \(mark)\(state.usage.totalTokens) (in \(mark)\(state.usage.inputTokens), out \(mark)\(state.usage.outputTokens))"
                + (state.usage.estimated ? ", estimated: the provider reported none\n" : "\n")
        }
        for pane in state.agents {
            out += "\n## \(pane.name)\n\n"
            if pane.droppedLines > 0 { out += "_(\(pane.droppedLines) earlier lines were beyond the scrollback)_\n\n" }
            for line in pane.lines {
                switch line.kind {
                case .text: out += line.text + "\n"
                case .reasoning: out += "> " + line.text + "\n"
                case .tool, .error: out += "`" + line.text.trimmingCharacters(in: .whitespaces) + "`\n"
                case .transition: out += "\n*" + line.text.trimmingCharacters(in: .whitespaces) + " ──*\n\n"
                }
            }
        }
        if !state.timeline.isEmpty {
            out += "\n## Tool calls\n"
            for (index, entry) in state.timeline.enumerated() {
                let outcome: String
                switch entry.status {
                case .running: outcome = "running"
                case .succeeded: outcome = "ok, " + DashboardView.formatMilliseconds(entry.durationMs ?? 0)
                case .failed: outcome = "failed, " + DashboardView.formatMilliseconds(entry.durationMs ?? 0)
                }
                out += "\n### \(index + 1). \(entry.tool) (\(entry.agent), \(outcome))\n\n"
                out += "Arguments:\n\n```json\n\(JSONDisplay.pretty(entry.arguments))\n```\n\n"
                out += "Result:\n\n```\n\(entry.result ?? "")\n```\n"
            }
        }
        if let output = state.output {
            out += "\n## Output" + (output.agent.map { " (\($0))" } ?? "") + "\n\n" + output.text + "\n"
        }
        if !state.warnings.isEmpty {
            out += "\n## Warnings\n\n" + state.warnings.map { "- \($0)\n" }.joined()
        }
        if !state.skippedEventCounts.isEmpty {
            out += "\n## Skipped events of unknown types\n\n"
                + WarningsOverlay.skippedByCount(state).map { "- `\($0.type)` ×\($0.count)\n" }.joined()
        }
        return out
    }
}

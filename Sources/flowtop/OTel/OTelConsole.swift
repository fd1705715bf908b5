import Synchronization
import TraceIngest
import TraceRunBuilder
import Wire
import WorkflowCore

/// `flowtop otel --json` / `--plain`: every run's events as they are built. JSON lines are flowtop's wire schema
/// with the run's id (the trace id) added as `run_id` (`workflow_started` has it already), since several traces may
/// be under way at once; plain text
/// is the plain renderer's, one renderer per run, with a line naming the run whenever the output moves to another.
final class OTelConsole: Sendable {
    enum Format {
        case plain
        case json
    }

    private struct State {
        var plain: [String: PlainRenderer] = [:]
        var current: String?
        var output = StandardOutput()
        var reportedProblems: [String: Int] = [:]
    }

    private let format: Format
    private let state = Mutex(State())

    init(format: Format) {
        self.format = format
    }

    /// Called under the lock of the receiver's shard for this run (its own lock keeps lines whole), so each run's events come in order.
    @Sendable func print(_ updates: [TraceRuns.Update]) {
        state.withLock { state in
            for update in updates {
                switch format {
                case .json:
                    for event in update.events {
                        var line = FlowtopWireFormat.json(for: event)
                        // workflow_started has its run_id already.
                        if case .runStarted = event.kind {} else if line.hasSuffix("}") {
                            line.removeLast()
                            line += ",\"run_id\":"
                            JSONValue.writeQuoted(update.runId, to: &line)
                            line += "}"
                        }
                        state.output.append(line)
                        state.output.append("\n")
                    }
                    state.output.flush()
                case .plain:
                    if state.current != update.runId, state.plain.count > 1 || state.current != nil {
                        state.output.append("\n◆ trace \(update.runId)\n")
                        state.output.flush()
                    }
                    state.current = update.runId
                    var renderer = state.plain.removeValue(forKey: update.runId) ?? PlainRenderer()
                    for event in update.events { renderer.render(event) }
                    if update.events.last?.isTerminal != true { state.plain[update.runId] = renderer }
                }
            }
        }
    }

    /// Problems (refused requests, late spans) go to standard error, once per new count.
    @Sendable func noteCounters(_ counters: TraceReceiver.Counters) {
        let lines = state.withLock { state -> [String] in
            var lines: [String] = []
            for (problem, count) in counters.problems.sorted(by: { $0.key < $1.key }) where state.reportedProblems[problem] != count {
                state.reportedProblems[problem] = count
                lines.append("flowtop otel: \(problem): \(count)")
            }
            return lines
        }
        for line in lines { printError(line) }
    }
}

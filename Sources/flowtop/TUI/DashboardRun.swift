import Dashboard
import DashboardApp
import Foundation
import Terminal
import RemoteStream
import WorkflowCore

/// Runs a workflow under the dashboard, then puts the result on the normal screen so it outlives the UI.
enum DashboardRun {
    static func run(
        _ prepared: PreparedWorkflow, prompt: String, options: DashboardOptions, afterword: String? = nil,
        requestTimeout: Duration, recorder: RecordingWriter? = nil
    ) async throws(CommandLineFailure) -> Int32 {
        // The dashboard's prompt answers the run's requests through the desk.
        let desk = RequestDesk(timeout: requestTimeout)
        return try await show(options: options, afterword: afterword, onAnswer: { desk.answer($0, with: $1).refusal }) { inbox in
            await HumanLoop.$responder.withValue(desk) {
                await WorkflowRunner.run(prepared.workflow, prompt: prompt, model: prepared.modelLabel) { event in
                    recorder?.record(event)
                    inbox.append(event)
                }
            }
        }
    }

    /// Shows the events `produce` appends to the inbox (from any source) until the person quits; the inbox is
    /// finished when `produce` returns, and `produce` is cancelled when the dashboard closes first.
    static func show(
        options: DashboardOptions, afterword: String? = nil,
        onAnswer: DashboardLoop.Answerer? = nil,
        produce: @escaping @Sendable (EventInbox) async -> Void
    ) async throws(CommandLineFailure) -> Int32 {
        let (theme, backend) = try options.openScreen(for: "the dashboard")
        let session = DashboardLoop(backend: backend, theme: theme, onAnswer: onAnswer)
        let inbox = session.inbox
        let producer = Task {
            await produce(inbox)
            inbox.finish()
        }
        let outcome = await session.run()
        producer.cancel()
        await producer.value
        printSummary(outcome, afterword: afterword)
        return outcome.reason.exitStatus
    }

    /// What stays on the terminal after the dashboard closes: how the run ended, its answer, the transcript path.
    static func printSummary(_ outcome: DashboardLoop.Outcome, afterword: String?) {
        let state = outcome.state
        var text = ""
        let elapsed = state.elapsed.map { " in " + PlainRenderer.duration($0 * 1000) } ?? ""
        switch state.runStatus {
        case .completed:
            text += "✔ \(state.workflow) completed\(elapsed)"
            if state.usage.totalTokens > 0 { text += " · \(state.usage.estimateMark)\(state.usage.totalTokens) tokens" }
            text += "\n"
            if let output = state.output {
                text += "\n" + (output.agent.map { "[\($0)]\n" } ?? "") + output.text + "\n"
            }
        case let .failed(error):
            text += "✘ \(state.workflow) failed\(elapsed): \(error)\n"
        case let .cancelled(reason?):
            text += "■ \(state.workflow) was cancelled\(elapsed): \(reason)\n"
        case .cancelled(nil), .running:
            text += "■ \(state.workflow.isEmpty ? "the run" : state.workflow) stopped before it finished\(elapsed)\n"
        case .waiting:
            text += "■ stopped before the workflow started\n"
        }
        if case let .signal(number) = outcome.reason {
            text += "(stopped by signal \(number))\n"
        }
        if let path = outcome.transcriptPath { text += "\nTranscript: \(path)\n" }
        if let afterword { text += "\n" + afterword + "\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

extension DashboardLoop.Outcome.Reason {
    /// The process's exit status for how a dashboard or the runs list closed: 0 when the person left, 128 + N for
    /// signal N (as a shell reports it), 1 when the terminal's input went away.
    var exitStatus: Int32 {
        switch self {
        case .quit, .back: 0
        case let .signal(number): 128 + number
        case .inputClosed: 1
        }
    }
}

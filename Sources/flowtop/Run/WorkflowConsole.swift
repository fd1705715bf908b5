import Foundation
import RemoteStream
import WorkflowCore

/// Runs a prepared workflow and prints its events as plain text or JSON lines. Ctrl-C or SIGTERM cancels the run
/// (its model calls and tools stop) and the run's own last event — "cancelled" — is still printed.
/// Returns the exit status: 0 when the run completed, 1 when it failed, 128+signal when stopped by a signal.
enum WorkflowConsole {
    enum Format {
        case plain
        case json
    }

    static func run(
        _ prepared: PreparedWorkflow, prompt: String, format: Format, humanLoop: HumanLoopOptions,
        recorder: RecordingWriter? = nil
    ) async -> Int32 {
        let terminal = isatty(STDIN_FILENO) != 0
        let responder = humanLoop.consoleResponder(terminal: terminal)
        return await show(format: format, asksOnTerminal: terminal) { yield in
            await HumanLoop.$responder.withValue(responder) {
                await WorkflowRunner.run(prepared.workflow, prompt: prompt, model: prepared.modelLabel) { event in
                    recorder?.record(event)
                    yield(event)
                }
            }
        }
    }

    /// Prints the events `produce` yields (from any source); Ctrl-C cancels `produce`.
    static func show(
        format: Format, stopNotice: String = "the run was cancelled", asksOnTerminal: Bool = false, produce: @escaping @Sendable (@escaping @Sendable (WorkflowEvent) -> Void) async -> Void
    ) async -> Int32 {
        let (events, continuation) = AsyncStream.makeStream(of: WorkflowEvent.self)
        let producer = Task {
            await produce { continuation.yield($0) }
            continuation.finish()
        }
        let signals = SignalCancellation(cancelling: producer)
        var plain = PlainRenderer()
        var json = JSONLinesRenderer()
        plain.asksOnTerminal = asksOnTerminal
        json.asksOnTerminal = asksOnTerminal
        var failed = false
        for await event in events {
            switch format {
            case .plain: plain.render(event)
            case .json: json.render(event)
            }
            if case .runFailed = event.kind { failed = true }
            if case .runCancelled = event.kind { failed = true }
        }
        if let status = signals.exitStatus {
            printError("flowtop: stopped by signal; \(stopNotice)")
            return status
        }
        return failed ? 1 : 0
    }
}

import WorkflowCore

/// Runs a prepared workflow and prints its events as plain text or JSON lines. Ctrl-C or SIGTERM cancels the run
/// (its model calls and tools stop) and the run's own last event — "cancelled" — is still printed.
/// Returns the exit status: 0 when the run completed, 1 when it failed, 128+signal when stopped by a signal.
enum WorkflowConsole {
    enum Format {
        case plain
        case json
    }

    static func run(_ prepared: PreparedWorkflow, prompt: String, format: Format) async -> Int32 {
        let (events, continuation) = AsyncStream.makeStream(of: WorkflowEvent.self)
        let producer = Task {
            await WorkflowRunner.run(prepared.workflow, prompt: prompt, model: prepared.modelLabel) { continuation.yield($0) }
            continuation.finish()
        }
        let signals = SignalCancellation(cancelling: producer)
        var plain = PlainRenderer()
        var json = JSONLinesRenderer()
        var failed = false
        for await event in events {
            switch format {
            case .plain: plain.render(event)
            case .json: json.render(event)
            }
            if case .runFailed = event.kind { failed = true }
        }
        if let status = signals.exitStatus {
            printError("flowtop: stopped by signal; the run was cancelled")
            return status
        }
        return failed ? 1 : 0
    }
}

import Foundation

/// Runs a workflow and brackets its events with the run's start and its end (completed or failed), so every
/// consumer sees a complete run whatever happened inside.
public enum WorkflowRunner {
    /// Runs `workflow` in the calling task, delivering each event to `onEvent` (under the sink's lock, in order).
    /// Returns when the run is over; a cancelled task ends the run with a `runFailed("cancelled")` event.
    public static func run(
        _ workflow: any Workflow,
        prompt: String,
        runId: String = "run_" + RandomID.make(),
        model: String? = nil,
        onEvent: @escaping @Sendable (WorkflowEvent) -> Void
    ) async {
        let sink = WorkflowEventSink(deliver: onEvent)
        let clock = ContinuousClock()
        let start = clock.now
        sink.emit(.runStarted(.init(runId: runId, workflow: workflow.name, participants: workflow.participants, model: model)))
        do {
            let answer = try await workflow.execute(prompt: prompt, sink: sink)
            try Task.checkCancellation()
            sink.emit(.output(agent: answer.agent, text: answer.text))
            let elapsed = clock.now - start
            sink.emit(.runCompleted(finalAgent: answer.agent, usage: answer.usage, durationMs: elapsed.milliseconds))
        } catch is CancellationError {
            sink.emit(.runFailed(error: "cancelled", agent: nil))
        } catch let error as WorkflowError {
            sink.emit(.runFailed(error: error.message, agent: error.agent))
        } catch {
            if Task.isCancelled {
                sink.emit(.runFailed(error: "cancelled", agent: nil))
            } else {
                sink.emit(.runFailed(error: "\(error)", agent: nil))
            }
        }
    }

    /// The run as an `AsyncStream`. The run stops (its model calls and tools are cancelled) when the consumer stops
    /// iterating or the stream is dropped, so no task outlives the consumer's interest.
    public static func events(
        of workflow: any Workflow,
        prompt: String,
        runId: String = "run_" + RandomID.make(),
        model: String? = nil
    ) -> AsyncStream<WorkflowEvent> {
        AsyncStream { continuation in
            let task = Task {
                await run(workflow, prompt: prompt, runId: runId, model: model) { continuation.yield($0) }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

import Foundation

/// Runs a workflow and brackets its events with the run's start and its end (completed or failed), so every
/// consumer sees a complete run whatever happened inside.
public enum WorkflowRunner {
    /// Runs `workflow` in the calling task, delivering each event to `onEvent` (under the sink's lock, in order).
    /// Returns when the run is over; a cancelled task ends the run with `runCancelled`.
    public static func run(
        _ workflow: any Workflow,
        prompt: String,
        runId: String = "run_" + RandomID.make(),
        model: String? = nil,
        onEvent: @escaping @Sendable (WorkflowEvent) -> Void
    ) async {
        await execute(begin(workflow, runId: runId, model: model, onEvent: onEvent), prompt: prompt)
    }

    /// A run whose first event (`runStarted`) has been delivered and whose workflow has not begun.
    public struct PendingRun: Sendable {
        let workflow: any Workflow
        let sink: WorkflowEventSink
        let start: ContinuousClock.Instant
    }

    /// Delivers the run's first event now, in the caller, and returns the run to `execute` (in a task of the
    /// caller's choosing). A server answers a request with this event before the run's task is even scheduled.
    /// `onCheckpoint`: called at the end of each agent turn with the run's checkpoint (a store keeps it, so the run
    /// can be resumed from there).
    public static func begin(
        _ workflow: any Workflow, runId: String, model: String?,
        onCheckpoint: (@Sendable (WorkflowCheckpoint) -> Void)? = nil,
        onEvent: @escaping @Sendable (WorkflowEvent) -> Void
    ) -> PendingRun {
        let log = onCheckpoint.map { TurnLog(replaying: [], onCheckpoint: $0) }
        let sink = WorkflowEventSink(firstSequence: 1, turnLog: log, deliver: onEvent)
        let start = ContinuousClock.now
        sink.emit(.runStarted(.init(runId: runId, workflow: workflow.name, participants: workflow.participants, model: model, graph: workflow.graph)))
        return PendingRun(workflow: workflow, sink: sink, start: start)
    }

    /// A run cut short (its server died) taken up again from `checkpoint`: its first event is `runResumed`, numbered
    /// after `lastSequence` (the last event stored), and the turns the checkpoint holds are answered from it without
    /// a model call or an event; the first turn it does not hold runs for real. `execute` then runs it to its end.
    public static func resume(
        _ workflow: any Workflow, from checkpoint: WorkflowCheckpoint, lastSequence: Int,
        onCheckpoint: (@Sendable (WorkflowCheckpoint) -> Void)? = nil,
        onEvent: @escaping @Sendable (WorkflowEvent) -> Void
    ) -> PendingRun {
        let log = TurnLog(replaying: checkpoint.turns, onCheckpoint: onCheckpoint)
        let sink = WorkflowEventSink(firstSequence: lastSequence + 1, turnLog: log, deliver: onEvent)
        WorkflowEventSink.$inLiveTurn.withValue(true) {
            sink.emit(.runResumed(.init(
                checkpointSequence: checkpoint.sequence, completedTurns: checkpoint.turns.count,
                lastAgent: checkpoint.turns.last?.agent)))
        }
        return PendingRun(workflow: workflow, sink: sink, start: .now)
    }

    /// Runs a begun run to its end (as `run` does after the first event).
    public static func execute(_ run: PendingRun, prompt: String) async {
        let (workflow, sink, start) = (run.workflow, run.sink, run.start)
        let clock = ContinuousClock()
        do {
            let answer = try await workflow.execute(prompt: prompt, sink: sink)
            try Task.checkCancellation()
            sink.emit(.output(agent: answer.agent, text: answer.text))
            let elapsed = clock.now - start
            sink.emit(.runCompleted(finalAgent: answer.agent, usage: answer.usage, durationMs: elapsed.milliseconds))
        } catch is CancellationError {
            sink.emit(.runCancelled(reason: nil))
        } catch let error as WorkflowError {
            sink.emit(.runFailed(error: error.message, agent: error.agent))
        } catch {
            if Task.isCancelled {
                sink.emit(.runCancelled(reason: nil))
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

import Dashboard
import Foundation
import Synchronization
import Testing
import WorkflowCore

/// Events of a scripted run of a preset, with fixed timestamps so screens are the same on every run.
func scriptedEvents(_ preset: String, prompt: String) async throws -> [WorkflowEvent] {
    let workflow = try WorkflowDefinitionLoader.resolve(preset).build(client: ScriptedChatClient())
    let collected = Mutex<[WorkflowEvent]>([])
    await WorkflowRunner.run(workflow, prompt: prompt, runId: "run_test", model: "scripted flowtop-scripted") { event in
        collected.withLock { $0.append(event) }
    }
    return collected.withLock { events in
        events.map { event in
            var fixed = event
            fixed.timestamp = 1_800_000_000 + Double(event.sequence) * 0.25
            if case var .toolResult(info) = fixed.kind {
                info.durationMs = 12
                fixed.kind = .toolResult(info)
            }
            if case let .runCompleted(agent, usage, _) = fixed.kind { fixed.kind = .runCompleted(finalAgent: agent, usage: usage, durationMs: 5000) }
            return fixed
        }
    }
}

func state(width: Int, height: Int, events: [WorkflowEvent]) -> DashboardState {
    var state = DashboardState()
    state.size = (width, height)
    state.timeZone = TimeZone(identifier: "UTC")!
    state.now = 1_800_000_030
    for event in events { state.apply(event) }
    // Call ids are random per run; the screen does not show them.
    return state
}

func event(_ sequence: Int, _ kind: WorkflowEvent.Kind) -> WorkflowEvent {
    WorkflowEvent(sequence: sequence, timestamp: 1_800_000_000 + Double(sequence), kind: kind)
}

func screen(_ state: DashboardState) -> String { DashboardView.render(state).text }

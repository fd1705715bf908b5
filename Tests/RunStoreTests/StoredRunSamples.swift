import Foundation
import RunStore
import WorkflowCore

/// Runs and events for the contract's tests, with dates that differ by whole seconds so order is plain.
enum StoredRunSamples {
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    static func run(
        _ id: String, startedAt second: Int = 0, workflow: String = "research", owner: String? = "instance-a",
        state: StoredRunState = .running
    ) -> StoredRun {
        StoredRun(
            id: id, workflow: workflow, prompt: "Why is the sky blue?", model: "scripted", state: state,
            started: epoch.addingTimeInterval(Double(second)), agents: [], owner: owner,
            leaseExpires: owner == nil ? nil : Date().addingTimeInterval(60))
    }

    static func events(_ sequences: ClosedRange<Int>) -> [StoredEvent] {
        sequences.map { StoredEvent(sequence: $0, json: #"{"type":"agent_delta","sequence":\#($0),"text":"é \#($0)"}"#) }
    }

    /// A run that has ended, as the writer's last batch would carry it.
    static func finished(_ run: StoredRun, state: StoredRunState = .completed, at second: Int) -> StoredRun {
        var ended = run
        ended.state = state
        ended.ended = epoch.addingTimeInterval(Double(second))
        return ended
    }
}

import Dashboard
import Testing
import WorkflowCore

@Suite("A resumed run on the dashboard")
struct ResumedRunTests {
    /// A research-writer run cut during the Writer's turn, then resumed.
    static func resumed() -> DashboardState {
        state(width: 80, height: 14, events: [
            event(1, .runStarted(.init(runId: "run_1", workflow: "research-writer", participants: ["Researcher", "Writer"]))),
            event(2, .agentStarted(agent: "Researcher")),
            event(3, .textDelta(agent: "Researcher", messageId: "m1", text: "Sunny.")),
            event(4, .agentCompleted(agent: "Researcher", usage: Usage(inputTokens: 10, outputTokens: 2))),
            event(5, .transition(from: "Researcher", to: "Writer", reason: "next in sequence")),
            event(6, .agentStarted(agent: "Writer")),
            event(7, .textDelta(agent: "Writer", messageId: "m2", text: "Half a po")),
            event(8, .runResumed(.init(checkpointSequence: 4, completedTurns: 1, lastAgent: "Researcher"))),
        ])
    }

    @Test func theCutTurnsPaneSaysItStartsAgainAndWaits() {
        let dashboard = Self.resumed()
        #expect(dashboard.agents[1].status == .waiting)
        #expect(screen(dashboard).contains("↻ resumed after 1 completed turn"))
        // The completed turn is left as it was.
        #expect(dashboard.agents[0].status == .done)
    }

    @Test func theRunIsRunningAgainAndTheWarningsSayFromWhere() {
        let dashboard = Self.resumed()
        #expect(dashboard.runStatus == .running)
        #expect(dashboard.warnings.last == "the run was resumed from its checkpoint after event 4 (Researcher's turn was the last completed)")
    }
}

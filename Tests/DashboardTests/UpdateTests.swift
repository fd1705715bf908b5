import Dashboard
import Testing
import WorkflowCore

/// The one door: every kind of input goes through `update(_:)` and shows on the screen.
@Suite("Dashboard inputs through update")
struct UpdateTests {
    static func running() -> DashboardState {
        state(width: 70, height: 12, events: LayoutTests.events(agents: 1))
    }

    static func header(_ state: DashboardState) -> Substring { screen(state).split(separator: "\n")[0] }

    static func footer(_ state: DashboardState) -> Substring { screen(state).split(separator: "\n").last ?? "" }

    @Test func aResizeRedrawsAtTheNewSize() {
        var dashboard = Self.running()
        #expect(dashboard.update(.resize(width: 44, height: 10)) == [])
        let lines = screen(dashboard).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 10)
        #expect(lines[1] == "┌ 1 Researcher · ● streaming ──────────────┐")
    }

    @Test func aConnectionChangeShowsItsLabelInTheHeader() {
        var dashboard = Self.running()
        _ = dashboard.update(.connection(.reconnecting(delayMilliseconds: 2000, attempt: 3, maxAttempts: 10, reason: "reset")))
        #expect(Self.header(dashboard) == " flowtop │ demo │ ● running │ reconnecting in 2.0 s (attempt 3/10)")
        _ = dashboard.update(.connection(.live))
        #expect(Self.header(dashboard) == " flowtop │ demo │ ● running │ live │ scripted │ ⏱ 00:29 │ 0 ev/s")
    }

    @Test func skippedEventCountsShowAsAWarning() {
        var dashboard = Self.running()
        _ = dashboard.update(.skippedEventCounts(["STATE_SNAPSHOT": 4, "CUSTOM": 1]))
        #expect(Self.header(dashboard) == " flowtop │ demo │ ● running │ ⚠ 5 skipped │ scripted │ ⏱ 00:29")
        #expect(Self.footer(dashboard).hasPrefix(" w warnings  q quit"))
    }

    @Test func aSavedTranscriptIsAnnouncedAndRemembered() {
        var dashboard = Self.running()
        _ = dashboard.update(.transcriptSaved(path: "/tmp/flowtop-run_x.md"))
        #expect(Self.footer(dashboard) == " Transcript saved to /tmp/flowtop-run_x.md")
        #expect(dashboard.transcriptPath == "/tmp/flowtop-run_x.md")
    }

    @Test func aFailedTranscriptSaveSaysWhy() {
        var dashboard = Self.running()
        _ = dashboard.update(.transcriptSaveFailed(path: "/nope/flowtop-run_x.md", reason: "no folder"))
        #expect(Self.footer(dashboard) == " Could not save the transcript to /nope/flowtop-run_x.md: no folder")
        #expect(dashboard.transcriptPath == nil)
    }

    @Test func aStreamEndingBeforeTheRunShowsTheStreamEnded() {
        var dashboard = Self.running()
        _ = dashboard.update(.streamFinished)
        #expect(dashboard.connection == .ended)
        #expect(Self.header(dashboard).contains("│ stream ended │"))
    }

    @Test func aClosedConnectionKeepsItsReasonWhenTheStreamEnds() {
        var dashboard = Self.running()
        _ = dashboard.update(.connection(.closed("503 Service Unavailable")))
        _ = dashboard.update(.streamFinished)
        #expect(dashboard.connection == .closed("503 Service Unavailable"))
    }

    @Test func aStreamEndingAfterTheRunLeavesTheConnectionAlone() {
        var dashboard = Self.running()
        _ = dashboard.update(.events([event(20, .runCompleted(finalAgent: "Researcher", usage: .zero, durationMs: 10))]))
        _ = dashboard.update(.streamFinished)
        #expect(dashboard.connection == nil)
    }

    @Test func aBatchOfEventsIsAppliedInOrder() {
        var dashboard = Self.running()
        _ = dashboard.update(.events([
            event(20, .textDelta(agent: "Researcher", messageId: "m9", text: "First")),
            event(21, .textDelta(agent: "Researcher", messageId: "m9", text: ", then second.")),
        ]))
        #expect(screen(dashboard).contains("│First, then second."))
        #expect(dashboard.lastSequence == 21)
    }

    @Test func eventsWaitingWhilePausedAreCountedInTheFooter() {
        var dashboard = Self.running()
        _ = dashboard.update(.key(.character(" ")))
        _ = dashboard.update(.eventsWaiting(3))
        #expect(Self.footer(dashboard) == " Paused · 3 events waiting · space resumes")
    }

    @Test func aTickMovesTheElapsedClock() {
        var dashboard = Self.running()
        _ = dashboard.update(.tick(now: 1_800_000_090))
        #expect(Self.header(dashboard).contains("│ ⏱ 01:29"))
    }

    @Test func keysComeBackAsEffects() {
        var dashboard = Self.running()
        #expect(dashboard.update(.key(.character("s"))) == [.saveTranscript])
        #expect(dashboard.update(.key(.control("l"))) == [.repaint])
        #expect(dashboard.update(.key(.character("q"))) == [.quit])
    }
}

import Dashboard
import DashboardApp
import Foundation
import Testing
import WorkflowCore

/// The real dashboard loop on the in-memory terminal: events and keys in, frames (as text) and an outcome out.
/// Each step waits for the frame that shows it, never for a time.
@Suite("The dashboard loop on an in-memory terminal", .timeLimit(.minutes(1)))
struct LoopTests {
    static func started(_ terminal: InMemoryTerminal, directory: String = NSTemporaryDirectory())
        -> (loop: DashboardLoop, run: Task<DashboardLoop.Outcome, Never>)
    {
        let loop = DashboardLoop(backend: terminal, theme: .fallback, transcriptDirectory: directory)
        let run = Task { await loop.run() }
        for event in LayoutTests.events(agents: 1) { loop.inbox.append(event) }
        return (loop, run)
    }

    @Test func eventsInShowOnAFrameAndQQuits() async {
        let terminal = InMemoryTerminal(width: 60, height: 12)
        let (_, run) = Self.started(terminal)
        let frame = await terminal.frame(showing: "Researcher says hello.")
        #expect(frame.contains("⚙ get_weather(location=Oslo)"))
        terminal.send(.key(.character("q")))
        let outcome = await run.value
        #expect(outcome.reason == .quit)
        #expect(outcome.state.agents.map(\.name) == ["Researcher"])
    }

    @Test func aResizeRedrawsAtTheNewSize() async {
        let terminal = InMemoryTerminal(width: 60, height: 12)
        let (_, run) = Self.started(terminal)
        _ = await terminal.frame(showing: "Researcher says hello.")
        terminal.send(.resized(width: 44, height: 10))
        let frame = await terminal.frame(showing: "┌ 1 Researcher · ● streaming ──────────────┐")
        #expect(frame.split(separator: "\n", omittingEmptySubsequences: false).count == 10)
        terminal.send(.key(.character("q")))
        _ = await run.value
    }

    @Test func aConnectionChangeReachesTheHeader() async {
        let terminal = InMemoryTerminal(width: 80, height: 12)
        let (loop, run) = Self.started(terminal)
        loop.inbox.setConnection(.live)
        _ = await terminal.frame(showing: "│ live │")
        loop.inbox.finish()
        _ = await terminal.frame(showing: "│ stream ended │")
        terminal.send(.key(.character("q")))
        let outcome = await run.value
        #expect(outcome.state.connection == .ended)
    }

    static let approval = WorkflowEvent.Kind.approvalRequested(ApprovalRequest(
        requestId: "req_1", agent: "Researcher", callId: "call_9", tool: "send_report", arguments: #"{"to":"team"}"#))

    @Test func withoutAnAnswererTheApprovalSaysWhereToAnswerAndYDoesNothing() async {
        let terminal = InMemoryTerminal(width: 80, height: 24)
        let (loop, run) = Self.started(terminal)
        loop.inbox.append(event(20, Self.approval))
        let frame = await terminal.frame(showing: "(answer where the run lives)")
        #expect(!frame.contains("y approve"))
        terminal.send(.key(.character("y")))
        terminal.send(.key(.character("q")))
        let outcome = await run.value
        #expect(outcome.state.requests.queue.count == 1)
    }

    @Test func anAnswerTheRunRefusesIsListedAndAskedAgain() async {
        let terminal = InMemoryTerminal(width: 80, height: 24)
        let loop = DashboardLoop(backend: terminal, theme: .fallback, onAnswer: { requestId, _ in
            "the server did not take the answer to \(requestId): HTTP 409"
        })
        let run = Task { await loop.run() }
        for event in LayoutTests.events(agents: 1) { loop.inbox.append(event) }
        loop.inbox.append(event(20, Self.approval))
        _ = await terminal.frame(showing: "y approve · n reject")
        terminal.send(.key(.character("y")))
        let refused = await terminal.frame(showing: "✘ the server did not take the answer to req_1: HTTP 409")
        #expect(refused.contains("y approve · n reject"))
        terminal.send(.key(.escape))
        terminal.send(.key(.character("q")))
        let outcome = await run.value
        #expect(outcome.state.warnings == ["the server did not take the answer to req_1: HTTP 409"])
        #expect(outcome.state.requests.queue.count == 1)
    }

    @Test func pausedEventsWaitInTheInboxUntilResumed() async {
        let terminal = InMemoryTerminal(width: 60, height: 12)
        let (loop, run) = Self.started(terminal)
        _ = await terminal.frame(showing: "Researcher says hello.")
        terminal.send(.key(.character(" ")))
        _ = await terminal.frame(showing: "⏸ PAUSED")
        loop.inbox.append(event(20, .textDelta(agent: "Researcher", messageId: "m9", text: "Later news.")))
        // Any key redraws; the event is still waiting.
        terminal.send(.key(.character("x")))
        let paused = await terminal.frame(showing: "Paused · 1 events waiting · space resumes")
        #expect(!paused.contains("Later news."))
        terminal.send(.key(.character(" ")))
        _ = await terminal.frame(showing: "Later news.")
        terminal.send(.key(.character("q")))
        _ = await run.value
    }

    @Test func sSavesTheTranscriptOffTheLoopAndSaysWhere() async throws {
        let directory = NSTemporaryDirectory() + "flowtop-loop-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let terminal = InMemoryTerminal(width: 120, height: 12)
        let (_, run) = Self.started(terminal, directory: directory)
        _ = await terminal.frame(showing: "Researcher says hello.")
        terminal.send(.key(.character("s")))
        let path = directory + "/flowtop-run_x.md"
        _ = await terminal.frame(showing: "Transcript saved to \(path)")
        terminal.send(.key(.character("q")))
        let outcome = await run.value
        #expect(outcome.transcriptPath == path)
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.contains("Researcher says hello."))
    }

    @Test func ctrlLAsksTheTerminalForAFullRepaint() async {
        let terminal = InMemoryTerminal(width: 60, height: 12)
        let (_, run) = Self.started(terminal)
        _ = await terminal.frame(showing: "Researcher says hello.")
        #expect(terminal.invalidations == 0)
        terminal.send(.key(.control("l")))
        terminal.send(.key(.character("q")))
        _ = await run.value
        #expect(terminal.invalidations == 1)
    }

    @Test func aTerminationSignalEndsTheLoopWithIt() async {
        let terminal = InMemoryTerminal(width: 60, height: 12)
        let (_, run) = Self.started(terminal)
        _ = await terminal.frame(showing: "Researcher says hello.")
        terminal.send(.terminated(signal: 15))
        #expect(await run.value.reason == .signal(15))
    }
}

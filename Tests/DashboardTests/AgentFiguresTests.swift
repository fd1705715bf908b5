import Dashboard
import Testing
import WorkflowCore

/// What each agent used and how long it took, the turn that said nothing, and the run that went quiet.
@Suite("agent figures, silent turns and quiet runs")
struct AgentFiguresTests {
    static let run: [WorkflowEvent] = [
        event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["Researcher", "Writer"]))),
        event(2, .agentStarted(agent: "Researcher")),
        event(4, .toolCallStarted(agent: "Researcher", callId: "c1", tool: "get_weather", arguments: "{}")),
        event(5, .toolResult(.init(agent: "Researcher", callId: "c1", tool: "get_weather", result: "Sunny", isError: false, durationMs: 900))),
        event(6, .textDelta(agent: "Researcher", messageId: "m1", text: "Sunny in Seattle.")),
        event(8, .agentCompleted(agent: "Researcher", usage: Usage(inputTokens: 120, outputTokens: 30, estimated: true))),
        event(9, .agentStarted(agent: "Writer")),
        event(12, .agentCompleted(agent: "Writer", usage: nil)),
    ]

    @Test func iShowsEachAgentsTokensToolCallsTimeToFirstOutputAndTimeOnItsPanesEdge() {
        var shown = state(width: 140, height: 24, events: Self.run)
        #expect(!screen(shown).contains("first 2.0 s"), "off until asked for")
        _ = shown.handle(.character("i"))
        let text = screen(shown)
        #expect(text.contains("in ~120 · out ~30 tok · 1 tool · first 2.0 s · 6.0 s"), "\(text)")
        #expect(text.contains(" 3.0 s "), "the Writer's own time, from its start to its end")
        _ = shown.handle(.character("i"))
        #expect(!screen(shown).contains("first 2.0 s"))
    }

    @Test func aTurnWithNeitherTextNorAToolCallSaysNoOutput() {
        let shown = state(width: 100, height: 24, events: Self.run)
        let writer = shown.agents.first { $0.name == "Writer" }
        #expect(writer?.lines.map(\.text) == ["∅ no output"])
        let researcher = shown.agents.first { $0.name == "Researcher" }
        #expect(researcher?.lines.contains { $0.text == "∅ no output" } == false)
        #expect(screen(shown).contains("∅ no output"))
    }

    @Test func aLiveRunWithNoEventsForAWhileSaysHowLongItHasBeenQuiet() {
        var live = DashboardState()
        live.size = (100, 24)
        live.now = 1_000
        live.apply(event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["Researcher"]))))
        live.apply(event(2, .agentStarted(agent: "Researcher")))
        live.now = 1_004
        #expect(live.quietFor == nil)
        #expect(!screen(live).contains("quiet"))
        live.now = 1_012
        #expect(live.quietFor == 12)
        #expect(screen(live).contains("⏳ quiet 00:12"), "\(screen(live))")
        live.apply(event(3, .textDelta(agent: "Researcher", messageId: "m", text: "Hello")))
        #expect(live.quietFor == nil, "an event ends the quiet")
        live.now = 1_030
        live.apply(event(4, .runCompleted(finalAgent: "Researcher", usage: .zero, durationMs: 1)))
        #expect(live.quietFor == nil, "a finished run is not quiet, it is over")
    }
}

@Suite("tool calls whose arguments stream in")
struct StreamedArgumentsTests {
    @Test func thePanesToolLineShowsTheArgumentsOnceTheyHaveArrived() {
        let shown = state(width: 100, height: 24, events: [
            event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["Researcher"]))),
            event(2, .agentStarted(agent: "Researcher")),
            event(3, .toolCallStarted(agent: "Researcher", callId: "c1", tool: "get_weather", arguments: "")),
            event(4, .toolCallArgumentsDelta(agent: "Researcher", callId: "c1", delta: #"{"location": "#)),
            event(5, .toolCallArgumentsDelta(agent: "Researcher", callId: "c1", delta: #""Seattle, WA"}"#)),
        ])
        #expect(shown.agents.first?.lines.first?.text == "⚙ get_weather(location=Seattle, WA)")
        #expect(screen(shown).contains("│⚙ get_weather(location=Seattle, WA)"))
    }
}

import Dashboard
import Testing
import WorkflowCore

@Suite("Token caps and estimated usage on screen")
struct StopReasonAndUsageTests {
    /// One agent that wrote until its cap on a provider that reports no usage, so flowtop counted it.
    static func cappedRun(completed: Bool) -> [WorkflowEvent] {
        let counted = Usage(inputTokens: 1_180, outputTokens: 400, estimated: true)
        var events = [
            event(1, .runStarted(.init(runId: "r", workflow: "research-writer", participants: ["Writer"], model: "llamacpp gemma"))),
            event(2, .agentStarted(agent: "Writer")),
            event(3, .textDelta(agent: "Writer", messageId: "m", text: "Rain on the Sound, and on")),
            event(4, .agentCompleted(agent: "Writer", usage: counted, finishReason: .length, maxTokens: 400)),
        ]
        if completed { events.append(event(5, .runCompleted(finalAgent: "Writer", usage: counted, durationMs: 4000))) }
        return events
    }

    @Test func aPaneSaysItsAgentStoppedAtTheCapAndTheHeaderMarksCountedTokens() {
        let text = screen(state(width: 90, height: 10, events: Self.cappedRun(completed: true)))
        #expect(text == """
             flowtop │ research-writer │ ✓ completed │ llamacpp gemma │ ⏱ 00:04 │ ~1,580 tok
            ┌ 1 Writer · ✓ done · ~1,580 tok ────────────────────────────────────────────────────────┐
            │Rain on the Sound, and on                                                               │
            │⚠ stopped at the token cap (max_tokens 400)                                             │
            │                                                                                        │
            │                                                                                        │
            │                                                                                        │
            │                                                                                        │
            └────────────────────────────────────────────────────────────────────────────────────────┘
             q quit  ? help  Tab focus  ↑↓ scroll  f follow  / search  t timeline  m map  z zoom
            """)
    }

    @Test func beforeTheRunEndsTheHeaderSumsTheAgentsEstimates() {
        let text = screen(state(width: 100, height: 10, events: Self.cappedRun(completed: false)))
        #expect(text.split(separator: "\n")[0].contains("│ ~1,580 tok │"))
    }

    @Test func reportedTokensHaveNoMark() {
        var events = Self.cappedRun(completed: false)
        events[3] = event(4, .agentCompleted(agent: "Writer", usage: Usage(inputTokens: 10, outputTokens: 5), finishReason: .stop))
        let text = screen(state(width: 100, height: 10, events: events))
        #expect(text.contains("│ 15 tok │"))
        #expect(!text.contains("~"))
        #expect(!text.contains("token cap"))
    }

    @Test func aCapWithoutItsValueStillSaysWhy() {
        var events = Self.cappedRun(completed: false)
        events[3] = event(4, .agentCompleted(agent: "Writer", usage: nil, finishReason: .length))
        #expect(screen(state(width: 80, height: 10, events: events)).contains("│⚠ stopped at the token cap      "))
    }

    @Test func theTranscriptMarksEstimatedTokens() {
        let markdown = Transcript.markdown(state(width: 80, height: 10, events: Self.cappedRun(completed: true)))
        #expect(markdown.contains("- Tokens: ~1580 (in ~1180, out ~400), estimated: the provider reported none\n"))
        #expect(markdown.contains("`⚠ stopped at the token cap (max_tokens 400)`"))
    }
}

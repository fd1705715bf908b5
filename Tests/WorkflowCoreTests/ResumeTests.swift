import Synchronization
import Testing
@testable import WorkflowCore

/// Collects the checkpoints a run writes at the end of its turns.
final class CheckpointLog: Sendable {
    private let storage = Mutex<[WorkflowCheckpoint]>([])
    func append(_ checkpoint: WorkflowCheckpoint) { storage.withLock { $0.append(checkpoint) } }
    var checkpoints: [WorkflowCheckpoint] { storage.withLock { $0 } }
}

@Suite("Checkpoints at each turn's end, and a run resumed from one")
struct ResumeTests {
    /// A whole run, its events and the checkpoints it wrote.
    static func checkpointed(_ workflow: any Workflow, _ prompt: String) async -> ([WorkflowEvent], [WorkflowCheckpoint]) {
        let (events, checkpoints) = (EventLog(), CheckpointLog())
        let pending = WorkflowRunner.begin(workflow, runId: "run_test", model: nil, onCheckpoint: { checkpoints.append($0) }) {
            events.append($0)
        }
        await WorkflowRunner.execute(pending, prompt: prompt)
        return (events.events, checkpoints.checkpoints)
    }

    /// The run resumed from `checkpoint`, its last stored event being `lastSequence`.
    static func resumed(_ workflow: any Workflow, _ prompt: String, from checkpoint: WorkflowCheckpoint, lastSequence: Int)
        async -> ([WorkflowEvent], [WorkflowCheckpoint])
    {
        let (events, checkpoints) = (EventLog(), CheckpointLog())
        let pending = WorkflowRunner.resume(
            workflow, from: checkpoint, lastSequence: lastSequence, onCheckpoint: { checkpoints.append($0) }
        ) { events.append($0) }
        await WorkflowRunner.execute(pending, prompt: prompt)
        return (events.events, checkpoints.checkpoints)
    }

    static func answer(_ events: [WorkflowEvent]) -> String? {
        events.lazy.compactMap { event -> String? in
            if case let .output(_, text) = event.kind { return text }
            return nil
        }.first
    }

    static func startedAgents(_ events: [WorkflowEvent]) -> [String] {
        events.compactMap { event in
            if case let .agentStarted(agent) = event.kind { return agent }
            return nil
        }
    }

    @Test func eachCompletedTurnWritesACheckpointOfTheTurnsSoFar() async throws {
        let (events, checkpoints) = await Self.checkpointed(try preset("research-writer"), "Weather in Seattle?")
        #expect(checkpoints.map { $0.turns.map(\.agent) } == [["Researcher"], ["Researcher", "Writer"]])
        #expect(checkpoints[0].turns[0].text == text(of: "Researcher", in: events))
        // Taken when the Researcher's turn ended: its agentCompleted is the checkpoint's event.
        let completed = events.first { $0.sequence == checkpoints[0].sequence }
        #expect(completed.map(label) == "completed Researcher")
    }

    @Test func aCheckpointRoundTripsThroughItsJSON() throws {
        let checkpoint = WorkflowCheckpoint(turns: [
            .init(agent: "Triage", text: "For Weather.", usage: Usage(inputTokens: 12, outputTokens: 4, estimated: true),
                  handoffTarget: "Weather", handoffReason: "it is about weather"),
            .init(agent: "Weather", text: "Sunny, 21 °C \"quoted\"", usage: Usage(inputTokens: 30, outputTokens: 9)),
        ], sequence: 41)
        #expect(try WorkflowCheckpoint(json: checkpoint.json) == checkpoint)
    }

    @Test func textThatIsNotACheckpointIsRefusedWithAReason() {
        #expect(throws: WorkflowCheckpoint.DecodingError.self) { try WorkflowCheckpoint(json: "{\"turns\": 3}") }
    }

    @Test func aResumedSequentialRunGoesOnFromTheNextAgentWithTheSameAnswer() async throws {
        let prompt = "Weather in Seattle?"
        let (whole, checkpoints) = await Self.checkpointed(try preset("research-writer"), prompt)
        // The server died during the Writer's turn: 3 events of it were stored after the checkpoint.
        let lastStored = checkpoints[0].sequence + 3
        let (events, later) = await Self.resumed(try preset("research-writer"), prompt, from: checkpoints[0], lastSequence: lastStored)
        #expect(events.first.map(label) == "resumed 1")
        #expect(events.map(\.sequence) == Array((lastStored + 1)...(lastStored + events.count)))
        #expect(Self.startedAgents(events) == ["Writer"])
        #expect(Self.answer(events) == Self.answer(whole))
        #expect(outline(events).last == "done")
        #expect(later.last?.turns.map(\.agent) == ["Researcher", "Writer"])
    }

    @Test func theUsageOfTheTurnsBeforeTheCutCountsInTheResumedRunsTotal() async throws {
        let prompt = "Weather in Seattle?"
        let (whole, checkpoints) = await Self.checkpointed(try preset("research-writer"), prompt)
        let (events, _) = await Self.resumed(try preset("research-writer"), prompt, from: checkpoints[0], lastSequence: 99)
        func total(_ events: [WorkflowEvent]) -> Int? {
            events.lazy.compactMap { event -> Int? in
                if case let .runCompleted(_, usage, _) = event.kind { return usage.totalTokens }
                return nil
            }.first
        }
        #expect(total(events) == total(whole))
    }

    @Test func aResumedHandoffRunGoesOnWithTheAgentHandedTo() async throws {
        let prompt = "What's the weather in Paris?"
        let (whole, checkpoints) = await Self.checkpointed(try preset("handoff"), prompt)
        #expect(checkpoints.first?.turns.first?.handoffTarget != nil)
        let (events, _) = await Self.resumed(try preset("handoff"), prompt, from: checkpoints[0], lastSequence: 50)
        let target = try #require(checkpoints[0].turns[0].handoffTarget)
        #expect(Self.startedAgents(events).first == target)
        #expect(!Self.startedAgents(events).contains(checkpoints[0].turns[0].agent))
        #expect(Self.answer(events) == Self.answer(whole))
    }

    @Test func aResumedGroupChatKeepsItsRoundCount() async throws {
        let prompt = "A slogan for a bakery"
        let (whole, checkpoints) = await Self.checkpointed(try preset("group-chat"), prompt)
        #expect(checkpoints.count >= 2)
        let cut = checkpoints[checkpoints.count - 2]
        let (events, _) = await Self.resumed(try preset("group-chat"), prompt, from: cut, lastSequence: 500)
        // Only the turns after the cut ran again, and the chat ended where the whole run did.
        #expect(Self.startedAgents(events) == Array(Self.startedAgents(whole).suffix(checkpoints.count - cut.turns.count)))
        #expect(Self.answer(events) == Self.answer(whole))
    }

    @Test func aResumedConcurrentRunRunsOnlyTheExpertsThatHadNotAnswered() async throws {
        let prompt = "Plan a weekend in Lisbon"
        let workflow = try preset("concurrent")
        let (whole, checkpoints) = await Self.checkpointed(workflow, prompt)
        let first = try #require(checkpoints.first)
        let (events, _) = await Self.resumed(try preset("concurrent"), prompt, from: first, lastSequence: 200)
        let answered = first.turns[0].agent
        #expect(!Self.startedAgents(events).contains(answered))
        #expect(Set(Self.startedAgents(events)) == Set(workflow.participants).subtracting([answered]))
        #expect(Self.answer(events) == Self.answer(whole))
    }

    @Test func aRunResumedFromACheckpointOfEveryTurnOnlyEnds() async throws {
        let prompt = "Weather in Seattle?"
        let (whole, checkpoints) = await Self.checkpointed(try preset("research-writer"), prompt)
        let (events, _) = await Self.resumed(try preset("research-writer"), prompt, from: checkpoints[1], lastSequence: 70)
        #expect(outline(events) == ["resumed 2", "output Writer", "done"])
        #expect(Self.answer(events) == Self.answer(whole))
    }
}

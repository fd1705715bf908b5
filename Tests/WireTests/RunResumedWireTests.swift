import Testing
import Wire
import WorkflowCore

@Suite("A resumed run's marker on the wire")
struct RunResumedWireTests {
    @Test func theMarkerRoundTripsThroughFlowtopsWireWithItsFieldsInOrder() throws {
        let event = WorkflowEvent(
            sequence: 58, timestamp: 3,
            kind: .runResumed(.init(checkpointSequence: 41, completedTurns: 2, lastAgent: "Researcher")))
        #expect(FlowtopWireFormat.json(for: event)
            == #"{"type":"run_resumed","checkpoint_seq":41,"completed_turns":2,"last_agent":"Researcher","seq":58,"ts":3}"#)
        #expect(try FlowtopWireDecoder.decode(FlowtopWireFormat.sseEvent(for: event)) == event)
    }

    @Test func aRunResumedFromNoTurnHasNoLastAgent() throws {
        let event = WorkflowEvent(sequence: 9, timestamp: 0, kind: .runResumed(.init(checkpointSequence: 0, completedTurns: 0, lastAgent: nil)))
        #expect(try FlowtopWireDecoder.decode(json: FlowtopWireFormat.json(for: event)) == event)
    }
}

import Testing
import Wire
import WorkflowCore

@Suite("finish_reason and estimated usage on the wire")
struct StopReasonAndUsageWireTests {
    static func json(_ kind: WorkflowEvent.Kind) -> String {
        FlowtopWireFormat.json(for: WorkflowEvent(sequence: 4, timestamp: 2, kind: kind))
    }

    @Test func aCappedTurnWritesItsFinishReasonAndCap() {
        let text = Self.json(.agentCompleted(
            agent: "Writer", usage: Usage(inputTokens: 600, outputTokens: 400, estimated: true), finishReason: .length,
            maxTokens: 400))
        #expect(
            text == #"{"type":"agent_completed","agent":"Writer","usage":{"input_tokens":600,"output_tokens":400,"estimated":true},"finish_reason":"length","max_tokens":400,"seq":4,"ts":2}"#)
    }

    @Test func reportedUsageHasNoEstimatedKey() {
        let text = Self.json(.runCompleted(finalAgent: nil, usage: Usage(inputTokens: 1, outputTokens: 2), durationMs: 5))
        #expect(text == #"{"type":"done","usage":{"input_tokens":1,"output_tokens":2},"duration_ms":5,"seq":4,"ts":2}"#)
    }

    @Test func anUnknownFinishReasonDecodesAsOther() throws {
        let event = try FlowtopWireDecoder.decode(
            json: #"{"type":"agent_completed","agent":"A","finish_reason":"eos_token","seq":1,"ts":1}"#)
        #expect(event.kind == .agentCompleted(agent: "A", usage: nil, finishReason: .other))
    }

    @Test func anOlderStreamWithoutTheNewKeysStillDecodes() throws {
        let event = try FlowtopWireDecoder.decode(
            json: #"{"type":"agent_completed","agent":"A","usage":{"input_tokens":3,"output_tokens":4},"seq":1,"ts":1}"#)
        #expect(event.kind == .agentCompleted(agent: "A", usage: Usage(inputTokens: 3, outputTokens: 4)))
    }
}

import EventStream
import Testing
import Wire
import WorkflowCore

@Suite("Text and flowtop decoders")
struct TextAndFlowtopDecoderTests {
    @Test func agentFrameworkSampleTextStream() throws {
        let input = try Capture.events("maf_workflow_stream_text.sse")
        var decoder = TextStreamDecoder(agentName: "localhost")
        let run = Decoded(&decoder, input)
        #expect(run.isGapFree)
        #expect(run.warnings.isEmpty)
        let expected = try input.reduce(into: "") { $0 += try JSONValue(parsing: $1.data)["text"]?.stringValue ?? "" }
        #expect(run.allText == expected)
        #expect(run.events.count == input.count + 2)  // runStarted + agentStarted, then one delta per chunk
        #expect(run.agentsStarted == ["localhost"])
        #expect(run.fromFinish.map(\.kind) == [
            .agentCompleted(agent: "localhost", usage: nil),
            .output(agent: "localhost", text: expected),
            .runCompleted(finalAgent: "localhost", usage: .zero, durationMs: Double(input.count) * 1000),
        ])
        var again = decoder
        #expect(again.finish(at: 5000).isEmpty)
    }

    @Test func textMalformedChunkAndDefaultName() {
        var decoder = TextStreamDecoder()
        let run = Decoded(&decoder, [sse(#"{"text":"a"}"#), sse("oops"), sse(#"{"text":"b"}"#), sse(#"{"other":1}"#)])
        #expect(run.isGapFree)
        #expect(run.allText == "ab")
        #expect(run.warnings.count == 2)
        #expect(run.warnings[0].hasPrefix("event 2: not JSON"))
        #expect(decoder.unknownEventCounts == ["object without \"text\"": 1])
        #expect(run.kinds.suffix(2).first == .output(agent: "agent", text: "ab"))
    }

    @Test func flowtopStreamDecodesBackToTheSameEvents() async throws {
        let workflow = try WorkflowDefinitionLoader.resolve("research-writer").build(client: ScriptedChatClient())
        var original: [WorkflowEvent] = []
        for await event in WorkflowRunner.events(of: workflow, prompt: "Research the weather in Seattle", model: "scripted") {
            original.append(Self.toMicroseconds(event))
        }
        #expect(original.count > 10)
        var encoder = SSEEncoder()
        var bytes: [UInt8] = []
        for event in original { try encoder.encode(FlowtopWireFormat.sseEvent(for: event), into: &bytes) }
        var parser = SSEParser()
        let input = try parser.parse(bytes)

        var decoder = FlowtopStreamDecoder()
        let run = Decoded(&decoder, input)
        #expect(run.events == original)
        #expect(run.fromFinish.isEmpty)
        #expect(run.isGapFree)
        #expect(run.transitions.map { "\($0.from ?? "-")>\($0.to)" } == ["Researcher>Writer"])
        #expect(!run.toolCalls.isEmpty)

        // Detected and decoded the same way automatically.
        #expect(WireDialect.detect(input[0]) == .flowtop)
        var auto = AutoStreamDecoder()
        let autoRun = Decoded(&auto, input)
        #expect(auto.dialect == .flowtop)
        #expect(autoRun.events == original)
    }

    /// The wire format keeps times to the microsecond (`FlowtopWireFormat`), so compare at that precision.
    static func toMicroseconds(_ event: WorkflowEvent) -> WorkflowEvent {
        func micro(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
        var event = event
        event.timestamp = micro(event.timestamp)
        switch event.kind {
        case var .toolResult(info):
            info.durationMs = micro(info.durationMs)
            event.kind = .toolResult(info)
        case let .runCompleted(agent, usage, durationMs):
            event.kind = .runCompleted(finalAgent: agent, usage: usage, durationMs: micro(durationMs))
        default: break
        }
        return event
    }

    @Test func flowtopMalformedEventBecomesAWarningWithItsNumber() throws {
        func event(_ seq: Int, _ kind: WorkflowEvent.Kind) -> SSEEvent {
            FlowtopWireFormat.sseEvent(for: WorkflowEvent(sequence: seq, timestamp: 5, kind: kind))
        }
        var decoder = FlowtopStreamDecoder()
        let run = Decoded(&decoder, [
            event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["A"]))),
            event(2, .agentStarted(agent: "A")),
            SSEEvent(data: #"{"type":"text","agent":"A","text":"#, id: "3"),
            SSEEvent(type: "telemetry", data: #"{"type":"telemetry","seq":4}"#, id: "4"),
            event(5, .textDelta(agent: "A", messageId: "m", text: "still here")),
            event(6, .runCompleted(finalAgent: "A", usage: .zero, durationMs: 1)),
        ])
        #expect(run.isGapFree)
        #expect(run.all.map(\.sequence) == [1, 2, 3, 4, 5, 6])
        #expect(run.warnings.count == 2)
        #expect(run.warnings[0].hasPrefix("event 3: not JSON"))
        #expect(run.warnings[1].contains("telemetry"))
        #expect(decoder.unknownEventCounts == ["telemetry": 1])
        #expect(run.allText == "still here")
        #expect(run.fromFinish.isEmpty)
    }

    @Test func flowtopStreamWithoutTerminalEventFailsOnFinish() {
        var decoder = FlowtopStreamDecoder()
        let run = Decoded(&decoder, [
            FlowtopWireFormat.sseEvent(for: WorkflowEvent(sequence: 1, timestamp: 5, kind: .agentStarted(agent: "A")))
        ])
        #expect(run.isGapFree)
        #expect(run.fromFinish.map(\.kind) == [.runFailed(error: "the stream ended before the run's done or error event", agent: nil)])
    }
}

import EventStream
import Testing
import Wire
import WorkflowCore

@Suite("flowtop wire format")
struct FlowtopWireFormatTests {
    static let kinds: [WorkflowEvent.Kind] = [
        .runStarted(.init(runId: "run_1", workflow: "research-writer", participants: ["Researcher", "Writer"], model: "scripted")),
        .runStarted(.init(runId: "run_2", workflow: "w", participants: [], model: nil)),
        .runStarted(.init(runId: "run_3", workflow: "concurrent", participants: ["A", "B"], model: nil, graph: WorkflowGraphWireTests.concurrent)),
        .agentStarted(agent: "Researcher"),
        .textDelta(agent: "Researcher", messageId: "m1", text: " Seattle \"quoted\"\n\u{2028}世界 🌦"),
        .reasoningDelta(agent: "Researcher", messageId: "m1", text: "thinking…"),
        .toolCallStarted(agent: "Researcher", callId: "call_1", tool: "get_weather", arguments: #"{"location":"Seattle"}"#),
        .toolCallArgumentsDelta(agent: "Researcher", callId: "call_1", delta: #"{"loc"#),
        .toolProgress(agent: "Researcher", callId: "call_1", progress: ToolProgress(progress: 2, total: 5, message: "step 2")),
        .toolProgress(agent: "Researcher", callId: "call_1", progress: ToolProgress(progress: 0.25)),
        .toolResult(.init(agent: "Researcher", callId: "call_1", tool: "get_weather", result: "Seattle: 12°C", isError: false, durationMs: 12.345)),
        .toolResult(.init(agent: "R", callId: "c", tool: "t", result: "Error: x", isError: true, durationMs: 0)),
        .agentCompleted(agent: "Researcher", usage: Usage(inputTokens: 10, outputTokens: 5)),
        .agentCompleted(agent: "Writer", usage: nil),
        .agentCompleted(
            agent: "Writer", usage: Usage(inputTokens: 600, outputTokens: 400, estimated: true), finishReason: .length,
            maxTokens: 400),
        .agentCompleted(agent: "Triage", usage: nil, finishReason: .toolCalls),
        .runCompleted(finalAgent: "Writer", usage: Usage(inputTokens: 1, outputTokens: 2, estimated: true), durationMs: 3),
        .transition(from: "Researcher", to: "Writer", reason: "next in sequence"),
        .transition(from: nil, to: "Writer", reason: nil),
        .output(agent: "Writer", text: "A poem"),
        .output(agent: nil, text: ""),
        .warning(agent: "Manager", message: "chose \"Bob\""),
        .runCompleted(finalAgent: "Writer", usage: Usage(inputTokens: 100, outputTokens: 50), durationMs: 1234.5),
        .runFailed(error: "openai: 401 Unauthorized", agent: "Writer"),
        .runFailed(error: "cancelled", agent: nil),
        .runCancelled(reason: "the client disconnected"),
        .runCancelled(reason: nil),
    ]

    @Test func everyKindRoundTripsThroughSSEBytes() throws {
        var encoder = SSEEncoder()
        var bytes: [UInt8] = []
        let events = Self.kinds.enumerated().map { index, kind in
            WorkflowEvent(sequence: index + 1, timestamp: 1_795_551_776.123456, kind: kind)
        }
        for event in events { try encoder.encode(FlowtopWireFormat.sseEvent(for: event), into: &bytes) }
        var parser = SSEParser()
        let decoded = try parser.parse(bytes).map { try FlowtopWireDecoder.decode($0) }
        #expect(decoded == events)
    }

    @Test func onlyTextDeltasCarryTheTextKeyAndNoEventLine() throws {
        for (index, kind) in Self.kinds.enumerated() {
            let event = WorkflowEvent(sequence: index + 1, timestamp: 1, kind: kind)
            let sse = FlowtopWireFormat.sseEvent(for: event)
            let object = try JSONValue(parsing: sse.data).objectValue ?? [:]
            if case .textDelta = kind {
                #expect(object["text"] != nil)
                #expect(sse.type == "message")
            } else {
                #expect(object["text"] == nil, "\(FlowtopWireFormat.typeName(of: kind)) must not carry \"text\"")
                #expect(sse.type == FlowtopWireFormat.typeName(of: kind))
            }
            #expect(sse.id == String(index + 1))
            #expect(object["type"]?.stringValue == FlowtopWireFormat.typeName(of: kind))
        }
    }

    @Test func keysComeInAReadableOrder() {
        let event = WorkflowEvent(sequence: 7, timestamp: 2.5, kind: .textDelta(agent: "Writer", messageId: "m", text: "Hi"))
        #expect(FlowtopWireFormat.json(for: event)
            == #"{"type":"text","agent":"Writer","message_id":"m","text":"Hi","seq":7,"ts":2.5}"#)
    }

    @Test func theSampleClientPrintsExactlyTheAgentsText() async throws {
        // The sample's Python client: for each line starting "data: ", parse JSON and print its "text" if present.
        let events = await collect(try WorkflowDefinitionLoader.resolve("research-writer").build(client: ScriptedChatClient()))
        var encoder = SSEEncoder()
        var bytes: [UInt8] = []
        for event in events { try encoder.encode(FlowtopWireFormat.sseEvent(for: event), into: &bytes) }
        var printed = ""
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("data: ") {
            if let text = try JSONValue(parsing: String(line.dropFirst(6)))["text"]?.stringValue { printed += text }
        }
        let expected = events.reduce(into: "") { result, event in
            if case let .textDelta(_, _, text) = event.kind { result += text }
        }
        #expect(printed == expected)
        #expect(printed.contains("Seattle"))
    }

    @Test func malformedPayloadsAreErrorsNotCrashes() {
        #expect(throws: FlowtopWireDecoder.DecodingError.self) { try FlowtopWireDecoder.decode(json: "{not json") }
        #expect(throws: FlowtopWireDecoder.DecodingError.self) { try FlowtopWireDecoder.decode(json: "[1,2]") }
        #expect(throws: FlowtopWireDecoder.DecodingError.self) { try FlowtopWireDecoder.decode(json: #"{"type":"agent_started"}"#) }
        #expect(throws: FlowtopWireDecoder.DecodingError.self) { try FlowtopWireDecoder.decode(json: #"{"type":"mystery"}"#) }
    }

    private func collect(_ workflow: any Workflow) async -> [WorkflowEvent] {
        var events: [WorkflowEvent] = []
        for await event in WorkflowRunner.events(of: workflow, prompt: "Research the weather in Seattle and write a poem") {
            events.append(event)
        }
        return events
    }
}

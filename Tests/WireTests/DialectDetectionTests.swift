import EventStream
import Testing
import Wire
import WorkflowCore

@Suite("Dialect detection")
struct DialectDetectionTests {
    static let captures: [(String, WireDialect)] = [
        ("agui_workflow.sse", .agui), ("agui_agent_server_tool.sse", .agui), ("agui_frontend_tool_call.sse", .agui),
        ("agui_writer_text.sse", .agui), ("agui_agent_keepalive_comments.sse", .agui),
        ("llamacpp_chat_stream_text.sse", .openai), ("llamacpp_chat_stream_tool_forced_fc.sse", .openai),
        ("llamacpp_chat_stream_tool_forced_gemma.sse", .openai), ("maf_workflow_stream_text.sse", .text),
        ("devui_research_writer.sse", .devui), ("devui_approval_flow.sse", .devui),
        ("devui_review_flow.sse", .devui), ("devui_approval_unknown_request_id.sse", .devui),
    ]

    @Test func eachCaptureIsDetectedFromItsFirstEvent() throws {
        for (name, dialect) in Self.captures {
            let input = try Capture.events(name)
            #expect(WireDialect.detect(input[0]) == dialect, "\(name)")
            // Every event of the capture agrees (or does not tell). DevUI's stream also ends with OpenAI's `[DONE]`
            // and reports failures as `{"type":"error"}` like flowtop's own, which is why detection decides on the
            // first event.
            let disagreeing = input.filter { WireDialect.detect($0) != dialect && WireDialect.detect($0) != nil }
            #expect(disagreeing.allSatisfy { event in
                dialect == .devui && (event.data == "[DONE]" || event.data.contains(#""type":"error""#))
            }, "\(name)")
        }
    }

    @Test func detectionRules() {
        #expect(WireDialect.detect(sse("[DONE]")) == .openai)
        #expect(WireDialect.detect(sse(#"{"choices":[]}"#)) == .openai)
        #expect(WireDialect.detect(sse(#"{"object":"chat.completion.chunk"}"#)) == .openai)
        #expect(WireDialect.detect(sse(#"{"text":"hi"}"#)) == .text)
        #expect(WireDialect.detect(sse(#"{"type":"text","agent":"A","text":"hi","seq":3}"#)) == .flowtop)
        #expect(WireDialect.detect(sse(#"{"type":"workflow_started","run_id":"r"}"#)) == .flowtop)
        #expect(WireDialect.detect(sse(#"{"type":"RUN_STARTED","runId":"r"}"#)) == .agui)
        #expect(WireDialect.detect(sse(#"{"type":"SOMETHING_NEW"}"#)) == .agui)
        #expect(WireDialect.detect(sse(#"{"type":"Mixed_Case"}"#)) == nil)
        #expect(WireDialect.detect(sse(#"{"type":"response.trace.completed","data":"{}"}"#)) == .devui)
        #expect(WireDialect.detect(sse(#"{"type":"response.created","response":{"id":"resp_1"}}"#)) == .devui)
        #expect(WireDialect.detect(sse("not json")) == nil)
        #expect(WireDialect.detect(sse("{}")) == nil)
        #expect(WireDialect.flowtopTypeNames.count == 15)
    }

    @Test func autoDecoderMatchesTheDirectDecoderOnEachCapture() throws {
        for (name, dialect) in Self.captures {
            let input = try Capture.events(name)
            var auto = AutoStreamDecoder()
            let autoRun = Decoded(&auto, input)
            #expect(auto.dialect == dialect, "\(name)")
            let direct: Decoded
            switch dialect {
            case .agui: var d = AGUIStreamDecoder(); direct = Decoded(&d, input)
            case .openai: var d = OpenAIChunkStreamDecoder(); direct = Decoded(&d, input)
            case .text: var d = TextStreamDecoder(); direct = Decoded(&d, input)
            case .flowtop: var d = FlowtopStreamDecoder(); direct = Decoded(&d, input)
            case .devui: var d = DevUIStreamDecoder(); direct = Decoded(&d, input)
            }
            #expect(autoRun.all == direct.all, "\(name)")
            #expect(autoRun.isGapFree)
        }
    }

    @Test func autoDecoderBuffersUntilAnEventTells() {
        var auto = AutoStreamDecoder()
        #expect(auto.decode(sse("{}"), at: 1).isEmpty)
        #expect(auto.decode(sse(#"{"unrelated":true}"#), at: 2).isEmpty)
        #expect(auto.dialect == nil)
        let events = auto.decode(sse(#"{"type":"RUN_STARTED","threadId":"t","runId":"r"}"#), at: 3)
        #expect(auto.dialect == .agui)
        // The two buffered events are replayed: each is an unknown (untyped) event with a warning.
        #expect(events.map(\.sequence) == Array(1...events.count))
        #expect(events.contains { if case .runStarted = $0.kind { true } else { false } })
    }

    @Test func autoDecoderFallsBackToTextAfterTheBufferLimit() {
        var auto = AutoStreamDecoder(bufferLimit: 4)
        var events: [WorkflowEvent] = []
        for index in 0..<4 { events += auto.decode(sse("line \(index)"), at: Double(index)) }
        #expect(auto.dialect == .text)
        events += auto.decode(sse(#"{"text":"ok"}"#), at: 5)
        events += auto.finish(at: 6)
        #expect(events.map(\.sequence) == Array(1...events.count))
        guard case let .warning(_, message) = events.first?.kind else { Issue.record("no warning first"); return }
        #expect(message.contains("text dialect"))
        #expect(events.filter { if case .warning = $0.kind { true } else { false } }.count == 5)
        #expect(events.last?.kind == .runCompleted(finalAgent: "agent", usage: .zero, durationMs: 6000))
    }

    @Test func autoDecoderOnAnEmptyStream() {
        var auto = AutoStreamDecoder()
        #expect(auto.finish(at: 1).map(\.kind) == [.runFailed(error: "the stream ended before any event", agent: nil)])
    }
}

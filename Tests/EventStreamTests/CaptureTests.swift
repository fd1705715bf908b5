import EventStream
import Foundation
import Testing

/// Real streams recorded from third-party servers (see Fixtures/, copied from shared/captures).
@Suite("Recorded streams")
struct CaptureTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    @Test func agentFrameworkAGUIWorkflow() throws {
        let bytes = try Self.fixture("agui_workflow.sse")
        let events = try parse(bytes)
        #expect(events.count == 133)
        #expect(events.first?.data.hasPrefix(#"{"type":"RUN_STARTED""#) == true)
        #expect(events.last?.data.hasPrefix(#"{"type":"RUN_FINISHED""#) == true)
        #expect(events.allSatisfy { $0.type == "message" && $0.id.isEmpty })
        #expect(try parse(bytes, chunkSize: 7) == events)
    }

    @Test func agentFrameworkKeepaliveComments() throws {
        var parser = SSEParser()
        let events = try parser.parse(Self.fixture("agui_agent_keepalive_comments.sse"))
        #expect(parser.commentCount > 0)
        #expect(events.last?.data.contains("RUN_FINISHED") == true)
        #expect(parser.finish() == false)
    }

    @Test func llamaCppTextStreamEndsWithDone() throws {
        let events = try parse(Self.fixture("llamacpp_chat_stream_text.sse"))
        #expect(events.count > 10)
        #expect(events.last?.data == "[DONE]")
        #expect(events.dropLast().allSatisfy { $0.data.hasPrefix("{") })
    }

    @Test func agentFrameworkSampleTextChunks() throws {
        var parser = SSEParser()
        let events = try parser.parse(Self.fixture("maf_workflow_stream_text.sse"))
        #expect(events.first == message(#"{"text": "Training"}"#))
        #expect(events.allSatisfy { $0.data.hasPrefix(#"{"text": "#) })
        #expect(parser.finish() == false)
    }
}

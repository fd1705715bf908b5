import EventStream
import Foundation
import Testing
import Wire
import WorkflowCore
@testable import WorkflowServer

@Suite("POST /api/workflow/stream formats")
struct StreamFormatTests {
    static let prompt = #"{"message":"Research Seattle weather and create a report"}"#

    @Test("flowtop format: SSE headers, id on each event, decodes losslessly, the sample's client prints the agents' text")
    func flowtopFormat() async throws {
        let harness = try await ServerHarness.start()
        let answer = try await harness.stream(Self.prompt)
        #expect(answer.status == 200)
        #expect(answer.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true)
        #expect(answer.headers.first(name: "Cache-Control") == "no-cache")
        #expect(answer.headers.first(name: "X-Accel-Buffering") == "no")
        let runId = try #require(answer.headers.first(name: "X-Run-Id"))
        let record = try #require(harness.server.registry.run(id: runId))
        let original = record.bufferedEvents

        let sse = try answer.events
        #expect(sse.count == original.count)
        let decoded = try sse.map { try FlowtopWireDecoder.decode($0) }
        #expect(decoded.map(\.kind) == original.map(\.kind))
        #expect(decoded.map(\.sequence) == Array(1...original.count))
        #expect(zip(decoded, original).allSatisfy { abs($0.timestamp - $1.timestamp) < 1e-5 })
        #expect(sse.map(\.id) == (1...original.count).map(String.init))
        #expect(sse.last?.type == "done")
        #expect(answer.body.components(separatedBy: "\nid: ").count - 1 + (answer.body.hasPrefix("id: ") ? 1 : 0) >= original.count - 1)

        let text = agentText(original)
        #expect(!text.isEmpty)
        #expect(sampleClientText(answer.body) == text)
        try await harness.shutdown()
    }

    @Test("text format: exactly the sample's bytes, data: {\"text\": ...} per delta and nothing else")
    func textFormat() async throws {
        let harness = try await ServerHarness.start()
        for (body, headers) in [
            (#"{"message":"Seattle weather","format":"text"}"#, [("Content-Type", "application/json")]),
            (#"{"message":"Seattle weather"}"#, [("Content-Type", "application/json"), ("Accept", "text/event-stream; dialect=text")]),
        ] {
            let answer = try await harness.stream(body, headers: headers)
            #expect(answer.status == 200)
            let runId = try #require(answer.headers.first(name: "X-Run-Id"))
            let events = try #require(harness.server.registry.run(id: runId)).bufferedEvents
            var expected = ""
            for event in events {
                guard case let .textDelta(_, _, text) = event.kind else { continue }
                var bytes: [UInt8] = []
                PythonJSONString.quote(text, into: &bytes)
                expected += "data: {\"text\": " + String(decoding: bytes, as: UTF8.self) + "}\n\n"
            }
            #expect(answer.body == expected)
            #expect(sampleClientText(answer.body) == agentText(events))
        }
        let viaQuery = try await harness.stream(#"{"message":"Seattle weather"}"#, path: "/api/workflow/stream?format=text")
        #expect(viaQuery.body.hasPrefix("data: {\"text\": \""))
        #expect(!viaQuery.body.contains("\"type\""))
        try await harness.shutdown()
    }

    @Test("the captured sample stream has the shape the text format writes")
    func captureShape() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/maf_workflow_stream_text", withExtension: "sse"))
        let capture = try String(contentsOf: url, encoding: .utf8)
        let blocks = capture.components(separatedBy: "\n\n").dropLast()
        #expect(!blocks.isEmpty)
        for block in blocks {
            #expect(block.hasPrefix("data: {\"text\": \"") && block.hasSuffix("\"}"))
        }
        // Python's json.dumps escapes as ours does.
        var bytes: [UInt8] = []
        PythonJSONString.quote("a\"b\\c\n\u{7F}é😀", into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\"b\\c\n\u007f\u00e9\ud83d\ude00""#)
    }

    @Test("agui format: RUN_STARTED first, steps per agent, text messages, RUN_FINISHED last")
    func aguiFormat() async throws {
        let harness = try await ServerHarness.start()
        let answer = try await harness.stream(#"{"message":"Seattle weather","format":"agui"}"#)
        #expect(answer.status == 200)
        let objects = try answer.events.map { try JSONValue(parsing: $0.data) }
        let types = objects.compactMap { $0["type"]?.stringValue }
        #expect(types.first == "RUN_STARTED")
        #expect(types.last == "RUN_FINISHED")
        #expect(types.contains("STEP_STARTED") && types.contains("STEP_FINISHED"))
        #expect(types.contains("TEXT_MESSAGE_START") && types.contains("TEXT_MESSAGE_END"))
        #expect(types.contains("TOOL_CALL_START") && types.contains("TOOL_CALL_RESULT"))
        #expect(types.filter { $0 == "TOOL_CALL_START" }.count == types.filter { $0 == "TOOL_CALL_END" }.count)
        #expect(types.contains("TOOL_CALL_ARGS"))
        #expect(types.filter { $0 == "TEXT_MESSAGE_START" }.count == types.filter { $0 == "TEXT_MESSAGE_END" }.count)
        let runId = try #require(answer.headers.first(name: "X-Run-Id"))
        let events = try #require(harness.server.registry.run(id: runId)).bufferedEvents
        let deltas = objects.filter { $0["type"]?.stringValue == "TEXT_MESSAGE_CONTENT" }.compactMap { $0["delta"]?.stringValue }
        #expect(deltas.joined() == agentText(events))
        #expect(!answer.body.contains("\nevent:") && !answer.body.hasPrefix("event:"))
        try await harness.shutdown()
    }

    @Test("POST /api/agui: RunAgentInput's last user message is the prompt; threadId and runId are echoed")
    func aguiEndpoint() async throws {
        let harness = try await ServerHarness.start()
        let input = #"""
            {"threadId":"thread-7","runId":"run-7","messages":[{"id":"m1","role":"user","content":"Hi"},
             {"id":"m2","role":"assistant","content":"Hello"},{"id":"m3","role":"user","content":"Seattle weather"}],
             "tools":[],"state":{},"context":[],"forwardedProps":{}}
            """#
        let answer = try await harness.stream(input, path: "/api/agui")
        #expect(answer.status == 200)
        let objects = try answer.events.map { try JSONValue(parsing: $0.data) }
        #expect(objects.first?["type"]?.stringValue == "RUN_STARTED")
        #expect(objects.first?["threadId"]?.stringValue == "thread-7")
        #expect(objects.first?["runId"]?.stringValue == "run-7")
        #expect(objects.last?["type"]?.stringValue == "RUN_FINISHED")
        #expect(objects.last?["threadId"]?.stringValue == "thread-7")
        #expect(objects.contains { $0["type"]?.stringValue == "CUSTOM" && $0["name"]?.stringValue == "handoff_sent" })

        let bad = try await harness.send("/api/agui", body: #"{"threadId":"t"}"#)
        #expect(bad.status == 422)
        // Byte for byte what Agent Framework's AG-UI endpoint answered to the same body.
        let url = try #require(Bundle.module.url(forResource: "Fixtures/agui_422_bad_request", withExtension: "json"))
        #expect(bad.body == (try String(contentsOf: url, encoding: .utf8)))
        #expect(bad.headers.first(name: "Content-Type") == "application/json")
        let noUser = try await harness.send("/api/agui", body: #"{"messages":[{"id":"a","role":"assistant","content":"x"}]}"#)
        #expect(noUser.status == 422)
        let notJSON = try await harness.send("/api/agui", body: "{")
        #expect(notJSON.status == 422)
        #expect(notJSON.body.contains("json_invalid"))
        try await harness.shutdown()
    }
}

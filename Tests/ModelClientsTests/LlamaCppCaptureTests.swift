import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import WorkflowCore

/// Replays real llama.cpp streams over a real socket and checks what the client makes of them.
@Suite struct LlamaCppCaptureTests {
    /// The text a capture's chunks carry, computed independently of the client from the capture itself.
    static func expectedText(_ fixture: String) throws -> String {
        try Fixture.dataPayloads(fixture).filter { $0 != "[DONE]" }.reduce(into: "") { text, payload in
            let chunk = try JSONValue(parsing: payload)
            if case let .string(content)? = chunk["choices"]?.arrayValue?.first?["delta"]?["content"] {
                text += content
            }
        }
    }

    @Test(arguments: [nil, 1000, 7])
    func textStreamEqualsTheConcatenatedContent(chunkSize: Int?) async throws {
        let fixture = "llamacpp_chat_stream_text.sse"
        let expected = try Self.expectedText(fixture)
        #expect(expected.hasPrefix("Write one sentence about Seattle"))
        let collected = try await withServer(responses: [try Fixture.response(fixture, chunkSize: chunkSize)]) {
            server in try await using(try localClient(server)) { try await collect($0) }
        }
        #expect(collected.text == expected)
        #expect(collected.finishReasons == [.length])
        #expect(collected.usage.isEmpty, "llama.cpp sends no usage chunk")
        #expect(collected.toolCalls.isEmpty)
        #expect(collected.updates.last == .finished(.length))
    }

    @Test(arguments: ["llamacpp_chat_stream_tool_forced_fc.sse", "llamacpp_chat_stream_tool_forced_gemma.sse"])
    func toolCallNameAppearsOnceAndArgumentsAssemble(fixture: String) async throws {
        let request = ChatRequest(
            agent: "Researcher", messages: [.user("Weather in Seattle?")], tools: [weatherTool])
        let collected = try await withServer(responses: [try Fixture.response(fixture, chunkSize: 64)]) { server in
            try await using(try localClient(server)) { try await collect($0, request) }
        }
        #expect(collected.toolCalls.count == 1)
        let call = try #require(collected.toolCalls[0])
        #expect(call.name == "get_weather")
        #expect(call.callId.hasPrefix("call__0_get_weather_cmpl-"))
        #expect(!call.callId.dropFirst(5).contains("call__"), "the id must not be repeated either")
        let arguments = try JSONValue(parsing: call.arguments)
        #expect(arguments["location"]?.stringValue?.contains("Seattle") == true)
        #expect(collected.finishReasons == [.toolCalls])
        #expect(collected.text.isEmpty)
    }

    @Test(arguments: [
        "llamacpp_chat_stream_assistant_without_content_EMPTY_BODY.sse",
        "llamacpp_chat_stream_tool_auto_fc_EMPTY_BODY.sse",
        "llamacpp_chat_stream_tool_required_fc_EMPTY_BODY.sse",
    ])
    func emptyEventStreamIsAnErrorNamingTheServer(fixture: String) async throws {
        let error = try await withServer(responses: [try Fixture.response(fixture)]) { server in
            try await using(try localClient(server)) { client in
                await chatError { _ = try await collect(client) }
            }
        }
        let failure = try #require(error)
        #expect(failure.kind == .protocolViolation)
        #expect(failure.provider == "llamacpp")
        #expect(failure.message.contains("127.0.0.1"))
        #expect(failure.message.contains("/v1/chat/completions"))
        #expect(failure.message.contains("empty event stream"))
    }

    @Test func serverErrorIsRetriedThenReportedWithTheServersMessage() async throws {
        let fixture = "llamacpp_chat_error_500_bad_messages.json"
        let (error, requests) = try await withServer(responses: [try Fixture.response(fixture)]) { server in
            let error = try await using(try localClient(server, retryPolicy: quickRetries)) { client in
                await chatError { _ = try await collect(client) }
            }
            return (error, server.requests)
        }
        #expect(requests.count == 3, "the first attempt and two retries")
        let failure = try #require(error)
        #expect(failure.kind == .http)
        #expect(failure.status == 500)
        #expect(failure.message.contains("→ 500 Internal Server Error"))
        #expect(failure.message.contains("1 validation error: {'type': 'list_type'"), "on one line")
        #expect(failure.message.contains("Input should be a valid list"))
        #expect(failure.message.contains("gave up after 2 retries"))
    }

    @Test func serverErrorWithAnEmptyMessageNamesTheErrorType() async throws {
        let fixture = "llamacpp_chat_error_500_tool_required_fc.json"
        let error = try await withServer(responses: [try Fixture.response(fixture)]) { server in
            try await using(try localClient(server)) { client in await chatError { _ = try await collect(client) } }
        }
        let failure = try #require(error)
        #expect(failure.status == 500)
        #expect(failure.message.hasSuffix("→ 500 Internal Server Error: internal_server_error (no message)"))
    }
}

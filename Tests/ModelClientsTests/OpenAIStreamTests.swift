import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import WorkflowCore

/// Streams in the shapes OpenAI and Azure OpenAI send, written by hand from their documented formats.
@Suite struct OpenAIStreamTests {
    static let parallelToolCalls: [String] = [
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"lo"}}]},"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"cation\": \"Sea"}}]},"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"get_time","arguments":""}}]},"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ttle\"}"}}]},"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"zone\":"}}]},"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":" \"PST\"}"}}]},"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":null}"#,
        #"{"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":57,"completion_tokens":31,"total_tokens":88}}"#,
    ]

    @Test func parallelToolCallsMergeByIndexAndUsageComesFromTheEmptyChoicesChunk() async throws {
        let collected = try await withServer(responses: [SSEScript.stream(Self.parallelToolCalls)]) { server in
            try await using(try localClient(server, provider: .openaiCompatible)) { try await collect($0) }
        }
        #expect(collected.toolCalls.count == 2)
        let first = try #require(collected.toolCalls[0])
        let second = try #require(collected.toolCalls[1])
        #expect(first.callId == "call_A")
        #expect(first.name == "get_weather")
        #expect(try JSONValue(parsing: first.arguments) == ["location": "Seattle"])
        #expect(second.callId == "call_B")
        #expect(second.name == "get_time")
        #expect(try JSONValue(parsing: second.arguments) == ["zone": "PST"])
        #expect(collected.usage == [Usage(inputTokens: 57, outputTokens: 31)])
        #expect(collected.finishReasons == [.toolCalls])
        // usage then finished, and nothing after finished
        #expect(
            Array(collected.updates.suffix(2)) == [
                .usage(Usage(inputTokens: 57, outputTokens: 31)), .finished(.toolCalls),
            ])
    }

    @Test func fragmentsArePassedThroughAsTheyCome() async throws {
        let collected = try await withServer(responses: [SSEScript.stream(Self.parallelToolCalls)]) { server in
            try await using(try localClient(server, provider: .openaiCompatible)) { try await collect($0) }
        }
        let deltas = collected.updates.compactMap { update -> ToolCallDelta? in
            if case let .toolCallDelta(delta) = update { delta } else { nil }
        }
        #expect(deltas.map(\.index) == [0, 0, 0, 1, 0, 1, 1])
        #expect(deltas[0] == ToolCallDelta(index: 0, callId: "call_A", name: "get_weather", argumentsDelta: ""))
        #expect(deltas[1] == ToolCallDelta(index: 0, argumentsDelta: #"{"lo"#))
    }

    static let azureStream: [String] = [
        // Azure's first chunk: prompt filter results, no choices.
        #"{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]}"#,
        #"{"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1,"id":"chatcmpl-9","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_1"}"#,
        #"{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"delta":{"content":"Rain"},"finish_reason":null,"index":0,"logprobs":null}],"created":1,"id":"chatcmpl-9","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk"}"#,
        // A choice without a delta (content filter results only).
        #"{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"finish_reason":null,"index":0}],"created":1,"id":"chatcmpl-9","object":"chat.completion.chunk"}"#,
        #"{"choices":[{"content_filter_results":{},"delta":{"content":" again."},"finish_reason":null,"index":0,"logprobs":null}],"created":1,"id":"chatcmpl-9","object":"chat.completion.chunk"}"#,
        #"{"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}],"created":1,"id":"chatcmpl-9","object":"chat.completion.chunk"}"#,
        #"{"choices":[],"created":1,"id":"chatcmpl-9","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","usage":{"completion_tokens":3,"prompt_tokens":20,"total_tokens":23,"prompt_tokens_details":{"cached_tokens":0}}}"#,
    ]

    @Test func azureQuirksAreTolerated() async throws {
        let collected = try await withServer(responses: [SSEScript.stream(Self.azureStream)]) { server in
            try await using(try localClient(server, provider: .openaiCompatible)) { try await collect($0) }
        }
        #expect(collected.text == "Rain again.")
        #expect(
            collected.updates == [
                .textDelta("Rain"), .textDelta(" again."), .usage(Usage(inputTokens: 20, outputTokens: 3)),
                .finished(.stop),
            ])
    }

    @Test func contentFilterFinishIsReported() async throws {
        let stream = [SSEScript.text("I can"), SSEScript.finish("content_filter")]
        let collected = try await withServer(responses: [SSEScript.stream(stream)]) { server in
            try await using(try localClient(server, provider: .openaiCompatible)) { try await collect($0) }
        }
        #expect(collected.finishReasons == [.contentFilter])
    }

    @Test func eventsSplitAcrossOneByteWritesStillDecode() async throws {
        var body: [UInt8] = []
        for payload in [SSEScript.text("héllo "), SSEScript.text("wörld"), SSEScript.finish("stop"), "[DONE]"] {
            body += Array("data: \(payload)\r\n\r\n".utf8)
        }
        let response = ScriptedResponse.eventStream(ScriptedResponse.dribble(body, pauseMilliseconds: 0))
        let collected = try await withServer(responses: [response]) { server in
            try await using(try localClient(server)) { try await collect($0) }
        }
        #expect(collected.text == "héllo wörld")
        #expect(collected.finishReasons == [.stop])
    }

    @Test func unknownEventTypesAndCommentsAreIgnored() async throws {
        let body = ": keepalive\n\nevent: ping\ndata: {}\n\n" + "data: \(SSEScript.text("ok"))\n\n" + "data: [DONE]\n\n"
        let collected = try await withServer(responses: [.eventStream([.bytes(Array(body.utf8))])]) { server in
            try await using(try localClient(server)) { try await collect($0) }
        }
        #expect(collected.text == "ok")
        #expect(collected.finishReasons == [.stop], "a stream without finish_reason still finishes")
    }
}

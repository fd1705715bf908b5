import EventStream
import Testing
import Wire
import WorkflowCore

@Suite("OpenAI chunk decoder")
struct OpenAIChunkDecoderTests {
    @Test func llamaCppTextStream() throws {
        let input = try Capture.events("llamacpp_chat_stream_text.sse")
        var decoder = OpenAIChunkStreamDecoder()
        let run = Decoded(&decoder, input)
        #expect(run.isGapFree)
        #expect(run.warnings.isEmpty)
        let expected = try input.dropLast().reduce(into: "") { text, event in
            for choice in try JSONValue(parsing: event.data)["choices"]?.arrayValue ?? [] {
                text += choice["delta"]?["content"]?.stringValue ?? ""
            }
        }
        #expect(!expected.isEmpty)
        #expect(run.allText == expected)
        guard case let .runStarted(info) = run.kinds.first else { Issue.record("no runStarted"); return }
        #expect(info.model == "gemma-3-270m" && info.participants == ["gemma-3-270m"])
        #expect(run.agentsStarted == ["gemma-3-270m"])
        #expect(Array(run.kinds.suffix(3)) == [
            .agentCompleted(agent: "gemma-3-270m", usage: nil),
            .output(agent: "gemma-3-270m", text: expected),
            .runCompleted(finalAgent: "gemma-3-270m", usage: .zero, durationMs: Double(input.count - 1) * 1000),
        ])
        #expect(run.fromFinish.isEmpty)
    }

    @Test(arguments: ["llamacpp_chat_stream_tool_forced_fc.sse", "llamacpp_chat_stream_tool_forced_gemma.sse"])
    func llamaCppToolCallNamedOnce(_ name: String) throws {
        var decoder = OpenAIChunkStreamDecoder(agentName: "Researcher")
        let run = Decoded(&decoder, try Capture.events(name))
        #expect(run.isGapFree)
        #expect(run.warnings.isEmpty)
        #expect(run.toolCalls.count == 1)
        let call = try #require(run.toolCalls.first)
        #expect(call.tool == "get_weather" && call.agent == "Researcher")
        #expect(call.callId.hasPrefix("call__0_get_weather_"))
        let arguments = try JSONValue(parsing: run.arguments(of: call.callId))
        #expect(arguments["location"]?.stringValue?.hasPrefix("Seattle") == true)
        if case .runCompleted = run.kinds.last {} else { Issue.record("\(name) does not end in runCompleted") }
    }

    @Test func openAIStyleToolCallsMergedByIndexWithUsageAndAzureChunks() throws {
        var decoder = OpenAIChunkStreamDecoder(agentName: "Planner")
        let run = Decoded(&decoder, [
            sse(#"{"id":"","object":"","created":0,"model":"","choices":[],"prompt_filter_results":[{"prompt_index":0}]}"#),
            sse(#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null}}]}"#),
            sse(#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}"#),
            sse(#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{\"tz\""}}]}}]}"#),
            sse(#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"location\":"}}]}}]}"#),
            sse(#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"finish_reason":null,"content_filter_results":{}}]}"#),
            sse(#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":":\"UTC\"}"}},{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}"#),
            sse(#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#),
            sse(#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}"#),
            sse("[DONE]"),
        ])
        #expect(run.isGapFree)
        #expect(run.warnings.isEmpty)
        #expect(decoder.unknownEventCounts.isEmpty)
        #expect(run.toolCalls.map(\.tool) == ["get_weather", "get_time"])
        #expect(run.toolCalls.map(\.callId) == ["call_a", "call_b"])
        #expect(run.toolCalls.allSatisfy { $0.agent == "Planner" })
        #expect(run.arguments(of: "call_a") == #"{"location":"Paris"}"#)
        #expect(run.arguments(of: "call_b") == #"{"tz":"UTC"}"#)
        let usage = Usage(inputTokens: 12, outputTokens: 7)
        #expect(Array(run.kinds.suffix(3)) == [
            .agentCompleted(agent: "Planner", usage: usage),
            .output(agent: "Planner", text: ""),
            .runCompleted(finalAgent: "Planner", usage: usage, durationMs: 9000),
        ])
    }

    @Test func aStreamCutBeforeDoneFailsOnFinish() throws {
        let input = try Capture.events("llamacpp_chat_stream_text.sse")
        var decoder = OpenAIChunkStreamDecoder()
        let run = Decoded(&decoder, Array(input.prefix(10)))
        #expect(run.isGapFree)
        #expect(run.fromFinish.map(\.kind) == [.runFailed(error: "the stream ended before [DONE]", agent: "gemma-3-270m")])
    }

    @Test func anEmptyBodyIsAnError() throws {
        let input = try Capture.events("llamacpp_chat_stream_tool_auto_fc_EMPTY_BODY.sse")
        #expect(input.isEmpty)
        var decoder = OpenAIChunkStreamDecoder()
        let run = Decoded(&decoder, input)
        #expect(run.all.map(\.kind) == [.runFailed(error: "the stream ended before [DONE]", agent: nil)])
        #expect(run.isGapFree)
    }

    @Test func malformedChunkWarnsAndAnErrorObjectFails() {
        var decoder = OpenAIChunkStreamDecoder(agentName: "a")
        let run = Decoded(&decoder, [
            sse(#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#),
            sse(#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"#),
            sse(#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" there"}}]}"#),
            sse(#"{"error":{"message":"context length exceeded","type":"invalid_request_error"}}"#),
        ])
        #expect(run.isGapFree)
        #expect(run.warnings.count == 1 && run.warnings[0].hasPrefix("event 2: not JSON"))
        #expect(run.allText == "Hi there")
        #expect(run.kinds.last == .runFailed(error: "context length exceeded", agent: "a"))
        #expect(run.fromFinish.isEmpty)
    }
}

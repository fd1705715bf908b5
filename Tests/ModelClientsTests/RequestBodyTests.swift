import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import WorkflowCore

/// What the client puts on the wire, as the server recorded it.
@Suite struct RequestBodyTests {
    static let done = SSEScript.stream([SSEScript.finish("stop")])

    /// Sends `request` and returns the one request the server received.
    func send(_ request: ChatRequest, apiKey: String? = nil, model: String = "gemma-3-270m") async throws
        -> RecordedRequest
    {
        let requests = try await withServer(responses: [Self.done]) { server in
            _ = try await using(try localClient(server, model: model, apiKey: apiKey)) {
                try await collect($0, request)
            }
            return server.requests
        }
        try #require(requests.count == 1)
        return requests[0]
    }

    @Test func bodyCarriesModelMessagesToolsAndStreamOptions() async throws {
        let call = FunctionCall(callId: "call_1", name: "get_weather", arguments: #"{"location":"Seattle"}"#)
        let request = ChatRequest(
            agent: "Researcher",
            messages: [
                .system("You research."),
                .user("Weather in Seattle?"),
                ChatMessage(role: .assistant, author: "Researcher", contents: [.functionCall(call)]),
                ChatMessage(
                    role: .tool,
                    contents: [
                        .functionResult(FunctionResult(callId: "call_1", name: "get_weather", result: "Rain, 12°C"))
                    ]),
            ],
            tools: [weatherTool])
        let recorded = try await send(request)
        #expect(recorded.method == "POST")
        #expect(recorded.path == "/v1/chat/completions")
        #expect(recorded.header("Content-Type") == "application/json")
        #expect(recorded.header("Accept") == "text/event-stream")
        #expect(recorded.header("Authorization") == nil)

        let body = try JSONValue(parsing: recorded.bodyText)
        #expect(body["model"] == "gemma-3-270m")
        #expect(body["stream"] == true)
        #expect(body["stream_options"] == ["include_usage": true])
        #expect(
            body["tools"] == [
                [
                    "type": "function",
                    "function": [
                        "name": "get_weather", "description": "Current weather for a location",
                        "parameters": weatherTool.parameters,
                    ],
                ]
            ])
        #expect(
            body["messages"] == [
                ["role": "system", "content": "You research."],
                ["role": "user", "content": "Weather in Seattle?"],
                [
                    "role": "assistant", "content": "",
                    "tool_calls": [
                        [
                            "id": "call_1", "type": "function",
                            "function": ["name": "get_weather", "arguments": #"{"location":"Seattle"}"#],
                        ]
                    ],
                ],
                ["role": "tool", "tool_call_id": "call_1", "content": "Rain, 12°C"],
            ])
    }

    @Test func anotherAgentsTurnIsSentAsAttributedAssistantText() async throws {
        let call = FunctionCall(callId: "call_9", name: "search", arguments: #"{"q":"rain"}"#)
        let request = ChatRequest(
            agent: "Writer",
            messages: [
                .user("Write about Seattle rain."),
                ChatMessage(role: .assistant, author: "Researcher", contents: [.functionCall(call)]),
                ChatMessage(
                    role: .tool,
                    contents: [.functionResult(FunctionResult(callId: "call_9", name: "search", result: "150 days"))]),
                .assistant("Seattle has about 150 rainy days.", author: "Researcher"),
                .assistant("Draft: it rains.", author: "Writer"),
            ])
        let body = try JSONValue(parsing: try await send(request).bodyText)
        #expect(body["tools"] == nil, "no tools key without tools")
        #expect(
            body["messages"] == [
                ["role": "user", "content": "Write about Seattle rain."],
                ["role": "assistant", "content": #"[Researcher] called search({"q":"rain"})"#],
                ["role": "assistant", "content": "[Researcher] search returned: 150 days"],
                ["role": "assistant", "content": "[Researcher] Seattle has about 150 rainy days."],
                ["role": "assistant", "content": "Draft: it rains."],
            ])
    }

    @Test func failedToolResultIsMarkedAsAnError() async throws {
        let request = ChatRequest(
            agent: "A",
            messages: [
                ChatMessage(
                    role: .assistant, contents: [.functionCall(FunctionCall(callId: "c", name: "t", arguments: "{}"))]),
                ChatMessage(
                    role: .tool,
                    contents: [
                        .functionResult(FunctionResult(callId: "c", name: "t", result: "no such city", isError: true))
                    ]),
            ])
        let body = try JSONValue(parsing: try await send(request).bodyText)
        #expect(
            body["messages"]?.arrayValue?.last == [
                "role": "tool", "tool_call_id": "c", "content": "Error: no such city",
            ])
    }

    @Test func requestModelOverridesTheDefault() async throws {
        let request = ChatRequest(agent: "A", messages: [.user("hi")], model: "qwen2.5")
        let body = try JSONValue(parsing: try await send(request, model: "llama3.2").bodyText)
        #expect(body["model"] == "qwen2.5")
    }

    @Test func apiKeyIsSentAsBearerToken() async throws {
        let recorded = try await send(simpleRequest, apiKey: "local-key-123")
        #expect(recorded.header("Authorization") == "Bearer local-key-123")
    }
}

import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import WorkflowCore

/// Runs `body` with a started loopback server, shutting it down afterwards whatever happens.
func withServer<T>(
    _ handler: @escaping LoopbackServer.Handler, _ body: (LoopbackServer) async throws -> T
) async throws -> T {
    let server = LoopbackServer(handler: handler)
    try await server.start()
    do {
        let result = try await body(server)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

func withServer<T>(responses: [ScriptedResponse], _ body: (LoopbackServer) async throws -> T) async throws -> T {
    try await withServer({ request in responses[min(request.sequenceNumber, responses.count - 1)] }, body)
}

/// Runs `body` with `client`, shutting it down afterwards whatever happens.
func using<T>(_ client: OpenAIChatClient, _ body: (OpenAIChatClient) async throws -> T) async throws -> T {
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try await client.shutdown()
        throw error
    }
}

/// Retries quickly, so retry tests take milliseconds unless they test a server-requested wait.
let quickRetries = RetryPolicy(maxRetries: 2, initialDelay: .milliseconds(10), maxDelay: .seconds(5), jitter: 0)

/// A llama.cpp-style client for `server` (`<base>/v1/chat/completions`, no credential).
func localClient(
    _ server: LoopbackServer, provider: ProviderChoice = .llamacpp, model: String = "gemma-3-270m",
    apiKey: String? = nil, retryPolicy: RetryPolicy = .never, timeouts: ChatTimeouts = .default,
    clock: any Clock<Duration> = ContinuousClock()
) throws -> OpenAIChatClient {
    let options = ProviderOptions(provider: provider, model: model, baseURL: server.baseURL + "/v1", apiKey: apiKey)
    let settings = try #require(try ProviderSettings.resolve(options, environment: [:]))
    return OpenAIChatClient(settings: settings, retryPolicy: retryPolicy, timeouts: timeouts, clock: clock)
}

let weatherTool = ToolDefinition(
    name: "get_weather", description: "Current weather for a location",
    parameters: [
        "type": "object", "properties": ["location": ["type": "string"]], "required": ["location"],
    ])

let simpleRequest = ChatRequest(agent: "Writer", messages: [.user("Write one sentence about Seattle.")])

/// Everything a response streamed, with tool-call fragments merged by index the way an agent loop does it:
/// id and name fragments are appended, so a server (or client) that repeats them shows up as a doubled name.
struct CollectedResponse {
    var updates: [ChatUpdate] = []
    var text = ""
    var toolCalls: [Int: (callId: String, name: String, arguments: String)] = [:]
    var usage: [Usage] = []
    var finishReasons: [FinishReason] = []

    mutating func add(_ update: ChatUpdate) {
        updates.append(update)
        switch update {
        case let .textDelta(delta):
            text += delta
        case let .toolCallDelta(delta):
            var call = toolCalls[delta.index] ?? ("", "", "")
            call.callId += delta.callId ?? ""
            call.name += delta.name ?? ""
            call.arguments += delta.argumentsDelta
            toolCalls[delta.index] = call
        case let .usage(usage):
            self.usage.append(usage)
        case let .finished(reason):
            finishReasons.append(reason)
        }
    }
}

func collect(_ client: OpenAIChatClient, _ request: ChatRequest = simpleRequest) async throws -> CollectedResponse {
    var collected = CollectedResponse()
    try await client.streamResponse(request) { collected.add($0) }
    return collected
}

/// The `ChatClientError` that `body` throws; records an issue and returns nil when it throws something else or
/// nothing.
func chatError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> ChatClientError? {
    do {
        try await body()
        Issue.record("expected a ChatClientError, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as ChatClientError {
        return error
    } catch {
        Issue.record("expected a ChatClientError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

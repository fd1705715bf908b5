import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import WorkflowCore

/// How each provider receives the cap and the sampling settings (the README's table), as the server recorded it.
@Suite struct GenerationRequestTests {
    static let all = GenerationSettings(maxTokens: 400, temperature: 0.7, topP: 0.9, seed: 42, stop: ["END"])

    /// The JSON body `provider` sends for a request with `generation`, to the loopback server.
    func body(_ provider: ProviderKind, model: String, _ generation: GenerationSettings = Self.all) async throws -> JSONValue {
        let requests = try await withServer(responses: [RequestBodyTests.done]) { server in
            let settings = ProviderSettings(
                provider: provider, model: model,
                route: .chatCompletions(URL(string: server.baseURL + "/v1/chat/completions")!), credential: .none)
            let request = ChatRequest(agent: "Writer", messages: [.user("hi")], generation: generation)
            _ = try await using(OpenAIChatClient(settings: settings, retryPolicy: .never)) { try await collect($0, request) }
            return server.requests
        }
        try #require(requests.count == 1)
        return try JSONValue(parsing: requests[0].bodyText)
    }

    @Test(arguments: [ProviderKind.llamacpp, .ollama, .vllm, .openaiCompatible])
    func localServersGetMaxTokensAndEverySamplingSetting(provider: ProviderKind) async throws {
        let body = try await body(provider, model: "gemma-3-270m")
        #expect(body["max_tokens"] == 400)
        #expect(body["max_completion_tokens"] == nil)
        #expect(body["temperature"] == .number(0.7))
        #expect(body["top_p"] == .number(0.9))
        #expect(body["seed"] == 42)
        #expect(body["stop"] == ["END"])
    }

    @Test func openAIGetsMaxCompletionTokensAndSampling() async throws {
        let body = try await body(.openai, model: "gpt-4o-mini")
        #expect(body["max_completion_tokens"] == 400)
        #expect(body["max_tokens"] == nil)
        #expect(body["temperature"] == .number(0.7))
        #expect(body["top_p"] == .number(0.9))
        #expect(body["stop"] == ["END"])
    }

    @Test(arguments: ["o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5.1"])
    func openAIReasoningModelsGetOnlyTheCapAndSeed(model: String) async throws {
        let body = try await body(.openai, model: model)
        #expect(body["max_completion_tokens"] == 400)
        #expect(body["max_tokens"] == nil)
        #expect(body["seed"] == 42)
        #expect(body["temperature"] == nil)
        #expect(body["top_p"] == nil)
        #expect(body["stop"] == nil)
    }

    @Test func azureDeploymentsGetMaxTokens() async throws {
        let body = try await body(.azure, model: "gpt-4o-mini")
        #expect(body["max_tokens"] == 400)
        #expect(body["max_completion_tokens"] == nil)
        #expect(body["temperature"] == .number(0.7))
    }

    @Test func azureReasoningDeploymentsGetMaxCompletionTokensWithoutSampling() async throws {
        let body = try await body(.azure, model: "o3-mini")
        #expect(body["max_completion_tokens"] == 400)
        #expect(body["max_tokens"] == nil)
        #expect(body["temperature"] == nil)
    }

    @Test(arguments: ProviderKind.allCases)
    func unsetSettingsAreNotSent(provider: ProviderKind) async throws {
        let body = try await body(provider, model: "gpt-4o-mini", .providerDefaults)
        for key in ["max_tokens", "max_completion_tokens", "temperature", "top_p", "seed", "stop"] {
            #expect(body[key] == nil, "\(key) sent to \(provider)")
        }
    }

    @Test func aModelThatOnlyContainsAReasoningNameIsNotOne() async throws {
        let body = try await body(.openai, model: "gpt-4o")
        #expect(body["temperature"] == .number(0.7))
    }
}

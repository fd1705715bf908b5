import Foundation
import LoopbackHTTP
import HTTPExchange
import ModelClients
import Testing
import WorkflowCore

/// Keys must not leak into descriptions, errors or dumps, even when a server echoes them back.
@Suite struct SecretTests {
    static let key = "sk-proj-VERYSECRET0123456789"

    @Test func settingsAndDescriptionsNeverShowTheKey() throws {
        let options = ProviderOptions(provider: .openai, apiKey: Self.key)
        let settings = try #require(try ProviderSettings.resolve(options, environment: [:]))
        var dumped = ""
        dump(settings, to: &dumped)
        dump(options, to: &dumped)
        for text in [
            dumped, String(describing: settings), String(reflecting: settings), String(describing: options),
            settings.modelDescription.description, "\(Secret(Self.key))",
        ] {
            #expect(!text.contains("VERYSECRET"), "leaked in: \(text)")
        }
    }

    @Test func credentialsInABaseURLAreRedactedFromDescriptionsAndErrors() async throws {
        let error = try await withServer(responses: [.json(status: 403, #"{"error":{"message":"denied"}}"#)]) {
            server in
            let base =
                server.baseURL.replacingOccurrences(of: "http://", with: "http://user:\(Self.key)@")
                + "/v1?api-key=\(Self.key)&tenant=t1"
            let settings = try #require(
                try ProviderSettings.resolve(
                    ProviderOptions(provider: .openaiCompatible, model: "m", baseURL: base), environment: [:]))
            #expect(!settings.modelDescription.description.contains("VERYSECRET"))
            #expect(settings.modelDescription.endpoint?.contains("api-key=REDACTED&tenant=t1") == true)
            return try await using(OpenAIChatClient(settings: settings)) { client in
                await chatError { _ = try await collect(client) }
            }
        }
        let failure = try #require(error)
        #expect(failure.status == 403)
        #expect(!failure.description.contains("VERYSECRET"))
    }

    @Test func aKeyEchoedByTheServerIsScrubbedFromTheError() async throws {
        let echo = ScriptedResponse.json(
            status: 401, #"{"error":{"message":"Incorrect API key provided: \#(Self.key). Check it."}}"#)
        let (error, authorization) = try await withServer(responses: [echo]) { server in
            let error = try await using(try localClient(server, provider: .vllm, apiKey: Self.key)) { client in
                await chatError { _ = try await collect(client) }
            }
            return (error, server.requests.first?.header("Authorization"))
        }
        #expect(authorization == "Bearer \(Self.key)", "the key is sent")
        let failure = try #require(error)
        #expect(failure.message.contains("Incorrect API key provided: <redacted>. Check it."))
        #expect(!failure.description.contains("VERYSECRET"))
    }

    @Test func missingKeyErrorsDoNotQuoteOtherSecrets() {
        do {
            _ = try ProviderSettings.resolve(
                ProviderOptions(provider: .azure),
                environment: ["AZURE_OPENAI_API_KEY": Self.key, "AZURE_OPENAI_ENDPOINT": "https://r.openai.azure.com"])
            Issue.record("expected a configuration error")
        } catch {
            #expect(!"\(error)".contains("VERYSECRET"))
        }
    }
}

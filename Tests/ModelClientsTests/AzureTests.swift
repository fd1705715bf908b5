import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import WorkflowCore

/// Azure OpenAI's URL forms and credentials, against the loopback server standing in for the resource.
@Suite struct AzureTests {
    static let done = SSEScript.stream([SSEScript.text("ok"), SSEScript.finish("stop")])

    func send(environment: [String: String], request: ChatRequest = simpleRequest) async throws -> RecordedRequest {
        let requests = try await withServer(responses: [Self.done]) { server in
            var environment = environment
            environment["AZURE_OPENAI_ENDPOINT"] = environment["AZURE_OPENAI_ENDPOINT"].map { server.baseURL + $0 }
            let client = try #require(
                try await OpenAIChatClient.configured(options: ProviderOptions(), environment: environment))
            #expect(client.model.provider == "azure")
            _ = try await using(client) { try await collect($0, request) }
            return server.requests
        }
        try #require(requests.count == 1)
        return requests[0]
    }

    @Test func deploymentsFormWithApiKeyHeader() async throws {
        let recorded = try await send(environment: [
            "AZURE_OPENAI_ENDPOINT": "/", "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "gpt-4o-mini",
            "AZURE_OPENAI_API_KEY": "azure-key-abcdef",
        ])
        #expect(recorded.path == "/openai/deployments/gpt-4o-mini/chat/completions")
        #expect(recorded.query == "api-version=2024-10-21")
        #expect(recorded.header("api-key") == "azure-key-abcdef")
        #expect(recorded.header("Authorization") == nil)
    }

    @Test func apiVersionFromTheEnvironmentAndModelOverrideChoosesTheDeployment() async throws {
        let recorded = try await send(
            environment: [
                "AZURE_OPENAI_ENDPOINT": "", "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "gpt-4o-mini",
                "AZURE_OPENAI_API_KEY": "azure-key-abcdef", "AZURE_OPENAI_API_VERSION": "2025-01-01-preview",
            ],
            request: ChatRequest(agent: "A", messages: [.user("hi")], model: "o3-mini"))
        #expect(recorded.path == "/openai/deployments/o3-mini/chat/completions")
        #expect(recorded.query == "api-version=2025-01-01-preview")
    }

    @Test func v1FormSendsTheDeploymentAsModel() async throws {
        let recorded = try await send(environment: [
            "AZURE_OPENAI_ENDPOINT": "/openai/v1/", "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "gpt-4o-mini",
            "AZURE_OPENAI_API_KEY": "azure-key-abcdef",
        ])
        #expect(recorded.path == "/openai/v1/chat/completions")
        #expect(recorded.query == nil)
        #expect(try JSONValue(parsing: recorded.bodyText)["model"] == "gpt-4o-mini")
    }

    /// A stand-in `az` in a directory that becomes the whole `PATH`.
    static func fakeAzureCLI(script: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-az-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let az = directory.appendingPathComponent("az")
        try ("#!/bin/sh\n" + script).write(to: az, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: az.path)
        return directory
    }

    @Test func withoutAKeyTheAzureCLITokenIsSentAsBearer() async throws {
        let directory = try Self.fakeAzureCLI(
            script: """
                [ "$*" = "account get-access-token --resource https://cognitiveservices.azure.com --query accessToken -o tsv" ] || exit 3
                echo "eyJ0eXAi.fake-token"
                """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let recorded = try await send(environment: [
            "AZURE_OPENAI_ENDPOINT": "", "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "gpt-4o", "PATH": directory.path,
        ])
        #expect(recorded.header("Authorization") == "Bearer eyJ0eXAi.fake-token")
        #expect(recorded.header("api-key") == nil)
    }

    @Test func failingAzureCLIIsAConfigurationErrorQuotingIt() async throws {
        let directory = try Self.fakeAzureCLI(
            script: "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = [
            "AZURE_OPENAI_ENDPOINT": "https://example.openai.azure.com", "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "gpt-4o",
            "PATH": directory.path,
        ]
        let error = await chatError {
            _ = try await OpenAIChatClient.configured(options: ProviderOptions(), environment: environment)
        }
        #expect(error?.kind == .configuration)
        #expect(error?.provider == "azure")
        #expect(error?.message.contains("exit status 1") == true)
        #expect(error?.message.contains("Please run 'az login'") == true)
    }

    @Test func missingAzureCLIIsAConfigurationError() async throws {
        let environment = [
            "AZURE_OPENAI_ENDPOINT": "https://example.openai.azure.com", "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "gpt-4o",
            "PATH": "/nonexistent-flowtop-dir",
        ]
        let error = await chatError {
            _ = try await OpenAIChatClient.configured(options: ProviderOptions(), environment: environment)
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("AZURE_OPENAI_API_KEY is not set") == true)
        #expect(error?.message.contains("Azure CLI (az) is not on PATH") == true)
    }
}

import Foundation
import ModelClients
import Testing
import WorkflowCore

/// Choosing a provider from flags, the environment and `local.settings.json`.
@Suite struct ProviderResolutionTests {
    func resolve(_ options: ProviderOptions, _ environment: [String: String]) throws -> ProviderSettings? {
        try ProviderSettings.resolve(options, environment: environment)
    }

    func resolve(_ environment: [String: String]) throws -> ProviderSettings? {
        try resolve(ProviderOptions(), environment)
    }

    func configurationError(_ environment: [String: String]) -> ChatClientError? {
        configurationError(ProviderOptions(), environment)
    }

    func configurationError(_ options: ProviderOptions, _ environment: [String: String]) -> ChatClientError? {
        do {
            _ = try resolve(options, environment)
        } catch let error as ChatClientError {
            #expect(error.kind == .configuration)
            return error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    @Test func nothingConfiguredMeansTheScriptedModel() throws {
        #expect(try resolve([:]) == nil)
        #expect(try resolve(["OPENAI_API_KEY": "", "AZURE_OPENAI_ENDPOINT": "  "]) == nil, "empty values are unset")
        #expect(try resolve(ProviderOptions(provider: .scripted), ["OPENAI_API_KEY": "sk-x"]) == nil)
    }

    @Test func openAIFromTheEnvironmentWithDefaults() throws {
        let settings = try #require(try resolve(["OPENAI_API_KEY": "sk-env-secret-1"]))
        #expect(settings.provider == .openai)
        #expect(settings.model == "gpt-4o-mini")
        #expect(settings.route == .chatCompletions(URL(string: "https://api.openai.com/v1/chat/completions")!))
        #expect(
            settings.modelDescription
                == ModelDescription(
                    provider: "openai", model: "gpt-4o-mini", endpoint: "https://api.openai.com/v1/chat/completions"))
    }

    @Test func flagsWinOverTheEnvironment() throws {
        let environment = [
            "OPENAI_API_KEY": "sk-env", "OPENAI_MODEL": "gpt-4.1", "OPENAI_BASE_URL": "https://proxy.example/v1",
        ]
        let fromEnvironment = try #require(try resolve(environment))
        #expect(fromEnvironment.model == "gpt-4.1")
        #expect(fromEnvironment.route.url(forModel: "x").absoluteString == "https://proxy.example/v1/chat/completions")

        let options = ProviderOptions(model: "o4-mini", baseURL: "https://other.example/api/", apiKey: "sk-flag")
        let fromFlags = try #require(try resolve(options, environment))
        #expect(fromFlags.model == "o4-mini")
        #expect(fromFlags.route.url(forModel: "x").absoluteString == "https://other.example/api/chat/completions")
        guard case let .bearerToken(key) = fromFlags.credential else {
            Issue.record("expected a bearer token")
            return
        }
        #expect(key.value == "sk-flag")
    }

    @Test func azureIsDetectedBeforeOpenAI() throws {
        let environment = [
            "OPENAI_API_KEY": "sk-env", "AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com/",
            "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "gpt-4o", "AZURE_OPENAI_API_KEY": "az-key",
        ]
        let settings = try #require(try resolve(environment))
        #expect(settings.provider == .azure)
        #expect(settings.model == "gpt-4o")
        #expect(
            settings.route.url(forModel: "gpt-4o").absoluteString
                == "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21")
        #expect(try resolve(ProviderOptions(provider: .openai), environment)?.provider == .openai)
    }

    @Test func localProvidersUseTheirDefaultURLs() throws {
        let expectations: [(String, String)] = [
            ("ollama", "http://localhost:11434/v1/chat/completions"),
            ("llamacpp", "http://localhost:8080/v1/chat/completions"),
            ("vllm", "http://localhost:8000/v1/chat/completions"),
        ]
        for (provider, url) in expectations {
            let settings = try #require(try resolve(ProviderOptions(provider: ProviderChoice(rawValue: provider), model: "m"), [:]))
            #expect(settings.route.url(forModel: "m").absoluteString == url)
            #expect(settings.modelDescription.provider == provider)
        }
        let ollama = try #require(
            try resolve(
                ProviderOptions(provider: .ollama),
                ["OLLAMA_MODEL": "llama3.2", "OLLAMA_BASE_URL": "http://gpu:11434/v1"]))
        #expect(ollama.model == "llama3.2")
        #expect(ollama.route.url(forModel: "m").absoluteString == "http://gpu:11434/v1/chat/completions")
        #expect(try resolve(ProviderOptions(provider: .llamacpp), [:])?.model == "default")
    }

    @Test func missingSettingsAreNamed() throws {
        #expect(
            configurationError(ProviderOptions(provider: .openai), [:])?.description
                == "openai: OPENAI_API_KEY is not set (or pass --api-key)")
        #expect(
            configurationError(ProviderOptions(provider: .azure), [:])?.description
                == "azure: AZURE_OPENAI_ENDPOINT is not set (or pass --base-url)")
        #expect(
            configurationError(["AZURE_OPENAI_ENDPOINT": "https://r.openai.azure.com"])?.description
                == "azure: AZURE_OPENAI_CHAT_DEPLOYMENT_NAME is not set (or pass --model)")
        #expect(
            configurationError(ProviderOptions(provider: .openaiCompatible, model: "m"), [:])?.description
                == "openai-compatible: no base URL; pass --base-url or set OPENAI_COMPATIBLE_BASE_URL")
        #expect(
            configurationError(ProviderOptions(provider: .vllm), [:])?.description
                == "vllm: no model; pass --model or set VLLM_MODEL")
        #expect(configurationError(ProviderOptions(model: "gpt-4o"), [:])?.message.contains("pass --provider") == true)
    }

    @Test func badBaseURLNamesItsSourceButNotItsValue() throws {
        let error = configurationError(
            ProviderOptions(provider: .openai), ["OPENAI_API_KEY": "sk-1", "OPENAI_BASE_URL": "ftp://sk-leaky@host"])
        #expect(error?.message == "the base URL from OPENAI_BASE_URL is not an http(s) URL with a host")
    }

    @Test func localSettingsFileFillsWhatTheEnvironmentLacks() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "local.settings-\(UUID().uuidString).json")
        try #"""
        {
          "IsEncrypted": false,
          "Values": {
            "AzureWebJobsStorage": "UseDevelopmentStorage=true",
            "FUNCTIONS_WORKER_RUNTIME": "python",
            "AZURE_OPENAI_ENDPOINT": "https://sample.openai.azure.com/",
            "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "gpt-4o-mini",
            "AZURE_OPENAI_API_KEY": "from-file-key",
            "RETRIES": 3
          }
        }
        """#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let values = try LocalSettingsFile.values(at: file)
        #expect(values["FUNCTIONS_WORKER_RUNTIME"] == "python")
        #expect(values["RETRIES"] == "3")

        let merged = try LocalSettingsFile.environment(
            ["AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "from-env", "AZURE_OPENAI_API_KEY": ""], addingValuesFrom: file)
        #expect(merged["AZURE_OPENAI_CHAT_DEPLOYMENT_NAME"] == "from-env", "the environment wins")
        #expect(merged["AZURE_OPENAI_API_KEY"] == "from-file-key", "an empty variable counts as unset")

        let client = try #require(
            try await OpenAIChatClient.configured(
                options: ProviderOptions(), environment: ["AZURE_OPENAI_CHAT_DEPLOYMENT_NAME": "gpt-4o"],
                settingsFile: file))
        try await client.shutdown()
        #expect(
            client.model
                == ModelDescription(
                    provider: "azure", model: "gpt-4o",
                    endpoint:
                        "https://sample.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
                ))

        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID().uuidString).json")
        #expect(try LocalSettingsFile.environment(["A": "1"], addingValuesFrom: missing) == ["A": "1"])
    }

    @Test func malformedOrEncryptedSettingsFileIsAnError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "local.settings-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try "{ \"Values\": { ".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ChatClientError.self) { try LocalSettingsFile.environment([:], addingValuesFrom: file) }
        do {
            _ = try LocalSettingsFile.values(at: file)
        } catch let error as ChatClientError {
            #expect(error.kind == .configuration)
            #expect(error.message.contains("is not valid JSON"))
            #expect(error.message.contains(file.lastPathComponent))
        }
        try #"{"IsEncrypted": true, "Values": {"K": "ZW5jcnlwdGVk"}}"#.write(
            to: file, atomically: true, encoding: .utf8)
        #expect(throws: ChatClientError.self) { try LocalSettingsFile.values(at: file) }
    }
}

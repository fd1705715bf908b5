import Foundation
import HTTPExchange
import WorkflowCore

extension ProviderSettings {
    /// Resolves the provider from command-line options and the environment (flags win over variables, variables
    /// over defaults).
    ///
    /// Without `--provider`, Azure is chosen when `AZURE_OPENAI_ENDPOINT` is set, else OpenAI when `OPENAI_API_KEY`
    /// is set, else nothing. Local servers (`ollama`, `llamacpp`, `vllm`, `openai-compatible`) are only used when
    /// named; their variables are `<PREFIX>_BASE_URL`, `<PREFIX>_MODEL` and `<PREFIX>_API_KEY` with the prefixes
    /// `OLLAMA`, `LLAMACPP`, `VLLM` and `OPENAI_COMPATIBLE`.
    ///
    /// An Azure configuration without a key gets an `AzureCLICredential`, which runs `az` on first use only.
    ///
    /// - Returns: nil when no model is configured (or `--provider scripted`): use the scripted model.
    /// - Throws: `ChatClientError` of kind `.configuration` naming what is missing.
    public static func resolve(_ options: ProviderOptions, environment: [String: String]) throws -> ProviderSettings? {
        let settings = SettingSources(options: options, environment: environment)
        let kind: ProviderKind
        if let choice = options.provider {
            guard let named = choice.kind else { return nil }  // the scripted model
            kind = named
        } else if settings.environment("AZURE_OPENAI_ENDPOINT") != nil {
            kind = .azure
        } else if settings.environment("OPENAI_API_KEY") != nil {
            kind = .openai
        } else if options.namesAnySetting {
            throw ChatClientError(
                kind: .configuration, provider: "flowtop",
                message: "--model, --base-url or --api-key was given but no provider is configured; "
                    + "pass --provider (\(ProviderKind.choices)) or set AZURE_OPENAI_ENDPOINT or OPENAI_API_KEY")
        } else {
            return nil
        }
        switch kind {
        case .openai: return try openAI(settings)
        case .azure: return try azure(settings)
        case .ollama, .llamacpp, .vllm, .openaiCompatible: return try local(kind, settings)
        }
    }

    private static func openAI(_ settings: SettingSources) throws -> ProviderSettings {
        guard let key = settings.apiKey(environmentKey: "OPENAI_API_KEY") else {
            throw missing(.openai, "OPENAI_API_KEY is not set (or pass --api-key)")
        }
        let base =
            settings.baseURL(environmentKey: "OPENAI_BASE_URL")
            ?? Setting(value: "https://api.openai.com/v1", source: "the default")
        return ProviderSettings(
            provider: .openai,
            model: settings.model(environmentKey: "OPENAI_MODEL")?.value ?? "gpt-4o-mini",
            route: .chatCompletions(ChatRoute.appendingChatCompletions(to: try httpURL(base, for: .openai))),
            credential: .bearerToken(key))
    }

    private static func azure(_ settings: SettingSources) throws -> ProviderSettings {
        guard let endpointSetting = settings.baseURL(environmentKey: "AZURE_OPENAI_ENDPOINT") else {
            throw missing(.azure, "AZURE_OPENAI_ENDPOINT is not set (or pass --base-url)")
        }
        guard let deployment = settings.model(environmentKey: "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME") else {
            throw missing(.azure, "AZURE_OPENAI_CHAT_DEPLOYMENT_NAME is not set (or pass --model)")
        }
        let endpoint = try httpURL(endpointSetting, for: .azure)
        let route: ChatRoute
        if endpoint.path.trimmingTrailingSlashes.lowercased().hasSuffix("/openai/v1") {
            route = .chatCompletions(ChatRoute.appendingChatCompletions(to: endpoint))
        } else {
            let version = settings.environment("AZURE_OPENAI_API_VERSION") ?? "2024-10-21"
            route = .azureDeployment(endpoint: endpoint, apiVersion: version)
        }
        let credential: ChatCredential =
            if let key = settings.apiKey(environmentKey: "AZURE_OPENAI_API_KEY") {
                .apiKeyHeader(key)
            } else {
                .accessToken(AzureCLICredential(environment: settings.allEnvironment))
            }
        return ProviderSettings(provider: .azure, model: deployment.value, route: route, credential: credential)
    }

    private static func local(_ kind: ProviderKind, _ settings: SettingSources) throws -> ProviderSettings {
        let prefix = kind.environmentPrefix
        guard
            let base = settings.baseURL(environmentKey: "\(prefix)_BASE_URL")
                ?? kind.defaultLocalBaseURL.map({ Setting(value: $0, source: "the default") })
        else {
            throw missing(kind, "no base URL; pass --base-url or set \(prefix)_BASE_URL")
        }
        // llama.cpp serves the model it loaded whatever name a request gives; the others need the right name.
        let model = settings.model(environmentKey: "\(prefix)_MODEL")?.value ?? (kind == .llamacpp ? "default" : nil)
        guard let model else { throw missing(kind, "no model; pass --model or set \(prefix)_MODEL") }
        let credential: ChatCredential =
            settings.apiKey(environmentKey: "\(prefix)_API_KEY").map { .bearerToken($0) }
            ?? .none
        return ProviderSettings(
            provider: kind, model: model,
            route: .chatCompletions(ChatRoute.appendingChatCompletions(to: try httpURL(base, for: kind))),
            credential: credential)
    }

    /// `setting` as an absolute http(s) URL with a host; the message names where the bad value came from and never
    /// repeats it whole (a URL may carry credentials).
    private static func httpURL(_ setting: Setting, for kind: ProviderKind) throws -> URL {
        guard let components = URLComponents(string: setting.value.trimmingCharacters(in: .whitespaces)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty, let url = components.url
        else {
            throw missing(kind, "the base URL from \(setting.source) is not an http(s) URL with a host")
        }
        return url
    }

    private static func missing(_ kind: ProviderKind, _ message: String) -> ChatClientError {
        ChatClientError(kind: .configuration, provider: kind.rawValue, message: message)
    }
}

/// A setting's value and where it came from (`--base-url`, `OPENAI_BASE_URL`, `the default`), for error messages.
struct Setting {
    var value: String
    var source: String
}

/// Looks settings up flag first, then environment; empty values count as unset.
struct SettingSources {
    let options: ProviderOptions
    let allEnvironment: [String: String]

    init(options: ProviderOptions, environment: [String: String]) {
        self.options = options
        self.allEnvironment = environment
    }

    func environment(_ key: String) -> String? {
        allEnvironment[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    func baseURL(environmentKey: String) -> Setting? {
        pick(options.baseURL, flag: "--base-url", environmentKey: environmentKey)
    }

    func model(environmentKey: String) -> Setting? {
        pick(options.model, flag: "--model", environmentKey: environmentKey)
    }

    func apiKey(environmentKey: String) -> Secret? {
        if let key = options.apiKey, !key.value.isEmpty { return key }
        return environment(environmentKey).map { Secret($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private func pick(_ flagValue: String?, flag: String, environmentKey: String) -> Setting? {
        if let flagValue, !flagValue.trimmingCharacters(in: .whitespaces).isEmpty {
            return Setting(value: flagValue, source: flag)
        }
        return environment(environmentKey).map { Setting(value: $0, source: environmentKey) }
    }
}

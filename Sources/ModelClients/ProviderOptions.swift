import HTTPExchange
/// What the person chose on the command line (`--provider`, `--model`, `--base-url`, `--api-key`). Each field left
/// nil falls back to the environment, then to the provider's default; a set field always wins.
public struct ProviderOptions: Sendable, Hashable {
    /// A provider, or the offline scripted model; nil to detect from the environment.
    public var provider: ProviderChoice?
    /// The model (for Azure: the deployment name).
    public var model: String?
    /// The API base URL (`…/v1`); for Azure, the resource endpoint.
    public var baseURL: String?
    public var apiKey: Secret?

    public init(provider: ProviderChoice? = nil, model: String? = nil, baseURL: String? = nil, apiKey: String? = nil) {
        self.provider = provider
        self.model = model
        self.baseURL = baseURL
        self.apiKey = apiKey.map(Secret.init)
    }

    /// Whether any model flag beyond `--provider` was given.
    var namesAnySetting: Bool { model != nil || baseURL != nil || apiKey != nil }
}

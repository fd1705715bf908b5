/// How a model should generate: the cap on its answer, sampling, and where to stop. Every setting is optional;
/// an unset one is not sent, so the provider's own default applies.
///
/// Settings come in layers (an agent's own values, the command line, a workflow's `defaults:`); `filling(from:)`
/// combines two layers, the receiver winning.
public struct GenerationSettings: Sendable, Hashable {
    /// The most tokens one response may have (`max_tokens`, or `max_completion_tokens` for OpenAI).
    public var maxTokens: Int?
    /// 0…2.
    public var temperature: Double?
    /// 0…1.
    public var topP: Double?
    public var seed: Int?
    /// Up to four sequences that end the response.
    public var stop: [String]?

    public init(maxTokens: Int? = nil, temperature: Double? = nil, topP: Double? = nil, seed: Int? = nil, stop: [String]? = nil) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
        self.stop = stop
    }

    /// Nothing set: every provider default applies.
    public static let providerDefaults = GenerationSettings()

    /// These settings, with each one left unset taken from `fallback`.
    public func filling(from fallback: GenerationSettings) -> GenerationSettings {
        GenerationSettings(
            maxTokens: maxTokens ?? fallback.maxTokens, temperature: temperature ?? fallback.temperature,
            topP: topP ?? fallback.topP, seed: seed ?? fallback.seed, stop: stop ?? fallback.stop)
    }

    /// The ranges workflow files and flags are checked against (what providers accept).
    public static let maxTokensRange = 1...1_000_000
    public static let temperatureRange = 0.0...2.0
    public static let topPRange = 0.0...1.0
    public static let maxStopSequences = 4
}

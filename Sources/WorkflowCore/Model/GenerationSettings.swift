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

/// What part an agent's call plays in its workflow, so an in-process model (the scripted one) can act its role
/// from structure rather than by reading prompts meant for real models.
public enum TurnContext: Sendable, Hashable {
    /// An ordinary turn.
    case participant
    /// A group chat's manager choosing the next speaker from `participants` (or ending the chat).
    case manager(participants: [String])
    /// A handoff workflow's turn: the agents this one may hand off to, by name, with what each does. The tool
    /// for a target is `HandoffWorkflow.toolName(for:)`.
    case handoff(targets: [String: String])
}

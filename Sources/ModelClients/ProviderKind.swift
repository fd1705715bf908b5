/// The model providers flowtop can talk to; all speak OpenAI's chat-completions protocol.
public enum ProviderKind: String, Sendable, Hashable, CaseIterable {
    case openai
    case azure
    case ollama
    case llamacpp
    case vllm
    case openaiCompatible = "openai-compatible"

    /// Where a local server listens by default; nil when the URL must be given (or, for OpenAI, is fixed).
    var defaultLocalBaseURL: String? {
        switch self {
        case .ollama: "http://localhost:11434/v1"
        case .llamacpp: "http://localhost:8080/v1"
        case .vllm: "http://localhost:8000/v1"
        case .openai, .azure, .openaiCompatible: nil
        }
    }

    /// The prefix of a local provider's own variables (`OLLAMA_BASE_URL`, `VLLM_MODEL`, `LLAMACPP_API_KEY`, …).
    var environmentPrefix: String {
        switch self {
        case .openai: "OPENAI"
        case .azure: "AZURE_OPENAI"
        case .ollama: "OLLAMA"
        case .llamacpp: "LLAMACPP"
        case .vllm: "VLLM"
        case .openaiCompatible: "OPENAI_COMPATIBLE"
        }
    }

    /// The provider names, for error messages.
    static var choices: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What `--provider` names: a provider of the chat-completions protocol, or flowtop's offline scripted model.
public enum ProviderChoice: String, Sendable, Hashable, CaseIterable {
    case openai, azure, ollama, llamacpp, vllm
    case openaiCompatible = "openai-compatible"
    case scripted

    /// The protocol provider, nil for the scripted model.
    public var kind: ProviderKind? { ProviderKind(rawValue: rawValue) }
}

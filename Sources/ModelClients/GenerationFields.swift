import WorkflowCore

/// How each provider wants the generation settings (README, "Models"):
///
/// - OpenAI: the cap as `max_completion_tokens` (its current name; `max_tokens` is deprecated there and refused by
///   the reasoning models). Its reasoning models (o1, o3, o4-mini, gpt-5 families) also refuse a `temperature`,
///   `top_p` or `stop` other than their defaults, so those are not sent to them.
/// - Azure OpenAI: the deployment name is all we know of the model; one that names a reasoning model is treated as
///   above, any other gets `max_tokens`, which every API version accepts.
/// - Ollama, llama.cpp, vLLM and other compatible servers: `max_tokens` (the name they all read; llama.cpp does not
///   know `max_completion_tokens`), and every sampling setting as given.
struct GenerationFields {
    let provider: ProviderKind
    let model: String

    /// OpenAI's reasoning families, by model (or Azure deployment) name.
    var isReasoningModel: Bool {
        let name = model.lowercased().split(separator: "/").last.map(String.init) ?? ""
        return ["o1", "o3", "o4", "gpt-5"].contains { family in
            name == family || name.hasPrefix(family + "-") || name.hasPrefix(family + ".")
        }
    }

    func add(_ settings: GenerationSettings, to body: inout [String: JSONValue]) {
        let reasoning = (provider == .openai || provider == .azure) && isReasoningModel
        if let maxTokens = settings.maxTokens {
            let key = provider == .openai || reasoning ? "max_completion_tokens" : "max_tokens"
            body[key] = .number(Double(maxTokens))
        }
        if let seed = settings.seed { body["seed"] = .number(Double(seed)) }
        guard !reasoning else { return }
        if let temperature = settings.temperature { body["temperature"] = .number(temperature) }
        if let topP = settings.topP { body["top_p"] = .number(topP) }
        if let stop = settings.stop { body["stop"] = .array(stop.map(JSONValue.string)) }
    }
}

extension FinishReason {
    /// What to tell the person watching when a response did not end by itself (the dashboard's pane, `--plain`);
    /// nil when it did. `maxTokens` is the cap the request carried, when known.
    public func stopNotice(maxTokens: Int?) -> String? {
        switch self {
        case .length: "stopped at the token cap" + (maxTokens.map { " (max_tokens \($0))" } ?? "")
        case .contentFilter: "stopped by the provider's content filter"
        case .stop, .toolCalls, .other: nil
        }
    }
}

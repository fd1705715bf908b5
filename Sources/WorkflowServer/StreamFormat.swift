/// The SSE dialect a stream is written in.
public enum StreamFormat: String, Sendable, CaseIterable {
    /// flowtop's typed events with `id:` (lossless; the default).
    case flowtop
    /// Exactly the Agent Framework sample's bytes: `data: {"text": "..."}` per text delta, nothing else.
    case text
    /// AG-UI events (`RUN_STARTED`, `TEXT_MESSAGE_CONTENT`, ...).
    case agui

    /// Picks the format: the body's `format` wins, then `?format=`, then an `Accept` that names a dialect
    /// (`application/vnd.ag-ui+event-stream`, `...; dialect=text`); otherwise flowtop.
    static func negotiate(body: String?, query: String?, accept: String?) -> Result<StreamFormat, UnknownFormat> {
        for candidate in [body, query] {
            if let candidate {
                guard let format = StreamFormat(rawValue: candidate.lowercased()) else {
                    return .failure(UnknownFormat(reason: "unknown format '\(candidate)'; use flowtop, text or agui"))
                }
                return .success(format)
            }
        }
        if let accept = accept?.lowercased() {
            if accept.contains("ag-ui") || accept.contains("dialect=agui") { return .success(.agui) }
            if accept.contains("dialect=text") { return .success(.text) }
            if accept.contains("dialect=flowtop") { return .success(.flowtop) }
        }
        return .success(.flowtop)
    }
}

/// A format name no dialect answers to (400).
struct UnknownFormat: Error {
    let reason: String
}

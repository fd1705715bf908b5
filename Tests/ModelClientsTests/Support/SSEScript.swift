import TestSupport
import LoopbackHTTP

/// Builds `text/event-stream` bodies for hand-written streams.
enum SSEScript {
    /// `data: <payload>\n\n` for each payload, one step each.
    static func events(_ payloads: [String]) -> [ScriptedResponse.Step] {
        payloads.map { .bytes(Array("data: \($0)\n\n".utf8)) }
    }

    static let done: ScriptedResponse.Step = .bytes(Array("data: [DONE]\n\n".utf8))

    /// A complete stream: the payloads, then `[DONE]`.
    static func stream(_ payloads: [String]) -> ScriptedResponse {
        .eventStream(events(payloads) + [done])
    }

    /// A text chunk in OpenAI's shape.
    static func text(_ text: String) -> String {
        #"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\#(jsonQuoted(text))},"finish_reason":null}]}"#
    }

    static func finish(_ reason: String) -> String {
        #"{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"\#(reason)"}]}"#
    }

}

import Foundation

/// A responder that behaves like a small llama.cpp server (`llama-server -c 2048`) in the ways that matter to a
/// client, with its byte shapes (Tests/ModelClientsTests/Fixtures/llamacpp_*):
///
/// - a context of `contextTokens`; a request's prompt is counted at about four bytes a token;
/// - it generates exactly `max_tokens` tokens, one content chunk each, ending with `finish_reason: "length"`;
///   without `max_tokens` it generates until the context is full (about 2,000 tokens for a short prompt);
/// - it never sends usage;
/// - when the prompt plus the requested tokens do not fit the context it answers 200 with an empty body;
/// - when tools are offered and the conversation holds no tool result yet, it calls the first tool.
///
/// ```swift
/// let server = LoopbackServer(handler: LlamaCppImitation().respond)
/// ```
public struct LlamaCppImitation: Sendable {
    public var contextTokens: Int
    public var model: String

    public init(contextTokens: Int = 2_048, model: String = "gemma-3-270m") {
        self.contextTokens = contextTokens
        self.model = model
    }

    /// What the imitation makes of one request.
    public enum Reply: Sendable, Hashable {
        case toolCall(name: String)
        case text(tokens: Int)
        /// The prompt and the requested tokens exceed the context.
        case overflow
    }

    public func reply(to request: RecordedRequest) -> Reply {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        let messages = body["messages"] as? [[String: Any]] ?? []
        let tools = body["tools"] as? [[String: Any]] ?? []
        let prompt = Self.promptTokens(messages: messages, tools: tools)
        let requested = (body["max_tokens"] as? Int) ?? max(0, contextTokens - prompt)
        guard prompt + requested <= contextTokens, requested > 0 else { return .overflow }
        if let tool = (tools.first?["function"] as? [String: Any])?["name"] as? String,
            !messages.contains(where: { $0["role"] as? String == "tool" })
        {
            return .toolCall(name: tool)
        }
        return .text(tokens: requested)
    }

    public func respond(_ request: RecordedRequest) async -> ScriptedResponse {
        let headers = [("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-store")]
        switch reply(to: request) {
        case .overflow:
            return ScriptedResponse(status: 200, headers: headers, steps: [])
        case let .toolCall(name):
            let id = "call__0_\(name)_cmpl-loopback"
            var steps = [chunk(#""delta": {"role": "assistant", "content": null}, "finish_reason": null"#)]
            for fragment in [#"{\""#, "location", #"\": \""#, "Seattle", #"\"}"#] {
                steps.append(chunk(
                    #""delta": {"role": null, "content": null, "tool_calls": [{"index": 0, "id": "\#(id)", "type": "function", "function": {"name": "\#(name)", "arguments": "\#(fragment)"}}]}, "finish_reason": null"#))
            }
            steps.append(chunk(#""delta": {"role": null, "content": null, "tool_calls": null}, "finish_reason": "tool_calls""#))
            return ScriptedResponse(status: 200, headers: headers, steps: steps + [.bytes(Array("data: [DONE]\n\n".utf8))])
        case let .text(tokens):
            var steps = [chunk(#""delta": {"role": "assistant"}, "finish_reason": null"#)]
            for index in 0..<tokens {
                let word = Self.words[index % Self.words.count]
                steps.append(chunk(#""delta": {"content": "\#(index == 0 ? word : " " + word)"}, "finish_reason": null"#))
            }
            steps.append(chunk(#""delta": {}, "finish_reason": "length""#))
            return ScriptedResponse(status: 200, headers: headers, steps: steps + [.bytes(Array("data: [DONE]\n\n".utf8))])
        }
    }

    private func chunk(_ choice: String) -> ScriptedResponse.Step {
        .bytes(Array(
            #"data: {"id": "chatcmpl-loopback", "model": "\#(model)", "object": "chat.completion.chunk", "choices": [{"index": 0, \#(choice), "logprobs": null}]}"#
                .utf8) + Array("\n\n".utf8))
    }

    static let words = ["Seattle", "is", "grey", "and", "wet", "today,", "with", "rain", "over", "the", "Sound."]

    /// About four bytes of text a token, and a few tokens of chat template around each message.
    static func promptTokens(messages: [[String: Any]], tools: [[String: Any]]) -> Int {
        var bytes = 0
        for message in messages {
            bytes += ((message["content"] as? String) ?? "").utf8.count + 16
            if let calls = message["tool_calls"], let data = try? JSONSerialization.data(withJSONObject: calls) {
                bytes += data.count
            }
        }
        if !tools.isEmpty, let data = try? JSONSerialization.data(withJSONObject: tools) { bytes += data.count }
        return (bytes + 3) / 4
    }
}

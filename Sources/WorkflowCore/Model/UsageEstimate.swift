/// Token counts for providers that stream none (llama.cpp): flowtop counts what it received instead, so a run
/// never shows 0 tokens for text that streamed. The figures are marked `estimated`.
enum UsageEstimate {
    /// `outputTokens` as counted (OpenAI-style servers stream about one token per chunk), and the request's input
    /// at about four bytes of UTF-8 a token plus a few for each message's framing.
    static func usage(for request: ChatRequest, outputTokens: Int) -> Usage {
        Usage(inputTokens: inputTokens(of: request), outputTokens: outputTokens, estimated: true)
    }

    static func inputTokens(of request: ChatRequest) -> Int {
        var bytes = 0
        var messages = 0
        for message in request.messages {
            messages += 1
            for content in message.contents {
                switch content {
                case let .text(text): bytes += text.utf8.count
                case let .functionCall(call): bytes += call.name.utf8.count + call.arguments.utf8.count
                case let .functionResult(result): bytes += result.result.utf8.count
                case .usage: break
                }
            }
        }
        for tool in request.tools {
            bytes += tool.name.utf8.count + tool.description.utf8.count + tool.parameters.jsonText.utf8.count
        }
        return (bytes + 3) / 4 + messages * 4
    }
}

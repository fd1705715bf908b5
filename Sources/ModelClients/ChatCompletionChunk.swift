/// One `data:` payload of a chat-completions stream, decoded tolerantly: every field is optional, so explicit
/// `null`s (llama.cpp), chunks with empty `choices` or without `delta` (Azure), and fields we do not use
/// (`prompt_filter_results`, `logprobs`, the legacy `function_call`) all decode.
struct ChatCompletionChunk: Decodable {
    var choices: [Choice]?
    var usage: UsageCounts?
    /// Some servers report a failure inside the stream instead of with a status.
    var error: APIErrorBody.Detail?

    struct Choice: Decodable {
        var index: Int?
        var delta: Delta?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }
    }

    struct Delta: Decodable {
        var content: String?
        var refusal: String?
        var toolCalls: [ToolCallFragment]?

        enum CodingKeys: String, CodingKey {
            case content, refusal
            case toolCalls = "tool_calls"
        }
    }

    struct ToolCallFragment: Decodable {
        var index: Int?
        var id: String?
        var function: FunctionFragment?
    }

    struct FunctionFragment: Decodable {
        var name: String?
        var arguments: String?
    }

    struct UsageCounts: Decodable {
        var promptTokens: Int?
        var completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }
}

import Foundation
import WorkflowCore

/// One `data:` payload of an OpenAI chat-completions stream, read tolerantly: every field is optional, so explicit
/// `null`s (llama.cpp), chunks with empty `choices` or without `delta` (Azure's content-filter chunks, the usage
/// chunk), and fields flowtop does not use (`prompt_filter_results`, `logprobs`) all read. The one reader for both
/// directions flowtop meets these chunks in: the model client's responses and `attach --format openai`.
public struct OpenAIChunk: Sendable, Hashable {
    public var id: String?
    public var model: String?
    /// `object`, e.g. `chat.completion.chunk`.
    public var object: String?
    /// The first choice's (index 0) delta; we ask for one choice, and a server numbering it otherwise is still
    /// answered through it.
    public var delta: Delta?
    public var finishReason: String?
    public var usage: Usage?
    /// A failure reported inside the stream instead of with a status: the `error` value as sent.
    public var error: JSONValue?
    /// Whether the chunk has a `choices` array or `usage` at all (an object with neither is not a chunk).
    public var isChunk: Bool

    public struct Delta: Sendable, Hashable {
        public var content: String?
        /// Visible reasoning (`reasoning_content`, as llama.cpp, vLLM and DeepSeek send it).
        public var reasoning: String?
        /// What the model says instead of an answer.
        public var refusal: String?
        public var toolCalls: [ToolCallFragment] = []
    }

    /// A piece of a tool call: OpenAI sends the id and name in the first fragment only, llama.cpp in every one.
    public struct ToolCallFragment: Sendable, Hashable {
        /// The call's `index`, or its position in the chunk when the server sent none.
        public var index: Int
        public var id: String?
        public var name: String?
        public var arguments: String?
    }

    public enum ReadFailure: Error, Sendable, Hashable {
        /// Not JSON, or not an object (the reason).
        case unreadable(String)
    }

    /// Reads one chunk's JSON text.
    public init(parsing data: String) throws(ReadFailure) {
        let fields: [String: JSONValue]
        switch JSONObjectParse(data) {
        case let .failure(reason): throw .unreadable(reason)
        case let .object(object): fields = object
        }
        id = fields.string("id")
        model = fields.string("model")
        object = fields.string("object")
        error = fields["error"].flatMap { $0 == .null ? nil : $0 }
        if let counts = fields["usage"]?.objectValue {
            usage = Usage(
                inputTokens: counts["prompt_tokens"]?.intValue ?? 0, outputTokens: counts["completion_tokens"]?.intValue ?? 0)
        }
        let choices = fields["choices"]?.arrayValue
        isChunk = choices != nil || fields["usage"] != nil
        for choice in choices ?? [] where (choice["index"]?.intValue ?? 0) == 0 {
            if finishReason == nil, let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
            guard let delta = choice["delta"]?.objectValue else { continue }
            var read = Delta(
                content: delta.string("content"), reasoning: delta.string("reasoning_content"),
                refusal: delta.string("refusal"))
            if let calls = delta["tool_calls"]?.arrayValue {
                read.toolCalls = calls.enumerated().map { position, call in
                    ToolCallFragment(
                        index: call["index"]?.intValue ?? position, id: call["id"]?.stringValue,
                        name: call["function"]?["name"]?.stringValue, arguments: call["function"]?["arguments"]?.stringValue)
                }
            } else if let legacy = delta["function_call"]?.objectValue {
                // The legacy single `function_call`: one call at index 0.
                read.toolCalls = [ToolCallFragment(
                    index: 0, id: nil, name: legacy.string("name"), arguments: legacy.string("arguments"))]
            }
            self.delta = read
        }
    }

    /// The stream's last payload: `[DONE]`.
    public static func isDone(_ data: String) -> Bool {
        data.trimmingCharacters(in: .whitespaces) == "[DONE]"
    }

    /// What a finish reason means, from the names servers use.
    public static func finishReason(_ text: String) -> FinishReason {
        switch text {
        case "stop", "end_turn": .stop
        case "tool_calls", "function_call": .toolCalls
        case "length", "max_tokens": .length
        case "content_filter": .contentFilter
        default: .other
        }
    }
}

import WorkflowCore

/// The GenAI semantic conventions' attributes the builder reads: usage, finish reasons, output messages.
enum GenAIAttributes {
    /// `gen_ai.usage.input_tokens` / `output_tokens` (cached input and reasoning output are parts of those two).
    static func usage(of span: ConventionAttributes) -> Usage? {
        let input = span.inputTokens?.integer ?? span.promptTokens?.integer
        let output = span.outputTokens?.integer ?? span.completionTokens?.integer
        guard input != nil || output != nil else { return nil }
        return Usage(inputTokens: input ?? 0, outputTokens: output ?? 0)
    }

    /// The last of `gen_ai.response.finish_reasons` (a JSON array as text, or an array value).
    static func finishReason(of span: ConventionAttributes) -> FinishReason? {
        guard let value = span.finishReasons else { return nil }
        var reasons: [String] = []
        switch value {
        case let .array(values): reasons = values.map(\.text)
        case let .string(text):
            if let parsed = try? JSONValue(parsing: text), let array = parsed.arrayValue {
                reasons = array.compactMap(\.stringValue)
            } else {
                reasons = [text]
            }
        default: return nil
        }
        guard let last = reasons.last else { return nil }
        switch last {
        case "tool_call", "tool_calls": return .toolCalls
        case "stop", "end_turn": return .stop
        case "length", "max_tokens": return .length
        case "content_filter": return .contentFilter
        default: return .other
        }
    }

    enum Part: Hashable {
        case text(String)
        case reasoning(String)
    }

    /// The text and reasoning parts of the assistant's messages in `gen_ai.output.messages` (sent when the app
    /// enables sensitive data); tool calls are left out, since their own spans show them.
    static func outputParts(of span: ConventionAttributes) -> [Part] {
        guard let text = span.outputMessages?.text, let parsed = try? JSONValue(parsing: text),
              let messages = parsed.arrayValue
        else { return [] }
        var parts: [Part] = []
        for message in messages where message["role"]?.stringValue ?? "assistant" == "assistant" {
            for part in message["parts"]?.arrayValue ?? [] {
                guard let content = part["content"]?.stringValue, !content.isEmpty else { continue }
                switch part["type"]?.stringValue {
                case "text": parts.append(.text(content))
                case "reasoning", "thinking": parts.append(.reasoning(content))
                default: break
                }
            }
        }
        return parts
    }
}

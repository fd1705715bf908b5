import WorkflowCore

/// The JSON body of a streaming chat-completions request.
enum ChatRequestBody {
    static func json(for request: ChatRequest, model: String, provider: ProviderKind) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(WireMessages.encode(request.messages, speaker: request.agent)),
            "stream": true,
            "stream_options": ["include_usage": true],
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map(tool))
        }
        GenerationFields(provider: provider, model: model).add(request.generation, to: &body)
        return .object(body)
    }

    private static func tool(_ definition: ToolDefinition) -> JSONValue {
        [
            "type": "function",
            "function": [
                "name": .string(definition.name),
                "description": .string(definition.description),
                "parameters": definition.parameters,
            ],
        ]
    }
}

/// Converts a shared conversation into the messages one agent sends.
///
/// In a multi-agent workflow the history holds other agents' turns. The model must see them as what they are —
/// someone else's contributions — not as its own earlier turns, and a provider rejects a `tool` message that does
/// not answer a `tool_calls` entry of the requesting model. So another agent's assistant message becomes assistant
/// text prefixed with its name (`[Researcher] …`), its tool calls and their results become text lines, and only the
/// speaker's own calls and results use the structured `tool_calls` / `tool` form.
enum WireMessages {
    static func encode(_ messages: [ChatMessage], speaker: String) -> [JSONValue] {
        var foreignCalls: [String: String] = [:]  // call id → the agent that made the call
        var encoded: [JSONValue] = []
        for message in messages {
            switch message.role {
            case .system:
                encoded.append(["role": "system", "content": .string(message.text)])
            case .user:
                encoded.append(["role": "user", "content": .string(message.text)])
            case .assistant:
                if let author = message.author, author != speaker {
                    for call in message.functionCalls { foreignCalls[call.callId] = author }
                    if let text = foreignAssistantText(message, author: author) {
                        encoded.append(["role": "assistant", "content": .string(text)])
                    }
                } else if let own = ownAssistant(message) {
                    encoded.append(own)
                }
            case .tool:
                for result in message.functionResults {
                    if let author = foreignCalls[result.callId] {
                        let text =
                            "[\(author)] \(result.name) \(result.isError ? "failed" : "returned"): \(result.result)"
                        encoded.append(["role": "assistant", "content": .string(text)])
                    } else {
                        encoded.append([
                            "role": "tool", "tool_call_id": .string(result.callId),
                            "content": .string(result.isError ? "Error: \(result.result)" : result.result),
                        ])
                    }
                }
            }
        }
        return encoded
    }

    /// The speaker's own turn. `content` is always present (empty beside tool calls): llama.cpp fails, with an
    /// empty 200 stream, on an assistant message that has `tool_calls` and no `content` key.
    private static func ownAssistant(_ message: ChatMessage) -> JSONValue? {
        let calls = message.functionCalls
        let text = message.text
        guard !calls.isEmpty || !text.isEmpty else { return nil }
        var fields: [String: JSONValue] = ["role": "assistant", "content": .string(text)]
        if !calls.isEmpty {
            fields["tool_calls"] = .array(
                calls.map { call in
                    [
                        "id": .string(call.callId), "type": "function",
                        "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                    ]
                })
        }
        return .object(fields)
    }

    private static func foreignAssistantText(_ message: ChatMessage, author: String) -> String? {
        var lines: [String] = []
        if !message.text.isEmpty { lines.append("[\(author)] \(message.text)") }
        for call in message.functionCalls {
            lines.append("[\(author)] called \(call.name)(\(call.arguments))")
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}

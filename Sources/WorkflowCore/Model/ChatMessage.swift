/// One message of a conversation, in the provider-neutral shape agents and chat clients share.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case system, user, assistant, tool
    }

    public var role: Role
    /// The agent that wrote an assistant message; other agents see it as that agent's contribution.
    public var author: String?
    public var contents: [ChatContent]

    public init(role: Role, author: String? = nil, contents: [ChatContent]) {
        self.role = role
        self.author = author
        self.contents = contents
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, contents: [.text(text)]) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, contents: [.text(text)]) }
    public static func assistant(_ text: String, author: String? = nil) -> ChatMessage {
        ChatMessage(role: .assistant, author: author, contents: [.text(text)])
    }

    /// The message's text contents joined.
    public var text: String {
        contents.reduce(into: "") { result, content in
            if case let .text(text) = content { result += text }
        }
    }

    public var functionCalls: [FunctionCall] {
        contents.compactMap { if case let .functionCall(call) = $0 { call } else { nil } }
    }

    public var functionResults: [FunctionResult] {
        contents.compactMap { if case let .functionResult(result) = $0 { result } else { nil } }
    }
}

public enum ChatContent: Sendable, Hashable {
    case text(String)
    case functionCall(FunctionCall)
    case functionResult(FunctionResult)
    case usage(Usage)
}

/// A model's request to run a tool; `arguments` is the JSON text the model produced (it may be invalid JSON).
public struct FunctionCall: Sendable, Hashable {
    public var callId: String
    public var name: String
    public var arguments: String

    public init(callId: String, name: String, arguments: String) {
        self.callId = callId
        self.name = name
        self.arguments = arguments
    }
}

/// A tool's answer to a `FunctionCall`, fed back to the model.
public struct FunctionResult: Sendable, Hashable {
    public var callId: String
    public var name: String
    public var result: String
    public var isError: Bool

    public init(callId: String, name: String, result: String, isError: Bool = false) {
        self.callId = callId
        self.name = name
        self.result = result
        self.isError = isError
    }
}

/// Token counts as providers report them, or as flowtop estimated them when a provider reports none.
public struct Usage: Sendable, Hashable {
    public var inputTokens: Int
    public var outputTokens: Int
    /// Counted by flowtop (streamed chunks, request length) rather than reported by the provider; shown with `~`.
    public var estimated: Bool

    public init(inputTokens: Int = 0, outputTokens: Int = 0, estimated: Bool = false) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.estimated = estimated
    }

    public var totalTokens: Int { inputTokens + outputTokens }

    /// `~` before an estimated count, nothing before a reported one (the dashboard, `--plain`).
    public var estimateMark: String { estimated ? "~" : "" }

    public static let zero = Usage()

    /// A sum is an estimate when any part of it is.
    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        Usage(
            inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens,
            estimated: lhs.estimated || rhs.estimated)
    }
}

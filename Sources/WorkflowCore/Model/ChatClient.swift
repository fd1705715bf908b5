/// A streaming chat model: OpenAI-compatible servers, Azure OpenAI, or the offline scripted model.
///
/// Updates are pushed to a callback rather than returned as a stream: the caller's loop stays structured (no
/// task outlives the call), cancellation of the calling task stops the model call, and a fast model costs no
/// per-token stream hand-off.
public protocol ChatClient: Sendable {
    /// Which provider and model this is, for headers and `--plain` output (never contains secrets).
    var model: ModelDescription { get }

    /// Streams one response to `request`, calling `onUpdate` for each update in order, and returns when the model
    /// has finished. Throws `ChatClientError` (or `CancellationError` when the task is cancelled).
    func streamResponse(_ request: ChatRequest, onUpdate: (ChatUpdate) throws -> Void) async throws
}

public struct ModelDescription: Sendable, Hashable, CustomStringConvertible {
    /// `openai`, `azure`, `ollama`, `llamacpp`, `vllm`, `openai-compatible` or `scripted`.
    public var provider: String
    public var model: String
    /// Where requests go, without credentials; nil for in-process models.
    public var endpoint: String?

    public init(provider: String, model: String, endpoint: String? = nil) {
        self.provider = provider
        self.model = model
        self.endpoint = endpoint
    }

    public var description: String {
        endpoint.map { "\(provider) \(model) at \($0)" } ?? "\(provider) \(model)"
    }
}

public struct ChatRequest: Sendable, Hashable {
    /// The agent asking, so logs and errors can say whose call failed.
    public var agent: String
    public var messages: [ChatMessage]
    public var tools: [ToolDefinition]
    /// A model name that overrides the client's default (from a workflow file's `model:`).
    public var model: String?
    /// The cap and sampling settings to send; unset ones are left to the provider.
    public var generation: GenerationSettings
    /// The turn's part in its workflow (not sent to providers; the prompts already say it in words).
    public var context: TurnContext

    public init(
        agent: String, messages: [ChatMessage], tools: [ToolDefinition] = [], model: String? = nil,
        generation: GenerationSettings = .providerDefaults, context: TurnContext = .participant
    ) {
        self.agent = agent
        self.messages = messages
        self.tools = tools
        self.model = model
        self.generation = generation
        self.context = context
    }
}

public enum ChatUpdate: Sendable, Hashable {
    case textDelta(String)
    /// A fragment of a tool call; fragments with the same `index` belong to one call.
    case toolCallDelta(ToolCallDelta)
    case usage(Usage)
    case finished(FinishReason)
}

public struct ToolCallDelta: Sendable, Hashable {
    public var index: Int
    public var callId: String?
    public var name: String?
    public var argumentsDelta: String

    public init(index: Int, callId: String? = nil, name: String? = nil, argumentsDelta: String = "") {
        self.index = index
        self.callId = callId
        self.name = name
        self.argumentsDelta = argumentsDelta
    }
}

public enum FinishReason: String, Sendable, Hashable {
    case stop
    case toolCalls = "tool_calls"
    case length
    case contentFilter = "content_filter"
    case other
}

/// Why a model call failed, worded for the person watching: which provider, which URL, what status.
public struct ChatClientError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The server answered with an HTTP error status.
        case http
        /// The connection failed, timed out or was cut off mid-stream.
        case transport
        /// The server sent something that is not a chat-completion stream.
        case protocolViolation
        /// Missing or unusable settings (no API key, bad URL).
        case configuration
        /// A scripted fault injected on purpose.
        case injected
    }

    public var kind: Kind
    public var provider: String
    public var message: String
    public var status: Int?
    /// Seconds the server asked us to wait (429/503 `Retry-After`).
    public var retryAfter: Double?

    public init(kind: Kind, provider: String, message: String, status: Int? = nil, retryAfter: Double? = nil) {
        self.kind = kind
        self.provider = provider
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
    }

    public var description: String { "\(provider): \(message)" }
}

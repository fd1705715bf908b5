import Synchronization

/// An offline, deterministic chat model for `demo`, tests and benchmarks. It reads the agent's instructions, tools
/// and conversation and plays a believable part (a researcher that calls tools, a writer, a critic, a manager that
/// picks speakers, a triage agent that hands off), streaming token by token at a chosen pace.
public struct ScriptedChatClient: ChatClient {
    public struct Pace: Sendable, Hashable {
        /// Tokens a second; nil streams as fast as possible.
        public var tokensPerSecond: Double?
        /// A pause before the first token, as a real model's time to first token.
        public var firstTokenDelay: Duration

        public init(tokensPerSecond: Double?, firstTokenDelay: Duration = .zero) {
            self.tokensPerSecond = tokensPerSecond
            self.firstTokenDelay = firstTokenDelay
        }

        /// About what a hosted model streams: 45 tokens/s after a short think.
        public static let realistic = Pace(tokensPerSecond: 45, firstTokenDelay: .milliseconds(350))
        public static let instant = Pace(tokensPerSecond: nil)
        /// Slow enough to watch each agent write: `flowtop demo`.
        public static let demo = Pace(tokensPerSecond: 14, firstTokenDelay: .milliseconds(700))
    }

    /// Failures to inject, for tests of the error paths.
    public struct Faults: Sendable, Hashable {
        /// The Nth model call (1-based) answers 429 Too Many Requests.
        public var rateLimitOnCall: Int?
        /// The stream is cut off after this many text tokens of a response.
        public var dropStreamAfterTokens: Int?
        /// Tool calls carry arguments that are not valid JSON.
        public var malformedToolArguments: Bool

        public init(rateLimitOnCall: Int? = nil, dropStreamAfterTokens: Int? = nil, malformedToolArguments: Bool = false) {
            self.rateLimitOnCall = rateLimitOnCall
            self.dropStreamAfterTokens = dropStreamAfterTokens
            self.malformedToolArguments = malformedToolArguments
        }

        public static let none = Faults()
    }

    public var pace: Pace
    public var faults: Faults
    /// When set, every answer is this many tokens of generated prose (for benchmarks) instead of a persona's reply,
    /// whatever `maxTokens` a request carries: a benchmark's answer length is the thing it measures.
    public var fixedAnswerTokens: Int?
    private let calls = CallCounter()

    public init(pace: Pace = .instant, faults: Faults = .none, fixedAnswerTokens: Int? = nil) {
        self.pace = pace
        self.faults = faults
        self.fixedAnswerTokens = fixedAnswerTokens
    }

    public var model: ModelDescription { ModelDescription(provider: "scripted", model: "flowtop-scripted") }

    public func streamResponse(_ request: ChatRequest, onUpdate: (ChatUpdate) throws -> Void) async throws {
        let callNumber = calls.next()
        if faults.rateLimitOnCall == callNumber {
            throw ChatClientError(
                kind: .http, provider: "scripted",
                message: "429 Too Many Requests (injected fault on call \(callNumber))", status: 429, retryAfter: 1)
        }
        let reply: ScriptedReply
        if let tokens = fixedAnswerTokens {
            reply = ScriptedReply(text: ScriptedProse.words(count: tokens))
        } else {
            reply = ScriptedPersona(request: request).reply()
        }
        if pace.firstTokenDelay > .zero { try await Task.sleep(for: pace.firstTokenDelay) }
        let interval = pace.tokensPerSecond.map { Duration.seconds(1 / $0) }

        // Like a real model, a response stops at `maxTokens` (tool calls cost `toolCallTokens` each), with `.length`.
        let cap = fixedAnswerTokens == nil ? request.generation.maxTokens ?? .max : .max
        var stoppedAtCap = false
        var emitted = 0
        for token in ScriptedTokenizer.tokens(of: reply.text) {
            if emitted >= cap {
                stoppedAtCap = true
                break
            }
            if let limit = faults.dropStreamAfterTokens, emitted >= limit {
                throw ChatClientError(
                    kind: .transport, provider: "scripted",
                    message: "the stream was cut off after \(emitted) tokens (injected fault)")
            }
            if let interval {
                try await Task.sleep(for: interval)
            } else if emitted & 15 == 15 {
                // At full speed nothing else suspends: yield now and then, as a network read would, so that many
                // concurrent runs (a server under load) share the threads instead of running one after another;
                // and wait, as a real stream would, while the run's consumer (or its store) is far behind. The gate
                // is asked every 16 tokens: a thousand runs let go at once by a store that caught up make 16 k events
                // before they look again (at 128, 128 k, past what the store's writer queues).
                if emitted & 127 == 127 { await Task.yield() }
                await FlowControl.pace()
                try Task.checkCancellation()
            }
            try onUpdate(.textDelta(token))
            emitted += 1
        }
        if emitted + reply.toolCalls.count * Self.toolCallTokens > cap { stoppedAtCap = true }
        let toolCalls = stoppedAtCap ? [] : reply.toolCalls
        for (index, call) in toolCalls.enumerated() {
            let arguments = faults.malformedToolArguments ? String(call.arguments.dropLast()) : call.arguments
            // Arguments arrive in fragments, as real providers send them.
            let cut = arguments.index(arguments.startIndex, offsetBy: arguments.count / 2)
            try onUpdate(.toolCallDelta(ToolCallDelta(
                index: index, callId: "call_\(RandomID.make())", name: call.name,
                argumentsDelta: String(arguments[..<cut]))))
            if let interval { try await Task.sleep(for: interval) }
            try onUpdate(.toolCallDelta(ToolCallDelta(index: index, argumentsDelta: String(arguments[cut...]))))
        }
        let inputTokens = request.messages.reduce(0) { $0 + ScriptedTokenizer.count($1.text) + 4 }
        try onUpdate(.usage(Usage(inputTokens: inputTokens, outputTokens: emitted + toolCalls.count * Self.toolCallTokens)))
        try onUpdate(.finished(stoppedAtCap ? .length : toolCalls.isEmpty ? .stop : .toolCalls))
    }

    /// What one tool call counts as in usage and against `maxTokens`.
    static let toolCallTokens = 12
}

struct ScriptedReply: Sendable {
    var text: String
    var toolCalls: [(name: String, arguments: String)] = []
}

/// Counts calls across copies of a client (it is a value type shared by agents).
private final class CallCounter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
}

/// Splits text into model-like tokens: each word with the whitespace before it. Lazy, so a million-token answer
/// is never held as a million strings.
struct ScriptedTokenizer: Sequence {
    let text: String

    static func tokens(of text: String) -> ScriptedTokenizer { ScriptedTokenizer(text: text) }

    /// The number of words (runs of non-whitespace), on bytes like the iterator: this runs over the whole
    /// conversation at the end of every call.
    static func count(_ text: String) -> Int {
        var words = 0
        var inWord = false
        for byte in text.utf8 {
            let space = Iterator.isSpace(byte)
            if !space && !inWord { words += 1 }
            inWord = !space
        }
        return words
    }

    /// Walks UTF-8 bytes (whitespace here is ASCII), which is far cheaper than Unicode character properties.
    struct Iterator: IteratorProtocol {
        let text: String
        var position: String.Index

        mutating func next() -> String? {
            let utf8 = text.utf8
            guard position < utf8.endIndex else { return nil }
            var index = position
            while index < utf8.endIndex, Self.isSpace(utf8[index]) { index = utf8.index(after: index) }
            while index < utf8.endIndex, !Self.isSpace(utf8[index]) { index = utf8.index(after: index) }
            defer { position = index }
            return String(text[position..<index])
        }

        @inline(__always)
        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
    }

    func makeIterator() -> Iterator { Iterator(text: text, position: text.startIndex) }
}

/// Deterministic filler prose for fixed-length answers.
enum ScriptedProse {
    private static let vocabulary = [
        "the", "rain", "over", "Seattle", "settles", "into", "a", "soft", "grey", "hum", "while", "ferries",
        "cross", "the", "sound", "and", "gulls", "argue", "with", "the", "wind", "—", "tomorrow", "brightens.",
    ]

    static func words(count: Int) -> String {
        var text = ""
        text.reserveCapacity(count * 6)
        for index in 0..<count {
            if index > 0 { text += " " }
            text += vocabulary[index % vocabulary.count]
        }
        return text
    }
}

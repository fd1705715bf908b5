import Foundation
import EventStream
import WorkflowCore

/// The SSE dialects flowtop speaks: `attach` reads all of them, `serve` writes the servable ones. One type for
/// both directions, so a dialect's name means the same everywhere (CLI flags, `?format=`, docs).
public enum WireDialect: String, Sendable, Hashable, CaseIterable {
    /// flowtop's typed events with `id:` (lossless; see docs/WIRE.md).
    case flowtop
    /// The Agent Framework sample's bytes: `data: {"text": "..."}` per text delta, nothing else.
    case text
    /// AG-UI events (`RUN_STARTED`, `TEXT_MESSAGE_CONTENT`, ...).
    case agui
    /// OpenAI chat-completion chunks, as model servers stream them (read only).
    case openai
    /// Agent Framework DevUI's OpenAI Responses-style stream (`POST /v1/responses`; read only).
    case devui

    /// Whether flowtop writes this dialect (`flowtop serve`, `WireEncoder`); OpenAI's and DevUI's are only read.
    public var isServable: Bool { self != .openai && self != .devui }

    /// The dialects flowtop writes.
    public static let servable = allCases.filter(\.isServable)

    /// The `type` values of flowtop's dialect (one per `WorkflowEvent.Kind`).
    public static let flowtopTypeNames: Set<String> = {
        let samples: [WorkflowEvent.Kind] = [
            .runStarted(.init(runId: "", workflow: "", participants: [])), .agentStarted(agent: ""),
            .textDelta(agent: "", messageId: "", text: ""), .reasoningDelta(agent: "", messageId: "", text: ""),
            .toolCallStarted(agent: "", callId: "", tool: "", arguments: ""),
            .toolCallArgumentsDelta(agent: "", callId: "", delta: ""),
            .toolProgress(agent: "", callId: "", progress: ToolProgress(progress: 0)),
            .toolResult(.init(agent: "", callId: "", tool: "", result: "", isError: false, durationMs: 0)),
            .agentCompleted(agent: "", usage: nil), .transition(from: nil, to: "", reason: nil),
            .output(agent: nil, text: ""), .warning(agent: nil, message: ""),
            .runCompleted(finalAgent: nil, usage: .zero, durationMs: 0), .runFailed(error: "", agent: nil),
            .runCancelled(reason: nil),
        ]
        return Set(samples.map(FlowtopWireFormat.typeName(of:)))
    }()

    /// The dialect one event shows, or `nil` when it does not tell (not JSON, an empty object, …).
    ///
    /// A `type` in flowtop's set → flowtop; a SCREAMING_SNAKE `type` (`RUN_STARTED`, …) → AG-UI;
    /// `object: chat.completion.chunk`, a `choices` array or `[DONE]` → OpenAI; a `type` starting `response.` →
    /// DevUI; an object with `text` and no `type` → text.
    public static func detect(_ event: SSEEvent) -> WireDialect? {
        let data = event.data
        if OpenAIChunk.isDone(data) { return .openai }
        guard case let .object(object) = JSONObjectParse(data) else { return nil }
        if let type = object.string("type") {
            if flowtopTypeNames.contains(type) { return .flowtop }
            if isScreamingSnake(type) { return .agui }
            if type.hasPrefix("response.") { return .devui }
        }
        if object.string("object") == "chat.completion.chunk" || object["choices"]?.arrayValue != nil { return .openai }
        if object["type"] == nil, object["text"]?.stringValue != nil { return .text }
        return nil
    }

    static func isScreamingSnake(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// Detects the dialect from the first events, buffering them (at most `bufferLimit`) until one tells, then replays
/// them into the matching decoder. When none of the first `bufferLimit` events tells, or the stream ends first, it
/// warns and falls back to the text dialect.
public struct AutoStreamDecoder: RemoteStreamDecoder, Sendable {
    public let bufferLimit: Int
    private let agentName: String?
    private let workflowName: String
    private var buffered: [(event: SSEEvent, timestamp: Double)] = []
    private var decoder: Decoder?
    /// Events this decoder made itself (the fallback warning), which shift the chosen decoder's numbers.
    private var offset = 0

    private enum Decoder: Sendable {
        case flowtop(FlowtopStreamDecoder)
        case text(TextStreamDecoder)
        case agui(AGUIStreamDecoder)
        case openai(OpenAIChunkStreamDecoder)
        case devui(DevUIStreamDecoder)
    }

    /// `agentName` names the pane of the dialects that carry no agent (text, OpenAI, AG-UI without steps, a
    /// DevUI agent entity). `dialect` skips detection (`attach --format`).
    public init(agentName: String? = nil, workflowName: String = "remote", bufferLimit: Int = 16, dialect: WireDialect? = nil) {
        self.agentName = agentName
        self.workflowName = workflowName
        self.bufferLimit = max(1, bufferLimit)
        if let dialect { _ = choose(dialect, at: 0) }
    }

    /// The dialect in use, once decided.
    public var dialect: WireDialect? {
        switch decoder {
        case .flowtop: return .flowtop
        case .text: return .text
        case .agui: return .agui
        case .openai: return .openai
        case .devui: return .devui
        case nil: return nil
        }
    }

    /// Where an AG-UI stream stopped to wait for a person (nil for other dialects, or when it did not).
    public var aguiInterruption: AGUIInterruption? {
        if case let .agui(value) = decoder { return value.interruption }
        return nil
    }

    /// An AG-UI follow-up run is on its way with `answers`: `AGUIStreamDecoder.resume(answering:at:)`.
    public mutating func resume(answering answers: [(request: HumanRequest, response: HumanResponse)], at timestamp: Double) -> [WorkflowEvent] {
        guard case var .agui(value) = decoder else { return [] }
        decoder = nil
        let result = value.resume(answering: answers, at: timestamp)
        decoder = .agui(value)
        return shifted(result)
    }

    public var unknownEventCounts: [String: Int] { inner?.unknownEventCounts ?? [:] }
    public var ignoredEventCounts: [String: Int] { inner?.ignoredEventCounts ?? [:] }

    private var inner: (any RemoteStreamDecoder)? {
        switch decoder {
        case let .flowtop(value): return value
        case let .text(value): return value
        case let .agui(value): return value
        case let .openai(value): return value
        case let .devui(value): return value
        case nil: return nil
        }
    }

    public mutating func decode(_ event: SSEEvent, at timestamp: Double) -> [WorkflowEvent] {
        if decoder != nil { return forward(event, at: timestamp) }
        buffered.append((event, timestamp))
        if let dialect = WireDialect.detect(event) { return choose(dialect, at: timestamp) }
        guard buffered.count >= bufferLimit else { return [] }
        return fallBack(because: "none of the first \(buffered.count) events shows a known dialect", at: timestamp)
    }

    public mutating func finish(at timestamp: Double) -> [WorkflowEvent] {
        var events: [WorkflowEvent] = []
        if decoder == nil {
            if buffered.isEmpty {
                return [WorkflowEvent(sequence: 1, timestamp: timestamp, kind: .runFailed(error: "the stream ended before any event", agent: nil))]
            }
            events = fallBack(because: "the stream ended before any event showed a known dialect", at: timestamp)
        }
        var result: [WorkflowEvent]
        switch decoder {
        case var .flowtop(value): decoder = nil; result = value.finish(at: timestamp); decoder = .flowtop(value)
        case var .text(value): decoder = nil; result = value.finish(at: timestamp); decoder = .text(value)
        case var .agui(value): decoder = nil; result = value.finish(at: timestamp); decoder = .agui(value)
        case var .openai(value): decoder = nil; result = value.finish(at: timestamp); decoder = .openai(value)
        case var .devui(value): decoder = nil; result = value.finish(at: timestamp); decoder = .devui(value)
        case nil: result = []
        }
        return events + shifted(result)
    }

    private mutating func choose(_ dialect: WireDialect, at timestamp: Double) -> [WorkflowEvent] {
        switch dialect {
        case .flowtop: decoder = .flowtop(FlowtopStreamDecoder())
        case .text: decoder = .text(TextStreamDecoder(agentName: agentName ?? "agent", workflowName: workflowName))
        case .agui: decoder = .agui(AGUIStreamDecoder(defaultAgentName: agentName ?? "agent", workflowName: workflowName))
        case .openai: decoder = .openai(OpenAIChunkStreamDecoder(agentName: agentName, workflowName: workflowName))
        case .devui: decoder = .devui(DevUIStreamDecoder(agentName: agentName ?? "agent", workflowName: workflowName))
        }
        let replay = buffered
        buffered.removeAll()
        return replay.flatMap { forward($0.event, at: $0.timestamp) }
    }

    private mutating func fallBack(because reason: String, at timestamp: Double) -> [WorkflowEvent] {
        offset = 1
        let warning = WorkflowEvent(
            sequence: 1, timestamp: buffered.first?.timestamp ?? timestamp,
            kind: .warning(agent: nil, message: "\(reason); reading it as the text dialect"))
        return [warning] + choose(.text, at: timestamp)
    }

    /// Each case takes its decoder out of the enum and clears the enum before mutating it: a decoder left in the
    /// enum too would share its storage, and every delta would copy what it has accumulated (the answer's text),
    /// which made a long AG-UI or OpenAI stream quadratic.
    private mutating func forward(_ event: SSEEvent, at timestamp: Double) -> [WorkflowEvent] {
        let result: [WorkflowEvent]
        switch decoder {
        case var .flowtop(value): decoder = nil; result = value.decode(event, at: timestamp); decoder = .flowtop(value)
        case var .text(value): decoder = nil; result = value.decode(event, at: timestamp); decoder = .text(value)
        case var .agui(value): decoder = nil; result = value.decode(event, at: timestamp); decoder = .agui(value)
        case var .openai(value): decoder = nil; result = value.decode(event, at: timestamp); decoder = .openai(value)
        case var .devui(value): decoder = nil; result = value.decode(event, at: timestamp); decoder = .devui(value)
        case nil: result = []
        }
        return shifted(result)
    }

    private func shifted(_ events: [WorkflowEvent]) -> [WorkflowEvent] {
        guard offset != 0 else { return events }
        return events.map { var event = $0; event.sequence += offset; return event }
    }
}

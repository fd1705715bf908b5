import EventStream
import Foundation
import WorkflowCore

/// Turns one stream's events into SSE bytes in a dialect. Stateful: the SSE encoder writes `id:` only when it
/// changes, and AG-UI needs to know which message and step are open. Lives beside the decoders so each dialect's
/// two directions are read and changed together; `flowtop serve` is one user, tests and tools are others.
public struct WireEncoder: Sendable {
    public let dialect: WireDialect
    private var encoder = SSEEncoder()
    /// Reused for each event's JSON.
    private var scratch: [UInt8] = []
    private var agui: AGUIEventEncoder

    /// An encoder for a dialect flowtop writes (`WireDialect.servable`); `threadId` and `runId` are AG-UI's,
    /// echoed from the client's input.
    public init(dialect: WireDialect, threadId: String? = nil, runId: String? = nil) {
        precondition(dialect.isServable, "flowtop reads the \(dialect.rawValue) dialect but does not write it")
        self.dialect = dialect
        self.agui = AGUIEventEncoder(threadId: threadId, runId: runId)
    }

    /// Appends the bytes for `event` (possibly none: the text dialect drops everything but text).
    public mutating func append(_ event: WorkflowEvent, to output: inout [UInt8]) {
        switch dialect {
        case .flowtop:
            FlowtopWireFormat.appendSSE(for: event, encoder: &encoder, scratch: &scratch, to: &output)
        case .text:
            guard case let .textDelta(_, _, text) = event.kind else { return }
            output.append(contentsOf: Self.textPrefix)
            PythonJSONString.quote(text, into: &output)
            output.append(contentsOf: Self.textSuffix)
        case .agui:
            for object in agui.encode(event) {
                output.append(contentsOf: Self.dataPrefix)
                output.append(contentsOf: object.utf8)
                output.append(contentsOf: Self.blankLine)
            }
        case .openai, .devui:
            preconditionFailure("unreachable: init refuses dialects flowtop does not write")
        }
    }

    /// The terminal event for a stream that must end before its run did (a watcher that fell behind, or whose
    /// run vanished), in this dialect.
    public mutating func appendFailure(_ message: String, sequence: Int, to output: inout [UInt8]) {
        append(WorkflowEvent(sequence: sequence, timestamp: Date().timeIntervalSince1970,
                             kind: .runFailed(error: message, agent: nil)), to: &output)
    }

    /// The sample's `data: {"text": …}` framing (Python's spacing).
    private static let textPrefix = Array("data: {\"text\": ".utf8)
    private static let textSuffix = Array("}\n\n".utf8)
    private static let dataPrefix = Array("data: ".utf8)
    private static let blankLine = Array("\n\n".utf8)
}

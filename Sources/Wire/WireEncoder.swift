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
            appendObjects(agui.encode(event), to: &output)
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

    /// AG-UI: the agent steps open now (an interrupted stream closes them; its follow-up opens them again).
    public var openSteps: [String] { dialect == .agui ? agui.openSteps : [] }

    /// AG-UI: ends the stream at the requests it announced and that are still pending (`AGUIEventEncoder.interrupt()`).
    /// False, and nothing written, when none is pending or the dialect has no such end.
    public mutating func appendInterruption(to output: inout [UInt8]) -> Bool {
        guard dialect == .agui else { return false }
        let objects = agui.interrupt()
        appendObjects(objects, to: &output)
        return !objects.isEmpty
    }

    /// AG-UI: starts a follow-up run that continues an interrupted one (`AGUIEventEncoder.resume(steps:)`).
    public mutating func appendResumption(steps: [String], to output: inout [UInt8]) {
        guard dialect == .agui else { return }
        appendObjects(agui.resume(steps: steps), to: &output)
    }

    private func appendObjects(_ objects: [String], to output: inout [UInt8]) {
        for object in objects {
            output.append(contentsOf: Self.dataPrefix)
            output.append(contentsOf: object.utf8)
            output.append(contentsOf: Self.blankLine)
        }
    }

    /// The sample's `data: {"text": …}` framing (Python's spacing).
    private static let textPrefix = Array("data: {\"text\": ".utf8)
    private static let textSuffix = Array("}\n\n".utf8)
    private static let dataPrefix = Array("data: ".utf8)
    private static let blankLine = Array("\n\n".utf8)
}

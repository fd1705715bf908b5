import EventStream
import Foundation
import Wire
import WorkflowCore

/// Turns one stream's events into bytes in its format. Stateful: the SSE encoder writes `id:` only when it
/// changes, and AG-UI needs to know which message and step are open.
struct EventFormatter {
    let format: StreamFormat
    private var encoder = SSEEncoder()
    /// Reused for each event's JSON.
    private var scratch: [UInt8] = []
    private var agui: AGUIEventMapper

    init(format: StreamFormat, threadId: String? = nil, runId: String? = nil) {
        self.format = format
        self.agui = AGUIEventMapper(threadId: threadId, runId: runId)
    }

    /// Appends the bytes for `event` (possibly none: the text format drops everything but text).
    mutating func append(_ event: WorkflowEvent, to output: inout [UInt8]) {
        switch format {
        case .flowtop:
            FlowtopWireFormat.appendSSE(for: event, encoder: &encoder, scratch: &scratch, to: &output)
        case .text:
            guard case let .textDelta(_, _, text) = event.kind else { return }
            output.append(contentsOf: Self.textPrefix)
            PythonJSONString.quote(text, into: &output)
            output.append(contentsOf: Self.textSuffix)
        case .agui:
            for object in agui.map(event) {
                output.append(contentsOf: Self.dataPrefix)
                output.append(contentsOf: object.utf8)
                output.append(contentsOf: Self.blankLine)
            }
        }
    }

    /// The terminal event for a stream that must end before its run did (shutdown with the run still going is
    /// ended by the run itself; this covers a watcher whose run vanished).
    mutating func appendFailure(_ message: String, sequence: Int, to output: inout [UInt8]) {
        append(WorkflowEvent(sequence: sequence, timestamp: Date().timeIntervalSince1970,
                             kind: .runFailed(error: message, agent: nil)), to: &output)
    }

    private static let textPrefix = Array("data: {\"text\": ".utf8)
    private static let textSuffix = Array("}\n\n".utf8)
    private static let dataPrefix = Array("data: ".utf8)
    private static let blankLine = Array("\n\n".utf8)
}

import Hummingbird
import NIOCore
import WorkflowCore

/// Writes one watcher's view of a run as an SSE response body: each event is written (and so flushed) as soon as
/// it arrives, a `: keepalive` comment goes out when the stream has been quiet for the keepalive interval, and the
/// stream always ends with the run's terminal event.
struct EventStreamWriter {
    let record: RunRecord
    let keepaliveInterval: Duration

    /// Streams events after sequence `after` until the run's terminal event. Throws when the client is gone.
    func write(format: inout EventFormatter, after: Int, to writer: inout any ResponseBodyWriter) async throws {
        let (stream, watcher) = record.watch(after: after)
        defer { record.unwatch(watcher) }
        let ticker = Task { [record, keepaliveInterval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: keepaliveInterval)
                record.tick(watcher)
            }
        }
        defer { ticker.cancel() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        var sawTerminal = false
        var lastSequence = after
        for await item in stream {
            bytes.removeAll(keepingCapacity: true)
            switch item {
            case let .event(event):
                format.append(event, to: &bytes)
                lastSequence = event.sequence
                sawTerminal = event.isTerminal
            case .keepalive:
                bytes.append(contentsOf: Self.keepalive)
            }
            if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
        }
        if !sawTerminal {
            // The stream ended without the run's end: the watcher was dropped (shutdown) or the run vanished.
            bytes.removeAll(keepingCapacity: true)
            format.appendFailure("the stream ended before the run did", sequence: lastSequence + 1, to: &bytes)
            if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
        }
    }

    static let keepalive = Array(": keepalive\n\n".utf8)
}

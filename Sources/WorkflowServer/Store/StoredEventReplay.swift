import Hummingbird
import NIOCore
import RunStore
import Wire
import WorkflowCore

/// A run's events from the store, for a watcher that asks for more than memory holds: a run finished before a
/// restart, or events older than the run's buffer. Written as the live stream writes them (same encoder), so a
/// client cannot tell where the store ends and memory begins.
struct StoredEventReplay {
    let store: any RunStore
    let runId: String
    static let pageSize = EventStreamWriter.batchLimit

    /// Writes stored events after `after` until `through` (the last sequence wanted from the store) or the store
    /// has no more; returns the last sequence written and whether it was the run's terminal event.
    func write(
        encoder format: inout WireEncoder, after: Int, through: Int = .max, to writer: inout any ResponseBodyWriter
    ) async throws -> (cursor: Int, sawTerminal: Bool) {
        var cursor = after
        var bytes: [UInt8] = []
        while cursor < through {
            let page = try await store.events(ofRun: runId, after: cursor, limit: Self.pageSize)
            guard !page.isEmpty else { break }
            bytes.removeAll(keepingCapacity: true)
            for stored in page where stored.sequence <= through {
                let event = try FlowtopWireDecoder.decode(json: stored.json, fallbackSequence: stored.sequence)
                format.append(event, to: &bytes)
                cursor = stored.sequence
                if event.isTerminal {
                    try await writer.write(ByteBuffer(bytes: bytes))
                    return (cursor, true)
                }
            }
            if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
            if page.count < Self.pageSize { break }
        }
        return (cursor, false)
    }
}

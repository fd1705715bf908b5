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
        while cursor < through {
            let page = try await store.events(ofRun: runId, after: cursor, limit: Self.pageSize)
            guard !page.isEmpty else { break }
            let (last, terminal) = try await Self.write(
                page.prefix { $0.sequence <= through }, encoder: &format, to: &writer)
            cursor = last ?? cursor
            if terminal { return (cursor, true) }
            if page.count < Self.pageSize { break }
        }
        return (cursor, false)
    }

    /// Follows a run live on another instance that shares the store, from `after` until it ends: its events as
    /// that instance commits them. Returns the last sequence written, whether it was the terminal event, and the
    /// run's state when the follower let go.
    func follow(
        _ live: any LiveRunStore, encoder format: inout WireEncoder, after: Int, keepalive: Duration,
        to writer: inout any ResponseBodyWriter
    ) async throws -> (cursor: Int, sawTerminal: Bool, state: RunState) {
        var cursor = after
        var sawTerminal = false
        let follower = StoredRunFollower(store: live, runId: runId, quiet: keepalive)
        let final = try await follower.follow(after: after, onQuiet: {
            try await writer.write(ByteBuffer(bytes: EventStreamWriter.keepalive))
        }) { page in
            let (last, terminal) = try await Self.write(page, encoder: &format, to: &writer)
            cursor = last ?? cursor
            sawTerminal = sawTerminal || terminal
        }
        return (cursor, sawTerminal, final.state)
    }

    /// Decodes stored events and writes them in the stream's dialect, up to and including a terminal event;
    /// returns the last sequence written (nil: none) and whether it was terminal.
    private static func write(
        _ events: some Collection<StoredEvent>, encoder format: inout WireEncoder, to writer: inout any ResponseBodyWriter
    ) async throws -> (last: Int?, terminal: Bool) {
        var bytes: [UInt8] = []
        var last: Int?
        var terminal = false
        for stored in events {
            let event = try FlowtopWireDecoder.decode(json: stored.json, fallbackSequence: stored.sequence)
            format.append(event, to: &bytes)
            last = stored.sequence
            if event.isTerminal {
                terminal = true
                break
            }
        }
        if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
        return (last, terminal)
    }
}

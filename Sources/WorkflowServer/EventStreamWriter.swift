import Hummingbird
import NIOCore
import Wire
import WorkflowCore

/// Writes one watcher's view of a run as an SSE response body. Each wake-up takes every event that arrived since
/// the last one and writes them in one write (one event when the run is slow, so each is flushed as it happens; a
/// batch when it is fast, so a busy server is not one syscall per token). A `: keepalive` comment goes out when
/// nothing was written for the keepalive interval, and the stream always ends with the run's terminal event.
struct EventStreamWriter {
    let record: RunRecord
    let keepaliveInterval: Duration
    /// Whether this is the stream of the request that started the run, which paces the run's models.
    var paces = false
    /// The most events written at once, which bounds a write's size.
    static let batchLimit = 512

    /// Streams events after sequence `after` until the run's terminal event, or (`stopsAtRequests`, AG-UI's way)
    /// until a batch leaves a request for a person pending: the stream then ends with the interrupt and the run
    /// waits for a follow-up; `stopsAtRequests` is told the last event written and the steps the interrupt closes
    /// just before the interrupt goes out. Throws when the client is gone. `resumed`: events before `after` were
    /// written already (from the store), so a gap is reported, not skipped.
    func write(encoder format: inout WireEncoder, after: Int, resumed: Bool = false,
               stopsAtRequests: (@Sendable (_ last: Int, _ steps: [String]) -> Void)? = nil,
               to writer: inout any ResponseBodyWriter) async throws {
        let (signals, watcher) = record.watch(after: after, paces: paces)
        defer { record.unwatch(watcher) }
        // The registry's clock wakes this watcher now and then, which is when a due keepalive goes out.
        let clock = ContinuousClock()
        var lastWrite = clock.now
        var wakeups = signals.makeAsyncIterator()
        var signalsDone = false
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4096)
        var cursor = after
        var sawTerminal = false
        var delivered = resumed
        while true {
            let (batch, ended) = record.events(after: cursor, limit: Self.batchLimit, watcher: watcher)
            if let first = batch.first, first.sequence > cursor + 1, delivered {
                // This watcher fell so far behind that its next events were dropped: say so rather than skip.
                bytes.removeAll(keepingCapacity: true)
                format.appendFailure(
                    "this stream fell too far behind the run; events \(cursor + 1)-\(first.sequence - 1) were dropped",
                    sequence: cursor + 1, to: &bytes)
                if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                throw FellBehind()
            }
            if let last = batch.last {
                delivered = true
                bytes.removeAll(keepingCapacity: true)
                for event in batch { format.append(event, to: &bytes) }
                cursor = last.sequence
                sawTerminal = last.isTerminal
                if let stopsAtRequests, !sawTerminal {
                    let steps = format.openSteps
                    var interrupt: [UInt8] = []
                    if format.appendInterruption(to: &interrupt) {
                        stopsAtRequests(cursor, steps)
                        try await writer.write(ByteBuffer(bytes: bytes + interrupt))
                        return
                    }
                }
                if !bytes.isEmpty {
                    try await writer.write(ByteBuffer(bytes: bytes))
                    lastWrite = clock.now
                }
                if sawTerminal { break }
                continue
            }
            if ended || signalsDone { break }
            if await wakeups.next() == nil {
                signalsDone = true
                continue
            }
            if clock.now - lastWrite >= keepaliveInterval {
                try await writer.write(ByteBuffer(bytes: Self.keepalive))
                lastWrite = clock.now
            }
        }
        if !sawTerminal {
            // The run ended without a terminal event this watcher could see (it fell out of the buffer).
            bytes.removeAll(keepingCapacity: true)
            format.appendFailure("the stream ended before the run did", sequence: cursor + 1, to: &bytes)
            if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
        }
    }

    static let keepalive = Array(": keepalive\n\n".utf8)

    /// The stream was ended because its reader could not keep up.
    struct FellBehind: Error {}
}

import EventStream
import Testing

@Suite("Async sequence")
struct AsyncSequenceTests {
    /// Yields the given chunks and counts how often it was asked for one.
    struct Chunks: AsyncSequence, Sendable {
        typealias Element = [UInt8]
        let chunks: [[UInt8]]
        let pulls: PullCounter

        struct AsyncIterator: AsyncIteratorProtocol {
            var remaining: ArraySlice<[UInt8]>
            let pulls: PullCounter
            mutating func next() async -> [UInt8]? {
                pulls.increment()
                return remaining.popFirst()
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: chunks[...], pulls: pulls) }
    }

    final class PullCounter: @unchecked Sendable {
        private(set) var count = 0
        func increment() { count += 1 }
    }

    @Test func eventsFromChunksWithOneAwaitPerChunk() async throws {
        let bytes = ChunkingTests.stream
        let chunks = stride(from: 0, to: bytes.count, by: 64).map { Array(bytes[$0..<min(bytes.count, $0 + 64)]) }
        let pulls = PullCounter()
        var events: [SSEEvent] = []
        for try await event in Chunks(chunks: chunks, pulls: pulls).serverSentEvents() { events.append(event) }
        #expect(events == ChunkingTests.expected)
        #expect(pulls.count == chunks.count + 1)
    }

    @Test func sliceChunksWork() async throws {
        let stream = AsyncStream<ArraySlice<UInt8>> { continuation in
            let bytes = ChunkingTests.stream
            for start in stride(from: 0, to: bytes.count, by: 5) {
                continuation.yield(bytes[start..<min(bytes.count, start + 5)])
            }
            continuation.finish()
        }
        var events: [SSEEvent] = []
        for try await event in stream.serverSentEvents() { events.append(event) }
        #expect(events == ChunkingTests.expected)
    }

    @Test func limitErrorsAreThrownToTheConsumer() async throws {
        let stream = AsyncStream<[UInt8]> { continuation in
            continuation.yield(Array("data: ok\n\n".utf8))
            continuation.yield(Array("data: far too long\n\n".utf8))
            continuation.finish()
        }
        var received: [SSEEvent] = []
        await #expect(throws: SSEParserError.lineTooLong(limit: 12, offset: 10)) {
            for try await event in stream.serverSentEvents(limits: SSELimits(maxLineLength: 12)) {
                received.append(event)
            }
        }
        #expect(received == [message("ok")])
    }

    @Test func unterminatedEventAtEndIsDropped() async throws {
        let stream = AsyncStream<[UInt8]> { continuation in
            continuation.yield(Array("data: a\n\ndata: b".utf8))
            continuation.finish()
        }
        var events: [SSEEvent] = []
        for try await event in stream.serverSentEvents() { events.append(event) }
        #expect(events == [message("a")])
    }
}

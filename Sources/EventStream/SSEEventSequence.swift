/// Events parsed from an asynchronous sequence of byte chunks (an HTTP body, a pipe, a file read in blocks).
///
/// It awaits once per chunk, never per byte, and hands out the events of a chunk from a reused buffer.
/// A chunk may be anything with contiguous bytes: `[UInt8]`, `ArraySlice<UInt8>`, NIO's `ByteBufferView`.
public struct SSEEventSequence<Base: AsyncSequence>: AsyncSequence where Base.Element: Sequence<UInt8> {
    public typealias Element = SSEEvent

    let base: Base
    let limits: SSELimits

    public init(_ base: Base, limits: SSELimits = .default) {
        self.base = base
        self.limits = limits
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), parser: SSEParser(limits: limits))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var parser: SSEParser
        var ready: [SSEEvent] = []
        var readyIndex = 0
        var finished = false

        /// The parser, for its `lastEventId` and `reconnectionTime` after iteration ends or fails.
        public var state: SSEParser { parser }

        public mutating func next() async throws -> SSEEvent? {
            while true {
                if readyIndex < ready.count {
                    defer { readyIndex += 1 }
                    return ready[readyIndex]
                }
                ready.removeAll(keepingCapacity: true)
                readyIndex = 0
                if finished { return nil }
                guard let chunk = try await base.next() else {
                    finished = true
                    parser.finish()
                    return nil
                }
                try parser.parse(chunk, into: &ready)
            }
        }
    }
}

extension SSEEventSequence: Sendable where Base: Sendable {}

extension AsyncSequence where Element: Sequence<UInt8> {
    /// The Server-Sent Events in this stream of byte chunks.
    public func serverSentEvents(limits: SSELimits = .default) -> SSEEventSequence<Self> {
        SSEEventSequence(self, limits: limits)
    }
}

import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The load generator of `flowtop-bench serve` and `soak`: concurrent `POST /api/workflow/stream` requests, each read to its end in
/// a channel handler on one event-loop thread. No task hop per chunk and one thread in all, so the client takes
/// as little of the machine's two cores as it can and what the benchmark measures is the server.
enum StreamLoadClient {
    /// Runs `body` with one event-loop thread for all the client's streams (so the client takes as little of the
    /// shared cores as it can), shut down afterwards whatever happens.
    static func withEventLoop<T>(_ body: (MultiThreadedEventLoopGroup) async throws -> T) async throws -> T {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let value = try await body(group)
            try await group.shutdownGracefully()
            return value
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    struct Result: Sendable {
        /// SSE events received (blank-line terminators counted in the de-chunked body).
        var events = 0
        /// Bytes of the de-chunked body.
        var bytes = 0
        /// Seconds from starting to connect to the first byte of the body (the first event).
        var firstEvent: Double?
        /// The stream answered 200 and ended with the run's `done` event.
        var ok = false
    }

    static let message = #"{"message":"Research Seattle weather and create a report"}"#

    /// Opens one stream and reads it to its end (or failure).
    static func stream(port: Int, group: any EventLoopGroup) async -> Result {
        let start = NIODeadline.now()
        let promise = group.next().makePromise(of: Result.self)
        let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                try channel.pipeline.syncOperations.addHandler(StreamReader(port: port, start: start, promise: promise))
            }
        }
        do {
            _ = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
        } catch {
            // The reader, if it was added, completes the promise as its channel goes away.
            return Result()
        }
        return (try? await promise.futureResult.get()) ?? Result()
    }
}

/// Sends the request when connected, then counts the response's events as its body arrives.
private final class StreamReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let port: Int
    private let start: NIODeadline
    private let promise: EventLoopPromise<StreamLoadClient.Result>
    private var result = StreamLoadClient.Result()
    private var status: HTTPResponseStatus?
    private var previous: UInt8 = 0
    /// The body's last bytes, kept across chunks, to see the `done` event at the end.
    private var tail: [UInt8] = []

    init(port: Int, start: NIODeadline, promise: EventLoopPromise<StreamLoadClient.Result>) {
        self.port = port
        self.start = start
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/api/workflow/stream")
        head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(StreamLoadClient.message.utf8.count))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: StreamLoadClient.message)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            status = head.status
        case let .body(buffer):
            if result.firstEvent == nil {
                result.firstEvent = Double((NIODeadline.now() - start).nanoseconds) / 1e9
            }
            result.bytes += buffer.readableBytes
            buffer.withUnsafeReadableBytes { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
                // Line feeds found with memchr: the client must cost the server's two cores as little as it can.
                var offset = 0
                while offset < bytes.count,
                    let found = memchr(base + offset, 0x0A, bytes.count - offset)
                {
                    let index = base.distance(to: UnsafeRawPointer(found))
                    let before = index == 0 ? previous : bytes[index - 1]
                    if before == 0x0A { result.events += 1 }
                    offset = index + 1
                }
                previous = bytes[bytes.count - 1]
                tail = bytes.count >= 200 ? Array(bytes.suffix(200)) : Array((tail + bytes).suffix(200))
            }
        case .end:
            result.ok = status == .ok && String(decoding: tail, as: UTF8.self).contains("event: done")
            complete()
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// However the channel ends (a cut stream, a failed connect), the stream's result is given once.
    func handlerRemoved(context: ChannelHandlerContext) {
        complete()
    }

    private var completed = false

    private func complete() {
        guard !completed else { return }
        completed = true
        promise.succeed(result)
    }
}

import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 and an ephemeral port that answers with scripted responses and records every
/// request, so clients can be tested over real sockets: chunked streaming, stalls, cut connections, reconnects.
///
/// ```swift
/// let server = LoopbackServer { request in
///     request.sequenceNumber == 0 ? .json(status: 503, "{}") : .eventStream([.bytes(Array("data: hi\n\n".utf8))])
/// }
/// try await server.start()            // then point a client at server.baseURL
/// …
/// await server.shutdown()             // also cuts responses still playing
/// server.requests                     // what the client sent, in order
/// ```
public final class LoopbackServer: Sendable {
    /// Chooses the response to a request. Runs in the request's connection task; a handler that waits should
    /// honour task cancellation, which is how `shutdown()` stops it.
    public typealias Handler = @Sendable (RecordedRequest) async -> ScriptedResponse

    private struct State {
        var port: Int?
        var acceptLoop: Task<Void, Never>?
        var listener: (any Channel)?
        var accepted: AcceptedConnections?
    }

    private let handler: Handler
    private let log = RequestLog()
    private let state = Mutex(State())

    public init(handler: @escaping Handler) {
        self.handler = handler
    }

    /// Answers the n-th request with `responses[n]`, and every request past the end with the last one.
    public convenience init(responses: [ScriptedResponse]) {
        precondition(!responses.isEmpty, "a LoopbackServer needs at least one response")
        self.init { request in responses[min(request.sequenceNumber, responses.count - 1)] }
    }

    /// Binds 127.0.0.1 and starts accepting connections.
    ///
    /// - Parameter port: 0 (the default) for a port the system picks; after a `shutdown()`, pass the old `port` to
    ///   restart the same server where clients expect it (a server restart, for reconnect tests). The request log
    ///   carries on across restarts.
    public func start(port requestedPort: Int = 0) async throws {
        precondition(state.withLock { $0.acceptLoop == nil }, "the loopback server is already running")
        let accepted = AcceptedConnections()
        let serverChannel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: requestedPort) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return accepted.admit(try ConnectionServer.Connection(wrappingChannelSynchronously: channel))
                }
            }
        guard let port = serverChannel.channel.localAddress?.port else {
            try? await serverChannel.channel.close()
            throw LoopbackError.notStarted
        }
        let log = self.log
        let handler = self.handler
        // Connections live in `accepted` until this loop takes them (see AcceptedConnections); shutdown closes the
        // listener, which ends the loop, rather than cancelling it.
        let acceptLoop = Task {
            await withDiscardingTaskGroup { group in
                try? await serverChannel.executeThenClose { keys in
                    for try await key in keys {
                        guard let key, let connection = accepted.take(key) else { continue }
                        let server = ConnectionServer(
                            connectionNumber: log.nextConnectionNumber(), log: log, handler: handler)
                        group.addTask { await server.serve(connection) }
                    }
                }
                // Stop the connections still open (hung scripts, kept-alive clients) once accepting ends.
                group.cancelAll()
            }
        }
        state.withLock { $0 = State(port: port, acceptLoop: acceptLoop, listener: serverChannel.channel, accepted: accepted) }
    }

    /// The bound port. Valid once `start()` returned, and still after `shutdown()` (nothing listens there then).
    public var port: Int {
        guard let port = state.withLock({ $0.port }) else { preconditionFailure("\(LoopbackError.notStarted)") }
        return port
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The requests received so far, in arrival order.
    public var requests: [RecordedRequest] { log.requests }

    /// Stops accepting, closes every connection (cutting any response still playing) and waits until all are done.
    public func shutdown() async {
        let running = state.withLock { state in
            defer {
                state.acceptLoop = nil
                state.listener = nil
                state.accepted = nil
            }
            return (state.acceptLoop, state.listener, state.accepted)
        }
        guard let acceptLoop = running.0 else { return }
        running.2?.closeAll()
        try? await running.1?.close()
        await acceptLoop.value
    }
}

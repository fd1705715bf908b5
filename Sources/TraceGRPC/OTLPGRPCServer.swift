import GRPCCore
import GRPCNIOTransportHTTP2
import TraceIngest

/// The OTLP/gRPC server (plaintext HTTP/2, gzip and deflate accepted), bound to `host:port` (0 picks a port).
public struct OTLPGRPCServer: Sendable {
    let transport: HTTP2ServerTransport.Posix
    let server: GRPCServer<HTTP2ServerTransport.Posix>

    public init(host: String, port: Int, receiver: TraceReceiver, maxMessageBytes: Int = 8 << 20) {
        var config = HTTP2ServerTransport.Posix.Config.defaults
        config.compression.enabledAlgorithms = .all
        config.rpc.maxRequestPayloadSize = maxMessageBytes
        let address: GRPCNIOTransportCore.SocketAddress = host.contains(":") ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port)
        transport = HTTP2ServerTransport.Posix(address: address, transportSecurity: .plaintext, config: config)
        server = GRPCServer(transport: transport, services: [OTLPGRPCService(receiver: receiver)])
    }

    /// Serves until the task is cancelled or `stop()` is called.
    public func serve() async throws {
        try await server.serve()
    }

    /// The bound port, once listening.
    public var port: Int {
        get async throws {
            let address = try await transport.listeningAddress
            return address.ipv4?.port ?? address.ipv6?.port ?? 0
        }
    }

    public func stop() {
        server.beginGracefulShutdown()
    }
}

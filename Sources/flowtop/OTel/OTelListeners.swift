import Hummingbird
import Logging
import ServiceLifecycle
import TraceGRPC
import TraceIngest

/// The OTLP/HTTP and OTLP/gRPC listeners of `flowtop otel`, run as one service group until SIGINT/SIGTERM or the
/// calling task is cancelled.
struct OTelListeners: Sendable {
    var host: String
    var port: Int
    /// nil: no gRPC.
    var grpcPort: Int?
    var limits: OTLPLimits

    /// Where it listens, as the runs list's header says it.
    var label: String {
        let display = host.contains(":") ? "[\(host)]" : host
        return "OTLP http://\(display):\(port)" + (grpcPort.map { " · gRPC :\($0)" } ?? "")
    }

    /// Serves until a signal or cancellation; `announce` gets the line saying where it listens once both are bound.
    func serve(_ receiver: TraceReceiver, announce: @escaping @Sendable (String) -> Void) async throws(CommandLineFailure) {
        let logger = Logger(label: "flowtop.otel")
        let router = Router()
        OTLPRoutes(receiver: receiver, limits: limits).register(on: router)
        let host = host
        let limits = limits
        let grpc = grpcPort.map { OTLPGRPCServer(host: host, port: $0, receiver: receiver, maxMessageBytes: limits.maxDecompressedBytes) }
        let display = host.contains(":") ? "[\(host)]" : host
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "flowtop"),
            onServerRunning: { channel in
                let httpPort = channel.localAddress?.port ?? 0
                var line = "flowtop otel: listening on http://\(display):\(httpPort) (OTLP/HTTP)"
                if let grpc, let grpcPort = try? await grpc.port { line += " and \(display):\(grpcPort) (OTLP/gRPC)" }
                announce(line)
            }, logger: logger)
        var services: [any Service] = [app]
        if let grpc { services.append(GRPCListener(server: grpc)) }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await withTaskCancellationHandler {
                try await group.run()
            } onCancel: {
                Task { await group.triggerGracefulShutdown() }
            }
        } catch {
            // Cancelled (the runs list was quit): the listeners stopped as asked, whatever the gRPC transport
            // throws on the way out ("Server transport threw an error", caused by a CancellationError).
            if Task.isCancelled { return }
            throw CommandLineFailure("cannot receive OTLP on \(display): \(error)")
        }
    }
}

/// The gRPC server as a service of the group: a graceful shutdown stops it.
private struct GRPCListener: Service {
    let server: OTLPGRPCServer

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.stop()
        }
    }
}

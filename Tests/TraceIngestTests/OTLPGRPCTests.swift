import Dashboard
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import OTLPProto
import Synchronization
import Testing
import TraceGRPC
import TraceIngest
import WorkflowCore

/// OTLP/gRPC on a real loopback server, called by a grpc-swift 2 client as an exporter calls it.
@Suite("OTLP/gRPC receiver")
struct OTLPGRPCTests {
    typealias Service = OTLPGRPCService

    @Test("the captured batches exported over gRPC build the run; metrics and logs are answered with success")
    func export() async throws {
        let log = LogBox()
        let receiver = TraceReceiver { updates in log.append(updates) }
        let server = OTLPGRPCServer(host: "127.0.0.1", port: 0, receiver: receiver)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let port = try await server.port
            try await withGRPCClient(
                transport: .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            ) { client in
                for name in Capture.protobufBatches {
                    let request = try Service.TraceRequest(serializedBytes: Capture.bytes(name))
                    let response = try await client.unary(
                        request: ClientRequest(message: request), descriptor: Service.traceExport,
                        serializer: ProtobufSerializer<Service.TraceRequest>(),
                        deserializer: ProtobufDeserializer<Service.TraceResponse>(), options: .defaults
                    ) { try $0.message }
                    #expect(!response.hasPartialSuccess)
                }
                _ = try await client.unary(
                    request: ClientRequest(message: Service.MetricsRequest()), descriptor: Service.metricsExport,
                    serializer: ProtobufSerializer<Service.MetricsRequest>(),
                    deserializer: ProtobufDeserializer<Service.MetricsResponse>(), options: .defaults
                ) { try $0.message }
                _ = try await client.unary(
                    request: ClientRequest(message: Service.LogsRequest()), descriptor: Service.logsExport,
                    serializer: ProtobufSerializer<Service.LogsRequest>(),
                    deserializer: ProtobufDeserializer<Service.LogsResponse>(), options: .defaults
                ) { try $0.message }
            }
            server.stop()
            try await group.waitForAll()
        }
        var state = DashboardState()
        _ = state.update(.events(try await log.endedEvents(of: Capture.runTraceId)))
        #expect(state.runStatus == .completed)
        #expect(state.agents.map(\.name) == ["input-conversation", "Researcher", "Writer"])
        #expect(state.timeline.first?.result == "Weather in Seattle, WA, USA : sunny, 21°C, light breeze from the west.")
    }
}

import GRPCCore
import GRPCProtobuf
import OTLPProto
import TraceIngest

/// OTLP/gRPC: the `Export` methods of the trace, metrics and logs services, registered by hand (the three
/// unary methods are all the glue there is, so no gRPC code generator is needed). Traces feed the receiver;
/// metrics and logs answer an empty success. A request whose spans were partly refused answers with
/// `partial_success`, as OTLP says.
public struct OTLPGRPCService: RegistrableRPCService {
    public typealias TraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
    public typealias TraceResponse = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse
    public typealias MetricsRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
    public typealias MetricsResponse = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse
    public typealias LogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
    public typealias LogsResponse = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse

    public static let traceExport = MethodDescriptor(
        fullyQualifiedService: "opentelemetry.proto.collector.trace.v1.TraceService", method: "Export", type: .unary)
    public static let metricsExport = MethodDescriptor(
        fullyQualifiedService: "opentelemetry.proto.collector.metrics.v1.MetricsService", method: "Export", type: .unary)
    public static let logsExport = MethodDescriptor(
        fullyQualifiedService: "opentelemetry.proto.collector.logs.v1.LogsService", method: "Export", type: .unary)

    let receiver: TraceReceiver

    public init(receiver: TraceReceiver) {
        self.receiver = receiver
    }

    public func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let receiver = receiver
        router.registerHandler(
            forMethod: Self.traceExport, deserializer: ProtobufDeserializer<TraceRequest>(),
            serializer: ProtobufSerializer<TraceResponse>()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            let acceptance = receiver.accept(OTLPSpans.spans(of: single.message))
            var response = TraceResponse()
            if acceptance.rejected > 0 || acceptance.reason != nil {
                response.partialSuccess.rejectedSpans = Int64(acceptance.rejected)
                response.partialSuccess.errorMessage = acceptance.reason ?? ""
            }
            return StreamingServerResponse(single: ServerResponse(message: response))
        }
        router.registerHandler(
            forMethod: Self.metricsExport, deserializer: ProtobufDeserializer<MetricsRequest>(),
            serializer: ProtobufSerializer<MetricsResponse>()
        ) { request, _ in
            _ = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: ServerResponse(message: MetricsResponse()))
        }
        router.registerHandler(
            forMethod: Self.logsExport, deserializer: ProtobufDeserializer<LogsRequest>(),
            serializer: ProtobufSerializer<LogsResponse>()
        ) { request, _ in
            _ = try await ServerRequest(stream: request)
            return StreamingServerResponse(single: ServerResponse(message: LogsResponse()))
        }
    }
}

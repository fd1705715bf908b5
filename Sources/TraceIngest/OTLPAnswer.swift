import Foundation
import OTLPProto
import SwiftProtobuf

/// The bodies OTLP/HTTP answers with, in the request's encoding: an `Export*ServiceResponse` on success (with
/// `partial_success` when spans were refused) and a `google.rpc.Status` with the reason on a 4xx.
public enum OTLPAnswer {
    public static func traces(rejected: Int, reason: String?, encoding: OTLPEncoding) -> [UInt8] {
        var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        if rejected > 0 || reason != nil {
            response.partialSuccess.rejectedSpans = Int64(rejected)
            response.partialSuccess.errorMessage = reason ?? ""
        }
        return encode(response, encoding)
    }

    public static func metrics(encoding: OTLPEncoding) -> [UInt8] {
        encode(Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse(), encoding)
    }

    public static func logs(encoding: OTLPEncoding) -> [UInt8] {
        encode(Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse(), encoding)
    }

    /// `code` is the gRPC code the HTTP status stands for (3 invalid argument, 8 resource exhausted, …).
    public static func status(code: Int32, message: String, encoding: OTLPEncoding) -> [UInt8] {
        var status = Google_Rpc_Status()
        status.code = code
        status.message = message
        return encode(status, encoding)
    }

    private static func encode(_ message: some SwiftProtobuf.Message, _ encoding: OTLPEncoding) -> [UInt8] {
        switch encoding {
        case .protobuf: return (try? message.serializedBytes()) ?? []
        case .json: return (try? message.jsonUTF8Bytes()) ?? Array("{}".utf8)
        }
    }
}

import Foundation
import OTLPProto
import SwiftProtobuf
import TraceRunBuilder

typealias ExportTraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest

/// OTLP export requests (protobuf or OTLP/JSON) → the builder's `TraceSpan`s. Any byte sequence gives spans or a
/// `DecodeFailure`, never a crash.
public enum OTLPSpans {
    public struct DecodeFailure: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// A protobuf `ExportTraceServiceRequest`.
    public static func decodeProtobuf(_ bytes: [UInt8]) throws(DecodeFailure) -> [TraceSpan] {
        if let spans = OTLPProtobufReader.spans(of: bytes) { return spans }
        return try decodeWithSwiftProtobuf(bytes)
    }

    /// SwiftProtobuf's reading, which decides every body `OTLPProtobufReader` steps aside for.
    static func decodeWithSwiftProtobuf(_ bytes: [UInt8]) throws(DecodeFailure) -> [TraceSpan] {
        let request: ExportTraceRequest
        do {
            request = try ExportTraceRequest(serializedBytes: bytes)
        } catch {
            throw DecodeFailure(reason: "the body is not an OTLP ExportTraceServiceRequest (protobuf): \(error)")
        }
        return spans(of: request, idText: hex, spanID: SpanID.init(bytes:))
    }

    /// An OTLP/JSON `ExportTraceServiceRequest`: proto3 JSON with lowerCamelCase names, except that trace and span
    /// ids are hex, not base64. SwiftProtobuf reads a `bytes` field as base64; hex digits are base64 characters
    /// too and 32 or 16 of them decode without padding, so the id's text comes back exactly by encoding the bytes
    /// as base64 again (an exporter that did send base64 is read as bytes).
    public static func decodeJSON(_ bytes: [UInt8]) throws(DecodeFailure) -> [TraceSpan] {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        let request: ExportTraceRequest
        do {
            request = try ExportTraceRequest(jsonUTF8Bytes: bytes, options: options)
        } catch {
            throw DecodeFailure(reason: "the body is not an OTLP/JSON ExportTraceServiceRequest: \(error)")
        }
        return spans(of: request, idText: jsonIDText, spanID: { SpanID(jsonIDText($0)) })
    }

    /// The spans of a decoded request (OTLP/gRPC decodes its own messages).
    public static func spans(of request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest) -> [TraceSpan] {
        spans(of: request, idText: hex, spanID: SpanID.init(bytes:))
    }

    static func spans(of request: ExportTraceRequest, idText: (Data) -> String, spanID: (Data) -> SpanID) -> [TraceSpan] {
        var result: [TraceSpan] = []
        result.reserveCapacity(request.resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } })
        for resourceSpans in request.resourceSpans {
            let service = resourceSpans.resource.attributes.first { $0.key == "service.name" }.map { value(of: $0.value).text }
            for scopeSpans in resourceSpans.scopeSpans {
                for span in scopeSpans.spans {
                    var attributes = SpanAttributes()
                    attributes.reserveCapacity(span.attributes.count)
                    for attribute in span.attributes { attributes[attribute.key] = value(of: attribute.value) }
                    let status: SpanStatus = switch span.status.code {
                    case .error: .error(span.status.message)
                    case .ok: .ok
                    default: .unset
                    }
                    let traceId = idText(span.traceID)
                    let parent = span.parentSpanID.isEmpty ? nil : spanID(span.parentSpanID)
                    result.append(TraceSpan(
                        traceId: traceId, id: spanID(span.spanID), parent: parent, name: span.name,
                        startNanos: span.startTimeUnixNano, endNanos: span.endTimeUnixNano, attributes: attributes,
                        links: span.links.compactMap { link in
                            let linkTrace = link.traceID.isEmpty ? traceId : idText(link.traceID)
                            return linkTrace == traceId ? spanID(link.spanID) : nil
                        },
                        status: status, serviceName: service))
                }
            }
        }
        return result
    }

    static func value(of any: Opentelemetry_Proto_Common_V1_AnyValue) -> SpanValue {
        switch any.value {
        case let .stringValue(text)?: return .string(text)
        case let .boolValue(flag)?: return .bool(flag)
        case let .intValue(number)?: return .int(number)
        case let .doubleValue(number)?: return .double(number)
        case let .arrayValue(array)?: return .array(array.values.map(value(of:)))
        case let .kvlistValue(list)?: return .map(list.values.map { ($0.key, value(of: $0.value)) })
        case let .bytesValue(data)?: return .bytes(Array(data))
        case nil: return .string("")
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of an id's bytes.
    static func hex(_ data: Data) -> String {
        String(unsafeUninitializedCapacity: data.count * 2) { buffer in
            var index = 0
            for byte in data {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }

    /// The id's text as the JSON had it (see `decodeJSON`), lower-cased; bytes that did not come from hex (an
    /// exporter sending base64) as hex of the bytes.
    static func jsonIDText(_ data: Data) -> String {
        let text = data.base64EncodedString()
        if text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 || $0 >= 97 && $0 <= 102 || $0 >= 65 && $0 <= 70 }) {
            return text.lowercased()
        }
        return hex(data)
    }
}

import Foundation
/// The two OTLP/HTTP body encodings, from the request's `Content-Type`; the answer uses the request's.
public enum OTLPEncoding: Sendable, Hashable {
    case protobuf
    case json

    /// nil for a content type OTLP does not define (415).
    public init?(contentType: String?) {
        guard let contentType else { return nil }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        switch mediaType {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    public var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}

import Foundation
import CompressNIO
import NIOCore

/// A request body's bytes, inflated when it came gzipped, never past the decompressed limit.
enum OTLPBody {
    enum Failure: Error {
        case tooLarge(String)
        case undecodable(String)
        case unsupportedEncoding(String)
    }

    static func bytes(of body: ByteBuffer, contentEncoding: String?, limits: OTLPLimits) throws(Failure) -> [UInt8] {
        let encoding = contentEncoding?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch encoding {
        case "", "identity":
            return Array(body.readableBytesView)
        case "gzip", "x-gzip":
            return try gunzip(body, limit: limits.maxDecompressedBytes)
        default:
            throw .unsupportedEncoding("Content-Encoding \(encoding) is not supported (gzip or none)")
        }
    }

    static func gunzip(_ body: ByteBuffer, limit: Int) throws(Failure) -> [UInt8] {
        var input = body
        do {
            let output = try input.decompress(with: .gzip(), maxSize: limit)
            return Array(output.readableBytesView)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge("the body inflates past the limit of \(limit) bytes")
        } catch {
            throw .undecodable("the body is not valid gzip: \(error)")
        }
    }
}

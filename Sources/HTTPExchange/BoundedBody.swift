import AsyncHTTPClient
import NIOCore

/// Reads at most a bounded part of a response body: error answers are quoted, never trusted to be small.
public enum BoundedBody {
    /// Up to `limit` bytes; stops early on a read error (the status already says what went wrong).
    public static func read(_ response: HTTPClientResponse, upTo limit: Int) async -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await buffer in response.body {
                bytes += buffer.readableBytesView.prefix(limit - bytes.count)
                if bytes.count >= limit { break }
            }
        } catch {}
        return bytes
    }
}

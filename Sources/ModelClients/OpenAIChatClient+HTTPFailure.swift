import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WorkflowCore

/// Errors for answers that are not an event stream.
extension OpenAIChatClient {
    /// The error for a non-2xx answer, quoting the server's message from a (bounded) read of its body.
    func httpFailure(_ response: HTTPClientResponse, call: ChatCall, secrets: [Secret]) async
        -> ChatClientError
    {
        let body = await Self.readBody(of: response, upTo: 64 * 1024)
        let status = response.status
        let message = APIErrorBody.message(from: body).redacting(secrets)
        return ChatClientError(
            kind: .http, provider: call.provider,
            message: "\(call.source) → \(status.code) \(status.reasonPhrase): \(message)",
            status: Int(status.code), retryAfter: RetryAfter.seconds(in: response.headers))
    }

    /// Up to `limit` bytes of a body; stops early on a read error (the status already says what went wrong).
    static func readBody(of response: HTTPClientResponse, upTo limit: Int) async -> [UInt8] {
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

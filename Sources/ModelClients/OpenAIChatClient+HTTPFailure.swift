import AsyncHTTPClient
import HTTPExchange
import NIOCore
import NIOHTTP1
import WorkflowCore

/// Errors for answers that are not an event stream.
extension OpenAIChatClient {
    /// The error for a non-2xx answer, quoting the server's message from a (bounded) read of its body.
    func httpFailure(_ response: HTTPClientResponse, call: ChatCall, secrets: [Secret]) async
        -> ChatClientError
    {
        let body = await BoundedBody.read(response, upTo: 64 * 1024)
        let status = response.status
        let message = ServerErrorMessage.quote(body).redacting(secrets)
        return ChatClientError(
            kind: .http, provider: call.provider,
            message: "\(call.source) → \(status.code) \(status.reasonPhrase): \(message)",
            status: Int(status.code), retryAfter: RetryAfter.seconds(in: response.headers))
    }
}

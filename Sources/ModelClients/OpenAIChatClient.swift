import AsyncHTTPClient
import Foundation
import HTTPExchange
import WorkflowCore

/// A streaming chat client for OpenAI's chat-completions protocol, as spoken by OpenAI, Azure OpenAI, Ollama,
/// llama.cpp, vLLM and other compatible servers.
///
/// Each call streams one response (`"stream": true`) and reports it through `onUpdate`. Requests that fail before
/// anything streams (429, 5xx, no connection) are retried per `retryPolicy`; cancelling the calling task stops the
/// call at once, also while it waits to retry. Errors are `ChatClientError`s that name the provider, the URL (without
/// credentials) and what the server said.
///
/// Call `shutdown()` when done: the client owns an `HTTPClient` unless it was given one.
public final class OpenAIChatClient: ChatClient {
    public let settings: ProviderSettings
    public let retryPolicy: RetryPolicy
    public let timeouts: ChatTimeouts
    public let model: ModelDescription
    /// What the retry waits are measured on: tests pass a clock that does not really sleep.
    public let clock: any Clock<Duration>
    let httpClient: HTTPClient
    private let ownsHTTPClient: Bool

    /// A client with its own `HTTPClient`, configured with `timeouts`; `shutdown()` closes it.
    public convenience init(
        settings: ProviderSettings, retryPolicy: RetryPolicy = .default, timeouts: ChatTimeouts = .default,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: timeouts.connect.timeAmount, read: timeouts.idleRead.timeAmount)
        // Our retry policy decides about retries (with its backoff and cancellation), not the connection pool.
        configuration.connectionPool.retryConnectionEstablishment = false
        // A redirected POST is a misconfigured URL; say so rather than follow it.
        configuration.redirectConfiguration = .disallow
        self.init(
            settings: settings,
            httpClient: HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration),
            owned: true, retryPolicy: retryPolicy, timeouts: timeouts, clock: clock)
    }

    /// A client that uses the caller's `httpClient` (which the caller shuts down). Its configured connect and read
    /// timeouts apply; `timeouts` only words the errors and bounds the wait for the response head.
    public convenience init(
        settings: ProviderSettings, httpClient: HTTPClient, retryPolicy: RetryPolicy = .default,
        timeouts: ChatTimeouts = .default, clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.init(
            settings: settings, httpClient: httpClient, owned: false, retryPolicy: retryPolicy, timeouts: timeouts,
            clock: clock)
    }

    private init(
        settings: ProviderSettings, httpClient: HTTPClient, owned: Bool, retryPolicy: RetryPolicy,
        timeouts: ChatTimeouts, clock: any Clock<Duration>
    ) {
        self.clock = clock
        self.settings = settings
        self.retryPolicy = retryPolicy
        self.timeouts = timeouts
        self.model = settings.modelDescription
        self.httpClient = httpClient
        self.ownsHTTPClient = owned
    }

    /// Closes the client's own `HTTPClient` (a given one is left to its owner). Call once, after the last request.
    public func shutdown() async throws {
        if ownsHTTPClient { try await httpClient.shutdown() }
    }

    public func streamResponse(_ request: ChatRequest, onUpdate: (ChatUpdate) throws -> Void) async throws {
        let modelName = request.model ?? settings.model
        let url = settings.route.url(forModel: modelName)
        let body = ChatRequestBody.json(for: request, model: modelName, provider: settings.provider).jsonText
        let call = ChatCall(
            provider: settings.provider.rawValue, url: url, source: "POST \(url.redactedDescription)", body: body)
        var retries = 0
        while true {
            try Task.checkCancellation()
            let outcome = try await attempt(call, onUpdate: onUpdate)
            guard case let .retryable(error) = outcome else { return }
            guard let delay = retryPolicy.delay(beforeRetry: retries + 1, retryAfter: error.retryAfter) else {
                throw retries == 0 ? error : error.givingUp(after: retries)
            }
            retries += 1
            try await clock.sleep(for: delay)
        }
    }
}

extension ChatClientError {
    /// This error, noting that the call was retried.
    func givingUp(after retries: Int) -> ChatClientError {
        var error = self
        error.message += " (gave up after \(retries) \(retries == 1 ? "retry" : "retries"))"
        return error
    }
}

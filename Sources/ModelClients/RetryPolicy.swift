import HTTPExchange
/// When and how long to wait before repeating a request that failed before any of its answer streamed: a 429, a
/// 5xx, or a connection that could not be made. A request whose answer began streaming is never repeated, because
/// the caller has already seen part of it.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt (0 disables retrying).
    public var maxRetries: Int
    /// The wait before the first retry when the server does not say; it doubles (by `multiplier`) each retry.
    public var initialDelay: Duration
    public var multiplier: Double
    /// The longest wait. A `Retry-After` longer than this is not waited out: the call fails at once with the
    /// server's answer (and its `retryAfter`), rather than tying up an agent or retrying early into another 429.
    public var maxDelay: Duration
    /// Each computed backoff is scaled by a random factor in `1 ± jitter`, so clients that failed together do not
    /// retry together. `Retry-After` waits are not jittered.
    public var jitter: Double

    public init(
        maxRetries: Int = 3, initialDelay: Duration = .milliseconds(500), multiplier: Double = 2,
        maxDelay: Duration = .seconds(30), jitter: Double = 0.2
    ) {
        self.maxRetries = max(0, maxRetries)
        self.initialDelay = initialDelay
        self.multiplier = max(1, multiplier)
        self.maxDelay = maxDelay
        self.jitter = min(max(0, jitter), 1)
    }

    public static let `default` = RetryPolicy()
    public static let never = RetryPolicy(maxRetries: 0)

    /// How long to wait before retry number `retry` (1 for the first), or nil when no retry should be made.
    /// - Parameter retryAfter: the seconds the server asked for, if it did.
    public func delay(beforeRetry retry: Int, retryAfter: Double?) -> Duration? {
        guard retry >= 1, retry <= maxRetries else { return nil }
        if let retryAfter {
            let wait = Duration.seconds(max(0, retryAfter))
            return wait <= maxDelay ? wait : nil
        }
        return Backoff(initial: initialDelay, multiplier: multiplier, maximum: maxDelay, jitter: jitter).delay(attempt: retry)
    }
}

/// Everything `flowtop serve` can be told, with the defaults the Agent Framework sample's clients expect
/// (port 7071, a 230 s run limit as its hosting platform imposes).
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    /// Runs allowed at once; beyond it a new run gets 429 with `Retry-After`.
    public var maxConcurrentRuns: Int
    /// A run still going after this long ends with an `error` event; time spent waiting on a person is not counted.
    public var runTimeout: Duration
    /// How long one request for a person (an approval, a question) may wait before it fails its run.
    public var requestTimeout: Duration = .seconds(600)
    /// How often a quiet stream gets a `: keepalive` comment, so proxies do not time it out.
    public var keepaliveInterval: Duration
    /// The largest request body accepted; larger ones get 413.
    public var maxBodyBytes: Int
    /// When set, every route but health needs this key.
    public var apiKey: String?
    /// How long running streams may go on after a shutdown signal before they are ended with an error event.
    public var shutdownGracePeriod: Duration
    /// Events kept per run for watchers that join late or resume with `Last-Event-ID`.
    public var eventBufferLimit: Int
    /// Finished runs kept for `GET /api/runs`.
    public var finishedRunsKept: Int
    /// The `Retry-After` seconds sent with 429.
    public var retryAfterSeconds: Int
    /// The runs feed's beat: how often it looks for progress, and the least time between two `run_progress`
    /// events of one run (starts and ends go out at once).
    public var feedInterval: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 7071,
        maxConcurrentRuns: Int = 1_000,
        runTimeout: Duration = .seconds(230),
        keepaliveInterval: Duration = .seconds(15),
        maxBodyBytes: Int = 1 << 20,
        apiKey: String? = nil,
        shutdownGracePeriod: Duration = .seconds(10),
        eventBufferLimit: Int = 10_000,
        finishedRunsKept: Int = 50,
        retryAfterSeconds: Int = 5,
        feedInterval: Duration = .milliseconds(250)
    ) {
        self.host = host
        self.port = port
        self.maxConcurrentRuns = maxConcurrentRuns
        self.runTimeout = runTimeout
        self.keepaliveInterval = keepaliveInterval
        self.maxBodyBytes = maxBodyBytes
        self.apiKey = apiKey
        self.shutdownGracePeriod = shutdownGracePeriod
        self.eventBufferLimit = eventBufferLimit
        self.finishedRunsKept = finishedRunsKept
        self.retryAfterSeconds = retryAfterSeconds
        self.feedInterval = feedInterval
    }
}

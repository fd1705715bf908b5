import AsyncHTTPClient
import EventStream
import Foundation
import HTTPExchange
import NIOCore
import NIOHTTP1
import WorkflowCore

/// What to ask the server for: a GET (no body) or a POST (with a body), and extra headers.
public struct EventSourceRequest: Sendable {
    public var url: String
    public var body: [UInt8]?
    public var headers: [(name: String, value: String)]
    /// Values that must never be printed (API keys); they are redacted from server messages.
    public var secrets: [String]

    public init(url: String, body: [UInt8]? = nil, headers: [(name: String, value: String)] = [], secrets: [String] = []) {
        self.url = url
        self.body = body
        self.headers = headers
        self.secrets = secrets
    }

    public var method: String { body == nil ? "GET" : "POST" }
}

/// How a dropped stream is retried: the server's `retry` (or `initialDelay`) doubled on each failed attempt, capped,
/// with ±20 % jitter, and given up after `maxAttempts` attempts in a row that deliver no event.
public struct ReconnectPolicy: Sendable {
    public var initialDelayMilliseconds: Int
    public var maxDelayMilliseconds: Int
    public var maxAttempts: Int
    public var jitter: Double

    public init(initialDelayMilliseconds: Int = 1000, maxDelayMilliseconds: Int = 30_000, maxAttempts: Int = 10, jitter: Double = 0.2) {
        self.initialDelayMilliseconds = initialDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.maxAttempts = maxAttempts
        self.jitter = jitter
    }

    public static let `default` = ReconnectPolicy()

    /// The wait before reconnection attempt `attempt` (1-based).
    public func delay(attempt: Int, serverRetry: Int?) -> Int {
        let backoff = Backoff(
            initial: .milliseconds(serverRetry ?? initialDelayMilliseconds), maximum: .milliseconds(maxDelayMilliseconds),
            jitter: jitter)
        return max(0, Int((backoff.delay(attempt: attempt).seconds * 1000).rounded()))
    }
}

/// An error that ends the stream for good: printed as is, never with a stack trace.
public struct EventSourceFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var status: Int?
    public init(_ message: String, status: Int? = nil) {
        self.message = message
        self.status = status
    }
    public var description: String { message }
}

/// Whether the consumer wants more events.
public enum EventSourceVerdict: Sendable { case more, stop }

/// How a stream ended without a failure.
public enum EventSourceEnd: Sendable, Hashable {
    /// The consumer said stop (a terminal event arrived).
    case stopped
    /// The server answered 204 No Content: do not reconnect.
    case noContent
    /// The stream ended and cannot be resumed (it carries no event ids, so a reconnect would repeat it).
    case endedWithoutResume
}

/// An `EventSource` over AsyncHTTPClient and `SSEParser`, following the WHATWG reconnection rules: any status but
/// 200, or a content type other than `text/event-stream`, is fatal (with the server's message); 204 stops; network
/// errors and a normal end of stream reconnect with `Last-Event-ID` after the server's `retry` (with backoff and
/// jitter), giving up after `maxAttempts` attempts in a row that bring no event. Beyond the spec, a busy server's
/// 429 or 503 is waited out (its `Retry-After`, else the backoff) and asked again, as a person would.
///
/// Nothing is delivered twice: when event ids are integers, an event whose id is not above the highest seen is
/// dropped (a server that ignores `Last-Event-ID` and replays from the start). A stream without ids is only
/// reconnected when its connection had delivered nothing yet.
public final class EventSourceClient: Sendable {
    public let httpClient: HTTPClient
    private let ownsClient: Bool
    public let policy: ReconnectPolicy
    /// What reconnection waits are measured on: tests pass a clock that does not really sleep.
    public let clock: any Clock<Duration>

    public init(
        policy: ReconnectPolicy = .default, connectTimeoutSeconds: Int64 = 10, idleReadTimeoutSeconds: Int64 = 60,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(connectTimeoutSeconds), read: .seconds(idleReadTimeoutSeconds))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        ownsClient = true
        self.policy = policy
        self.clock = clock
    }

    public func shutdown() async {
        if ownsClient { try? await httpClient.shutdown() }
    }

    /// Streams `request` until the consumer stops, the server says 204, the stream cannot resume, or a fatal error.
    /// `onEvent` gets each event with its arrival time (seconds since 1970). Cancellation ends it promptly
    /// (throwing `CancellationError`).
    public func stream(
        _ request: EventSourceRequest,
        onState: @Sendable (ConnectionState) -> Void,
        onEvent: (SSEEvent, Double) -> EventSourceVerdict
    ) async throws -> EventSourceEnd {
        let secrets = request.secrets.map(Secret.init)
        func redact(_ text: String) -> String { text.redacting(secrets) }
        let where_ = URL.describedWithoutQuery(request.url)
        var parser = SSEParser()
        var highestNumericId: Int?
        /// The last event whose id differed from its predecessor's (ids compared without making their text).
        var lastSeen = SSEEvent(data: "")
        // The id to resume from: the parser's last event id, except that a data-less block at the start of a new
        // connection (`retry: 1000` and a blank line) clears the parser's (as the spec says) but not this one.
        var resumeId = ""
        var skippingReplay = false
        var failedAttempts = 0
        onState(.connecting)
        while true {
            try Task.checkCancellation()
            var delivered = 0
            var dropReason: String
            /// A busy server's `Retry-After`, which replaces the backoff for the next attempt, and its status.
            var serverWait: Double?
            var busyStatus: Int?
            do {
                var http = HTTPClientRequest(url: request.url)
                http.method = request.body == nil ? .GET : .POST
                http.headers.add(name: "Accept", value: "text/event-stream")
                http.headers.add(name: "Cache-Control", value: "no-cache")
                http.headers.add(name: "User-Agent", value: "flowtop")
                if let body = request.body {
                    if !request.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                        http.headers.add(name: "Content-Type", value: "application/json")
                    }
                    http.body = .bytes(ByteBuffer(bytes: body))
                }
                for header in request.headers { http.headers.add(name: header.name, value: header.value) }
                if !resumeId.isEmpty { http.headers.replaceOrAdd(name: "Last-Event-ID", value: resumeId) }

                let response = try await httpClient.execute(http, deadline: .distantFuture)
                let code = Int(response.status.code)
                if code == 204 {
                    onState(.closed("the server has no more events (204)"))
                    return .noContent
                }
                if code == 429 || code == 503 {
                    // Busy, not broken: nothing was started or delivered, so asking again later is safe.
                    let body = await BoundedBody.read(response, upTo: 64 * 1024)
                    serverWait = RetryAfter.seconds(in: response.headers)
                    busyStatus = code
                    throw BusyServer(reason: "the server is busy (\(code) \(response.status.reasonPhrase): \(redact(ServerErrorMessage.quote(body))))")
                }
                guard code == 200 else {
                    let body = await BoundedBody.read(response, upTo: 64 * 1024)
                    let message = redact(ServerErrorMessage.quote(body))
                    onState(.closed("\(code) \(response.status.reasonPhrase)"))
                    throw EventSourceFailure("\(where_) answered \(code) \(response.status.reasonPhrase): \(message)", status: code)
                }
                let contentType = response.headers.first(name: "content-type") ?? ""
                guard contentType.lowercased().hasPrefix("text/event-stream") else {
                    let body = await BoundedBody.read(response, upTo: 1024)
                    onState(.closed("not an event stream"))
                    throw EventSourceFailure(
                        "\(where_) answered 200 with " + (contentType.isEmpty ? "no Content-Type" : "Content-Type \(contentType)")
                            + " instead of text/event-stream: " + redact(Snippet.of(body, limit: 200)))
                }
                onState(.live)
                var stopped = false
                for try await buffer in response.body {
                    try Task.checkCancellation()
                    let now = Date().timeIntervalSince1970
                    var events: [SSEEvent] = []
                    do {
                        try buffer.withUnsafeReadableBytes { bytes in
                            try parser.parse(bytes) { events.append($0) }
                        }
                    } catch {
                        onState(.closed("unreadable stream"))
                        throw EventSourceFailure("\(where_) sent an unreadable event stream: \(error)")
                    }
                    if !parser.lastEventId.isEmpty { resumeId = parser.lastEventId }
                    for event in events {
                        // An event's id is the stream's last id, so only a change of id says an event carried one.
                        if !event.hasSameId(as: lastSeen) {
                            lastSeen = event
                            let number = event.numericId ?? Int(event.id)
                            if let number, let highest = highestNumericId, number <= highest {
                                skippingReplay = true
                            } else {
                                skippingReplay = false
                                if let number { highestNumericId = number }
                            }
                        }
                        if skippingReplay { continue }
                        delivered += 1
                        failedAttempts = 0
                        if onEvent(event, now) == .stop { stopped = true; break }
                    }
                    if stopped { break }
                }
                parser.finish()
                if stopped {
                    onState(.closed(""))
                    return .stopped
                }
                dropReason = "the server ended the stream"
            } catch let failure as EventSourceFailure {
                throw failure
            } catch let busy as BusyServer {
                dropReason = busy.reason
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                parser.finish()
                dropReason = redact(Self.networkReason(error))
            }
            // A dropped or ended stream: resume it when it can be resumed without repeating events.
            if resumeId.isEmpty && (delivered > 0 || parser.eventCount > 0) {
                onState(.closed(dropReason))
                return .endedWithoutResume
            }
            failedAttempts += 1
            guard failedAttempts <= policy.maxAttempts else {
                onState(.closed("gave up after \(policy.maxAttempts) attempts"))
                throw EventSourceFailure("\(where_): gave up reconnecting after \(policy.maxAttempts) attempts (last: \(dropReason))")
            }
            // A busy server's own wait, up to the longest this client backs off; asked to wait longer, it says so
            // and stops, as the model client does, rather than sit silent for an hour.
            if let serverWait, serverWait * 1000 > Double(policy.maxDelayMilliseconds) {
                onState(.closed("the server asked to wait \(Int(min(serverWait, 1e9))) s"))
                throw EventSourceFailure(
                    "\(where_): \(dropReason); it asked to wait \(Int(min(serverWait, 1e9))) s, longer than the "
                        + "\(policy.maxDelayMilliseconds / 1000) s attach waits; try again later", status: busyStatus)
            }
            let delay = serverWait.map { Int(($0 * 1000).rounded()) }
                ?? policy.delay(attempt: failedAttempts, serverRetry: parser.reconnectionTime)
            onState(.reconnecting(delayMilliseconds: delay, attempt: failedAttempts, maxAttempts: policy.maxAttempts, reason: dropReason))
            try await clock.sleep(for: .milliseconds(delay))
            onState(.connecting)
        }
    }

    static func networkReason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout: return "no data for too long (read timeout)"
            case .remoteConnectionClosed: return "the server closed the connection"
            case .connectTimeout: return "could not connect (timeout)"
            default: return "\(error)"
            }
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

/// A 429 or 503: waited out, then asked again.
private struct BusyServer: Error {
    let reason: String
}

import EventStream
import Foundation
import HTTPExchange
import Wire
import WorkflowCore

/// A flowtop server's runs as a `RunSource`: its feed (`GET /api/runs/feed`) for the list, and a run's events
/// (`GET /api/runs/{id}/events`) for its dashboard. A feed cannot be resumed, so a dropped one is asked for again
/// (after the same backoff as attach) and starts with a fresh snapshot; a 401 stops it with what to do.
public final class RemoteRunSource: RunSource {
    /// The server's base URL, without a trailing slash.
    public let baseURL: String
    private let headers: [(name: String, value: String)]
    private let secrets: [String]
    private let policy: ReconnectPolicy
    private let clock: any Clock<Duration>
    /// The feed's client reconnects nothing itself (this source does, with a new snapshot each time); the runs'
    /// client resumes with `Last-Event-ID` as attach does.
    private let feedClient: EventSourceClient
    private let runClient: EventSourceClient

    /// `headers` go with every request (`-H`, the API key's `Authorization`); `secrets` are never shown.
    public init(
        baseURL: String, headers: [(name: String, value: String)] = [], secrets: [String] = [],
        policy: ReconnectPolicy = .default, clock: any Clock<Duration> = ContinuousClock()
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.headers = headers
        self.secrets = secrets
        self.policy = policy
        self.clock = clock
        feedClient = EventSourceClient(policy: ReconnectPolicy(maxAttempts: 0), clock: clock)
        runClient = EventSourceClient(policy: policy, clock: clock)
    }

    public var label: String { URL.describedWithoutQuery(baseURL) }

    public var feedURL: String { baseURL + "/api/runs/feed" }

    public func shutdown() async {
        await feedClient.shutdown()
        await runClient.shutdown()
    }

    /// Why a feed stopped for good.
    public enum FeedEnd: Sendable, Hashable {
        case cancelled
        case failed(EventSourceFailure)
    }

    public func feed(onEvent: @escaping @Sendable (RunFeedEvent) -> Void,
                     onConnection: @escaping @Sendable (ConnectionState) -> Void) async {
        _ = await follow(onEvent: onEvent, onConnection: onConnection)
    }

    /// The feed until cancelled or a failure that asking again cannot mend (an HTTP error other than a busy
    /// server's, or `maxAttempts` failed attempts in a row).
    public func follow(onEvent: @escaping @Sendable (RunFeedEvent) -> Void,
                       onConnection: @escaping @Sendable (ConnectionState) -> Void) async -> FeedEnd {
        let request = EventSourceRequest(url: feedURL, headers: headers, secrets: secrets)
        var failed = 0
        while !Task.isCancelled {
            var delivered = false
            var reason = "the server ended the feed"
            do {
                _ = try await feedClient.stream(request, onState: { state in
                    // This source says when it reconnects and why; the client's own `closed` is not the end here.
                    if case .closed = state { return }
                    onConnection(state)
                }) { event, _ in
                    guard let decoded = try? RunFeedWire.decode(event) else { return .more }
                    delivered = true
                    onEvent(decoded)
                    return .more
                }
            } catch let failure as EventSourceFailure {
                if let status = failure.status, status != 429, status != 503 {
                    let hint = status == 401 ? "401 Unauthorized: pass --api-key" : "\(status): \(failure.message)"
                    onConnection(.closed(hint))
                    return .failed(failure)
                }
                reason = failure.message
            } catch {
                return .cancelled
            }
            if Task.isCancelled { return .cancelled }
            failed = delivered ? 1 : failed + 1
            guard failed <= policy.maxAttempts else {
                onConnection(.closed("gave up after \(policy.maxAttempts) attempts"))
                return .failed(EventSourceFailure("\(label): gave up reconnecting after \(policy.maxAttempts) attempts (last: \(reason))"))
            }
            let delay = policy.delay(attempt: failed, serverRetry: nil)
            onConnection(.reconnecting(delayMilliseconds: delay, attempt: failed, maxAttempts: policy.maxAttempts, reason: reason))
            do {
                try await clock.sleep(for: .milliseconds(delay))
            } catch {
                return .cancelled
            }
        }
        return .cancelled
    }

    /// The first snapshot the feed sends (`flowtop top --plain/--json`), or the failure. A server that cannot be
    /// reached is asked twice more, half a second apart, not for as long as a watching list would keep asking.
    public func snapshot() async throws(EventSourceFailure) -> [RunSummary] {
        let request = EventSourceRequest(url: feedURL, headers: headers, secrets: secrets)
        let client = EventSourceClient(
            policy: ReconnectPolicy(initialDelayMilliseconds: 500, maxDelayMilliseconds: 1000, maxAttempts: 2), clock: clock)
        defer { Task { await client.shutdown() } }
        var runs: [RunSummary]?
        var failure: EventSourceFailure?
        do {
            _ = try await client.stream(request, onState: { _ in }) { event, _ in
                do {
                    if case let .snapshot(summaries)? = try RunFeedWire.decode(event) {
                        runs = summaries
                        return .stop
                    }
                } catch {
                    failure = EventSourceFailure("\(URL.describedWithoutQuery(request.url)) sent a feed event flowtop cannot read: \(error)")
                    return .stop
                }
                return .more
            }
        } catch let error as EventSourceFailure {
            throw error
        } catch {
            throw EventSourceFailure("cancelled")
        }
        if let failure { throw failure }
        guard let runs else { throw EventSourceFailure("\(URL.describedWithoutQuery(request.url)) ended without a snapshot") }
        return runs
    }

    public var answersRequests: Bool { true }

    /// Over the server's answer route, with this source's headers (its API key).
    public func answer(_ requestId: String, _ response: HumanResponse, inRun runId: String) async -> String? {
        guard let answers = FlowtopRequestAnswers(streamURL: baseURL, headers: headers, client: runClient.httpClient) else {
            return "cannot answer \(requestId): \(label) is not an http(s) URL"
        }
        return await answers.send(requestId, response, inRun: runId)
    }

    public func events(ofRun id: String, onEvent: @escaping @Sendable (WorkflowEvent) -> Void,
                       onConnection: @escaping @Sendable (ConnectionState) -> Void) async {
        let path = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
        let request = EventSourceRequest(url: baseURL + "/api/runs/\(path)/events", headers: headers, secrets: secrets)
        let outcome = await RemoteAttach.run(
            request, client: runClient, format: .flowtop, agentName: nil, onState: onConnection, onEvent: onEvent)
        if let failure = outcome.failure {
            onConnection(.closed(failure.message))
            if !outcome.deliveredAny {
                onEvent(WorkflowEvent(sequence: 1, timestamp: Date().timeIntervalSince1970,
                                      kind: .runFailed(error: failure.message, agent: nil)))
            }
        }
    }
}

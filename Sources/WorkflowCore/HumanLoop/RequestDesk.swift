import Synchronization

/// Keeps a run's open requests by id until someone answers them: the dashboard (`run`, `demo`) now, a server's
/// answer route next. The first answer wins; later ones, and answers to ids it never issued, get a typed outcome
/// rather than changing anything. A request left unanswered for `timeout` ends the run with an error that says so.
public final class RequestDesk: HumanResponder {
    /// What became of an answer.
    public enum Outcome: Sendable, Hashable {
        case accepted
        /// Someone answered first (or the request expired): the run already went on.
        case alreadyAnswered
        case unknownRequest
        /// An approval answered with text, or the other way round.
        case wrongKind

        /// Why the answer was not taken, in words for the dashboard's warnings; nil when it was.
        public var refusal: String? {
            switch self {
            case .accepted: nil
            case .alreadyAnswered: "the request was already answered (or expired)"
            case .unknownRequest: "the run has no such request"
            case .wrongKind: "that answer does not fit the request"
            }
        }
    }

    public let timeout: Duration
    /// Names the setting in the expiry error (`--request-timeout`).
    public let timeoutSetting: String
    private let clock: any Clock<Duration>
    private let state = Mutex(Inner())

    private struct Inner {
        /// Open requests in the order they were asked.
        var open: [Entry] = []
        /// Ids that were answered or expired.
        var closed: Set<String> = []
        /// Answers that came before their `ask` began waiting (a viewer that answers at once).
        var early: [String: HumanResponse] = [:]
    }

    private struct Entry {
        var request: HumanRequest
        var continuation: CheckedContinuation<HumanResponse, any Error>?
    }

    public init(timeout: Duration = .seconds(600), timeoutSetting: String = "--request-timeout", clock: any Clock<Duration> = ContinuousClock()) {
        self.timeout = timeout
        self.timeoutSetting = timeoutSetting
        self.clock = clock
    }

    /// The requests waiting for an answer, oldest first.
    public var pending: [HumanRequest] { state.withLock { $0.open.map(\.request) } }

    /// Whether the run is waiting on a person (a server's run timeout does not count this time).
    public var isWaiting: Bool { state.withLock { !$0.open.isEmpty } }

    public func ask(_ request: HumanRequest, announce: @Sendable () -> Void) async throws -> HumanResponse {
        state.withLock { $0.open.append(Entry(request: request)) }
        announce()
        // Answered while announcing (a viewer that answers at once): no wait, no timer.
        if let early = state.withLock({ $0.early.removeValue(forKey: request.id) }) { return early }
        let answer = try await withThrowingTaskGroup(of: HumanResponse?.self) { group in
            group.addTask { try await self.awaitAnswer(request.id) }
            group.addTask {
                try await self.clock.sleep(for: self.timeout)
                return nil
            }
            defer { group.cancelAll() }
            do {
                return try await group.next() ?? nil
            } catch {
                close(request.id)
                throw error
            }
        }
        if let answer { return answer }
        close(request.id)
        try Task.checkCancellation()
        throw HumanRequestError(Self.expiry(of: request, after: timeout, setting: timeoutSetting))
    }

    /// Answers the request `id`; the first fitting answer resumes the run.
    @discardableResult
    public func answer(_ id: String, with response: HumanResponse) -> Outcome {
        let (outcome, waiting) = state.withLock { inner -> (Outcome, CheckedContinuation<HumanResponse, any Error>?) in
            if inner.closed.contains(id) { return (.alreadyAnswered, nil) }
            guard let index = inner.open.firstIndex(where: { $0.request.id == id }) else { return (.unknownRequest, nil) }
            guard response.fits(inner.open[index].request) else { return (.wrongKind, nil) }
            let entry = inner.open.remove(at: index)
            inner.closed.insert(id)
            if entry.continuation == nil { inner.early[id] = response }
            return (.accepted, entry.continuation)
        }
        waiting?.resume(returning: response)
        return outcome
    }

    private func awaitAnswer(_ id: String) async throws -> HumanResponse {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HumanResponse, any Error>) in
                enum Next { case wait, answer(HumanResponse), stop }
                let next = state.withLock { inner -> Next in
                    if let answer = inner.early.removeValue(forKey: id) { return .answer(answer) }
                    // Checked under the lock, so a cancellation either is seen here or finds the continuation.
                    guard !Task.isCancelled, let index = inner.open.firstIndex(where: { $0.request.id == id }) else { return .stop }
                    inner.open[index].continuation = continuation
                    return .wait
                }
                switch next {
                case .wait: break
                case let .answer(answer): continuation.resume(returning: answer)
                case .stop: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let waiting = state.withLock { inner -> CheckedContinuation<HumanResponse, any Error>? in
                guard let index = inner.open.firstIndex(where: { $0.request.id == id }) else { return nil }
                defer { inner.open[index].continuation = nil }
                return inner.open[index].continuation
            }
            waiting?.resume(throwing: CancellationError())
        }
    }

    /// Takes `id` off the open list (expired or its run stopped); later answers are told it was answered.
    private func close(_ id: String) {
        state.withLock { inner in
            inner.open.removeAll { $0.request.id == id }
            inner.closed.insert(id)
            inner.early[id] = nil
        }
    }

    static func expiry(of request: HumanRequest, after timeout: Duration, setting: String) -> String {
        let what: String
        switch request {
        case let .approval(approval): what = "the approval of \(approval.agent)'s call of \(approval.tool)"
        case let .input(input): what = "\(input.agent)'s question \"\(input.question)\""
        }
        return "no answer to \(what) within \(Self.words(timeout)) (\(setting)); the run stops"
    }

    /// "10 min", "90 s", "0.5 s".
    static func words(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60)) min" }
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return "\(seconds) s"
    }
}

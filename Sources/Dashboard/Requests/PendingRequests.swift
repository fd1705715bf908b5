import WorkflowCore

/// The requests for a person the run is waiting on, oldest first, and the prompt that answers the oldest.
public struct PendingRequests: Sendable, Hashable {
    public private(set) var queue: [HumanRequest] = []
    public var prompt = Prompt.deciding
    /// Rows the prompt's body is scrolled down (long arguments).
    public var scroll = 0
    /// Esc put the prompt away; `a` brings it back. The badge and the pane's mark stay.
    public var hidden = false
    /// Whether this dashboard can send answers (in-process runs; attach and top, over the protocol the run speaks);
    /// a stream it cannot answer (a replay, a traced run) shows its requests without a prompt. The dashboard loop
    /// sets it from whether it was given somewhere to send answers.
    public var answerable = true
    /// Requests answered here whose resolution the run has not shown yet: a refused answer brings one back.
    public private(set) var sent: [HumanRequest] = []
    /// Why the run did not take the last answer to the current request, shown in its prompt until answered again.
    public private(set) var refusal: String?

    /// What the prompt for the oldest request is doing.
    public enum Prompt: Sendable, Hashable {
        /// An approval: `y` / `n`. An input request with choices: ↑/↓ and Enter. Otherwise: typing.
        case deciding
        /// `n` was pressed: an optional reason on a line, Enter rejects.
        case rejecting(LineEditor)
        /// An input request without fixed choices: the answer on a line.
        case answering(LineEditor)
        /// An input request with choices: the highlighted one.
        case picking(Int)
    }

    public init() {}

    public var current: HumanRequest? { queue.first }
    public var isEmpty: Bool { queue.isEmpty }

    /// Whether `agent` has a request waiting (its pane is marked).
    public func waits(for agent: String) -> Bool { queue.contains { $0.agent == agent } }

    mutating func add(_ request: HumanRequest) {
        guard !queue.contains(where: { $0.id == request.id }) else { return }
        queue.append(request)
        if queue.count == 1 { resetPrompt() }
    }

    /// Drops `id` (the run resolved it, whoever answered); the next request's prompt starts fresh.
    mutating func remove(_ id: String) {
        sent.removeAll { $0.id == id }
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return }
        queue.remove(at: index)
        if index == 0 { resetPrompt() }
    }

    /// `request` was answered here: off the queue at once, kept until the run resolves it or refuses the answer.
    mutating func answered(_ request: HumanRequest) {
        remove(request.id)
        sent.append(request)
    }

    /// The run refused the answer to `id`: the request is asked again first, with `reason` in its prompt. False when
    /// it was not answered here or is resolved already (someone else's answer won).
    mutating func refused(_ id: String, reason: String) -> Bool {
        guard let index = sent.firstIndex(where: { $0.id == id }) else { return false }
        let request = sent.remove(at: index)
        queue.insert(request, at: 0)
        resetPrompt()
        refusal = reason
        hidden = false
        return true
    }

    mutating func removeAll() {
        queue.removeAll()
        sent.removeAll()
        resetPrompt()
    }

    private mutating func resetPrompt() {
        scroll = 0
        refusal = nil
        switch queue.first {
        case let .input(input)?: prompt = input.choices.isEmpty ? .answering(LineEditor()) : .picking(0)
        default: prompt = .deciding
        }
    }
}

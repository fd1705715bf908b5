import WorkflowCore

/// The requests for a person the run is waiting on, oldest first, and the prompt that answers the oldest.
public struct PendingRequests: Sendable, Hashable {
    public private(set) var queue: [HumanRequest] = []
    public var prompt = Prompt.deciding
    /// Rows the prompt's body is scrolled down (long arguments).
    public var scroll = 0
    /// Esc put the prompt away; `a` brings it back. The badge and the pane's mark stay.
    public var hidden = false
    /// Whether this dashboard can send answers (in-process runs); a stream watched from elsewhere (attach, replay)
    /// shows its requests without a prompt until answering over its protocol exists.
    public var answerable = true

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

    /// Drops `id` (answered here or elsewhere); the next request's prompt starts fresh.
    mutating func remove(_ id: String) {
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return }
        queue.remove(at: index)
        if index == 0 { resetPrompt() }
    }

    mutating func removeAll() {
        queue.removeAll()
        resetPrompt()
    }

    private mutating func resetPrompt() {
        scroll = 0
        switch queue.first {
        case let .input(input)?: prompt = input.choices.isEmpty ? .answering(LineEditor()) : .picking(0)
        default: prompt = .deciding
        }
    }
}

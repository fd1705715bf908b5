/// Whoever answers a run's requests for a person: the dashboard through a `RequestDesk`, a terminal's standard
/// input, a fixed `--approve` policy, or (next) a server's answer route. The workflow asks and awaits; nothing else
/// of the run (no model request) is in flight meanwhile, since the agent loop asks between model calls.
public protocol HumanResponder: Sendable {
    /// Makes `request` answerable, then calls `announce` (which emits its event, so a viewer never sees a request
    /// it cannot yet answer), and returns the answer. Throws `HumanRequestError` when no answer comes in time or
    /// none can be had, `CancellationError` when the run is stopped.
    func ask(_ request: HumanRequest, announce: @Sendable () -> Void) async throws -> HumanResponse
}

/// The responder of the run the current task belongs to (inherited by child tasks, so parallel tool calls see it).
public enum HumanLoop {
    @TaskLocal public static var responder: (any HumanResponder)?
}

/// Why a request got no answer; the run ends with this error.
public struct HumanRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// `--approve all|none` where no person can be asked: every approval gets the same decision, and an input request
/// (which no policy can answer) fails the run naming `hint`.
public struct FixedApprovals: HumanResponder {
    public var approve: Bool
    /// How the user could answer instead, for the error an input request gets.
    public var hint: String

    public init(approve: Bool, hint: String) {
        self.approve = approve
        self.hint = hint
    }

    public func ask(_ request: HumanRequest, announce: @Sendable () -> Void) async throws -> HumanResponse {
        switch request {
        case .approval:
            announce()
            return .approval(ApprovalDecision(
                approved: approve, reason: approve ? nil : "--approve none", answeredBy: approve ? "--approve all" : "--approve none"))
        case let .input(input):
            throw HumanRequestError("\(input.agent) asks \"\(input.question)\", but no one can answer here; \(hint)")
        }
    }
}

/// No one to ask: every request fails the run with `message` (e.g. naming the flag that would decide).
public struct NoResponder: HumanResponder {
    public var message: String
    public init(message: String) { self.message = message }

    public func ask(_ request: HumanRequest, announce: @Sendable () -> Void) async throws -> HumanResponse {
        switch request {
        case let .approval(approval):
            throw HumanRequestError("\(approval.agent)'s call of \(approval.tool) needs approval, but no one can approve it here; \(message)")
        case let .input(input):
            throw HumanRequestError("\(input.agent) asks \"\(input.question)\", but no one can answer here; \(message)")
        }
    }
}

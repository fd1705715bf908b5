import Foundation

/// A remote stream's connection as the user sees it (the dashboard header's connection line). It lives here, not
/// with the client that reports it, so the dashboard can hold it typed without depending on the HTTP client.
public enum ConnectionState: Sendable, Hashable {
    case connecting
    case live
    case reconnecting(delayMilliseconds: Int, attempt: Int, maxAttempts: Int, reason: String)
    case closed(String)
    /// Nothing is open because the remote run waits on a person between two of its responses (a DevUI
    /// conversation: the follow-up response carries the answer); `reason` says what it waits for.
    case waiting(String)
    /// The event stream finished while the run it carried had not (set by the dashboard, never by a client).
    case ended
    /// No connection: a recording played back `speed` times as fast as recorded (`flowtop replay --speed`), or as
    /// fast as possible when nil (`--speed max`).
    case replay(speed: Double?)

    public var label: String {
        switch self {
        case .connecting: return "connecting"
        case .live: return "live"
        case let .reconnecting(delay, attempt, maxAttempts, _):
            let seconds = Double(delay) / 1000
            let text = seconds < 10 ? String(format: "%.1f", seconds) : String(Int(seconds.rounded()))
            return "reconnecting in \(text) s (attempt \(attempt)/\(maxAttempts))"
        case let .closed(reason): return reason.isEmpty ? "closed" : "closed: \(reason)"
        case let .waiting(reason): return reason
        case .ended: return "stream ended"
        case let .replay(speed?):
            return "replay ×" + (speed == speed.rounded() && abs(speed) < 1e15 ? String(Int(speed)) : String(speed))
        case .replay(nil): return "replay ×max"
        }
    }
}

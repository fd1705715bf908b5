/// Exponential backoff with jitter, as both retrying clients use it: `initial` doubled (by `multiplier`) for each
/// attempt after the first, capped at `maximum`, then scaled by a random factor in `1 ± jitter` so clients that
/// failed together do not come back together.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var multiplier: Double
    public var maximum: Duration
    public var jitter: Double

    public init(initial: Duration, multiplier: Double = 2, maximum: Duration, jitter: Double = 0.2) {
        self.initial = initial
        self.multiplier = max(1, multiplier)
        self.maximum = maximum
        self.jitter = min(max(0, jitter), 1)
    }

    /// The wait before attempt `attempt` (1 for the first retry).
    public func delay(attempt: Int) -> Duration {
        var seconds = initial.seconds
        for _ in 1..<max(1, attempt) {
            seconds *= multiplier
            if seconds >= maximum.seconds { break }
        }
        seconds = min(seconds, maximum.seconds)
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter)) : 1
        return min(.seconds(seconds * factor), maximum)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}

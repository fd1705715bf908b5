/// Events per second over the last few whole seconds of wall clock: the dashboard's header and a run's summary in
/// the server's runs feed count the same way.
public struct EventRate: Sendable, Hashable {
    // Vectors, not arrays: stored inline, so a run's rate is no heap allocation of its own.
    private var buckets = SIMD4<Int>(repeating: 0)
    private var bucketSecond = SIMD4<Int>(repeating: -1)

    public init() {}

    public mutating func record(at time: Double) {
        let second = Int(time)
        let slot = second & 3
        if bucketSecond[slot] != second {
            bucketSecond[slot] = second
            buckets[slot] = 0
        }
        buckets[slot] += 1
    }

    /// The average over the three whole seconds before `time`'s second.
    public func perSecond(at time: Double) -> Int {
        let second = Int(time)
        var total = 0
        for back in 1...3 {
            let wanted = second - back
            let slot = wanted & 3
            if bucketSecond[slot] == wanted { total += buckets[slot] }
        }
        return total / 3
    }
}

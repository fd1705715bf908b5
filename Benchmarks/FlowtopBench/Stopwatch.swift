/// Runs a body several times and keeps the median duration, which shrugs off a stray slow run on a shared machine.
struct Stopwatch {
    static func median(runs: Int, _ body: () throws -> Void) rethrows -> Duration {
        let clock = ContinuousClock()
        var durations: [Duration] = []
        for _ in 0..<runs {
            durations.append(try clock.measure(body))
        }
        durations.sort()
        return durations[durations.count / 2]
    }
}

extension Stopwatch {
    static func medianAsync(runs: Int, _ body: () async throws -> Void) async rethrows -> Duration {
        let clock = ContinuousClock()
        var durations: [Duration] = []
        for _ in 0..<runs {
            let start = clock.now
            try await body()
            durations.append(clock.now - start)
        }
        durations.sort()
        return durations[durations.count / 2]
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}

/// Human figures: 12.3 M, 456.7 k.
func formatRate(_ value: Double) -> String {
    switch value {
    case 1e9...: return String(format3(value / 1e9)) + " G"
    case 1e6...: return String(format3(value / 1e6)) + " M"
    case 1e3...: return String(format3(value / 1e3)) + " k"
    default: return format3(value)
    }
}

/// One decimal place, without Foundation's formatters.
func format3(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    let whole = Int(tenths / 10)
    let fraction = Int(abs(tenths).truncatingRemainder(dividingBy: 10))
    return "\(whole).\(fraction)"
}

/// The value at fraction `p` (0…1) of `sorted` values (nearest rank; 1 is the largest); 0 for none.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

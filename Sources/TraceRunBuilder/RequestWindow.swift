/// Which requests a complete trace may still be waiting on. A trace is complete when its root and every parent
/// have arrived, but an exporter or a collector sending several batches at once may have more of its spans in a
/// request still being read; so a trace that became complete settles only once every request begun by then has
/// been taken, besides its (short) settle delay. Numbers are the receiver's request tickets, in the order the
/// requests began.
public struct RequestWindow: Sendable, Hashable {
    /// The newest request begun.
    public var newestBegun: UInt64
    /// The oldest request begun and not yet taken (past `newestBegun` when none is).
    public var oldestUnfinished: UInt64

    public init(newestBegun: UInt64, oldestUnfinished: UInt64) {
        self.newestBegun = newestBegun
        self.oldestUnfinished = oldestUnfinished
    }

    /// No requests tracked (spans fed directly): only the settle delay counts.
    public static let untracked = RequestWindow(newestBegun: 0, oldestUnfinished: .max)

    /// Whether every request begun when `barrier` was the newest has been taken.
    func hasTaken(through barrier: UInt64) -> Bool { oldestUnfinished > barrier }
}

/// The receiver's requests in flight, numbered as they begin (one per export request or gRPC call).
public struct RequestTickets: Sendable {
    private var next: UInt64 = 1
    private var unfinished: Set<UInt64> = []

    public init() {}

    public mutating func begin() -> UInt64 {
        defer { next += 1 }
        unfinished.insert(next)
        return next
    }

    public mutating func finish(_ ticket: UInt64) {
        unfinished.remove(ticket)
    }

    /// A handful of requests are in flight at a time, so the minimum is a short walk.
    public var window: RequestWindow {
        RequestWindow(newestBegun: next - 1, oldestUnfinished: unfinished.min() ?? next)
    }
}

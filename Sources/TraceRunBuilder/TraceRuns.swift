import WorkflowCore

/// Every trace being received, each becoming a run (run id = trace id), with bounded memory: a finished trace lets
/// go of its spans at once, at most `maxOpenTraces` are assembled at a time (past it the one quiet longest is
/// ended with what it has), a trace quiet for `idleTimeout` seconds is ended, and a trace takes at most
/// `maxSpansPerTrace` spans (the rest are rejected, as OTLP's partial success reports).
public struct TraceRuns: Sendable {
    public struct Limits: Sendable {
        public var maxOpenTraces: Int
        public var maxSpansPerTrace: Int
        /// Ids of ended traces remembered, so a late span does not start the run again.
        public var endedTracesRemembered: Int
        public var idleTimeout: Double
        /// Seconds a trace must stay complete (root and every parent arrived) before its run ends, for spans of
        /// the same trace on their way in a request that has not reached the receiver yet; requests already being
        /// read are waited for as such (`RequestWindow`). A tenth of a second: the requests of one exporter sent
        /// at once arrive within milliseconds of each other, and at thousands of runs a second every tenth of a
        /// second held is hundreds of open traces (half a second held 40 MiB of them).
        public var settleDelay: Double

        public init(maxOpenTraces: Int = 10_000, maxSpansPerTrace: Int = 100_000, endedTracesRemembered: Int = 10_000,
                    idleTimeout: Double = 300, settleDelay: Double = 0.1) {
            self.maxOpenTraces = maxOpenTraces
            self.maxSpansPerTrace = maxSpansPerTrace
            self.endedTracesRemembered = endedTracesRemembered
            self.idleTimeout = idleTimeout
            self.settleDelay = settleDelay
        }
    }

    /// New events for one run.
    public struct Update: Sendable {
        public var runId: String
        public var events: [WorkflowEvent]
    }

    /// What one batch did.
    public struct Outcome: Sendable {
        public var updates: [Update] = []
        /// Spans refused (no valid trace id, a trace past its span limit), with the first reason.
        public var rejected = 0
        public var rejectReason: String?
        /// Spans of traces that are not runs (`workflow.build`).
        public var ignored = 0
        /// Spans of runs that had already ended.
        public var late = 0
    }

    public let limits: Limits
    private struct Open {
        var assembly: TraceAssembly
        var lastSeen: Double
        /// When the trace became complete, and the newest request begun by then (nil while it is not complete).
        var complete: (since: Double, barrier: UInt64)?

        func hasSettled(now: Double, delay: Double, window: RequestWindow) -> Bool {
            guard let complete else { return false }
            return now - complete.since >= delay && window.hasTaken(through: complete.barrier)
        }
    }

    private var open: [String: Open] = [:]
    private var ended = RecentIDs()
    private var notRuns = RecentIDs()
    /// The strings the open traces repeat (span, pane and agent names, models), one copy for all of them.
    private var strings = SharedStrings()

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public var openTraces: Int { open.count }

    /// Takes a batch of spans; `window`: the receiver's requests in flight, whose spans a complete trace waits for.
    public mutating func add(_ spans: [TraceSpan], now: Double, window: RequestWindow = .untracked) -> Outcome {
        add(traces: Self.byTrace(spans), now: now, window: window)
    }

    /// A batch's spans by trace, the traces in the order their first span came and each trace's spans in theirs.
    public static func byTrace(_ spans: [TraceSpan]) -> [[TraceSpan]] {
        var traces: [[TraceSpan]] = []
        var index: [String: Int] = [:]
        for span in spans {
            if let at = index[span.traceId] {
                traces[at].append(span)
            } else {
                index[span.traceId] = traces.count
                traces.append([span])
            }
        }
        return traces
    }

    /// `add(_:now:window:)` for spans already grouped by trace (`byTrace`): the receiver groups them once, to
    /// share the traces among its shards.
    public mutating func add(traces: [[TraceSpan]], now: Double, window: RequestWindow = .untracked) -> Outcome {
        var outcome = Outcome()
        func reject(_ count: Int) {
            outcome.rejected += count
            if outcome.rejectReason == nil { outcome.rejectReason = "a span without a valid trace or span id" }
        }
        for var batch in traces {
            guard let traceId = batch.first?.traceId else { continue }
            guard Self.isValidID(traceId, length: 32) else {
                reject(batch.count)
                continue
            }
            if !batch.allSatisfy(\.id.isValid) {
                let count = batch.count
                batch.removeAll { !$0.id.isValid }
                reject(count - batch.count)
                if batch.isEmpty { continue }
            }
            if ended.contains(traceId) {
                outcome.late += batch.count
                continue
            }
            if notRuns.contains(traceId) || open[traceId] == nil && batch.allSatisfy({ $0.name == "workflow.build" }) {
                notRuns.insert(traceId, keeping: limits.endedTracesRemembered)
                outcome.ignored += batch.count
                continue
            }
            var entry = open[traceId] ?? Open(assembly: TraceAssembly(traceId: traceId), lastSeen: now)
            let room = limits.maxSpansPerTrace - entry.assembly.spanCount
            if batch.count > room {
                outcome.rejected += batch.count - max(room, 0)
                if outcome.rejectReason == nil {
                    outcome.rejectReason = "trace \(traceId) has more than \(limits.maxSpansPerTrace) spans"
                }
                batch = Array(batch.prefix(max(room, 0)))
            }
            entry.lastSeen = now
            var events = entry.assembly.add(batch, strings: &strings)
            if entry.assembly.isComplete {
                if entry.complete == nil { entry.complete = (now, window.newestBegun) }
                if entry.hasSettled(now: now, delay: limits.settleDelay, window: window) {
                    events += entry.assembly.settle()
                }
            } else {
                entry.complete = nil
            }
            if !events.isEmpty { outcome.updates.append(Update(runId: traceId, events: events)) }
            if entry.assembly.isFinished {
                open[traceId] = nil
                ended.insert(traceId, keeping: limits.endedTracesRemembered)
            } else {
                open[traceId] = entry
            }
        }
        while open.count > limits.maxOpenTraces, let quietest = open.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
            outcome.updates += end(quietest)
        }
        return outcome
    }

    /// Ends the runs of traces complete for the settle delay (and past the requests in flight when they became
    /// complete), and of traces quiet for longer than the idle timeout; returns their last events. Call it on a
    /// clock (the receiver does, twenty times a second).
    public mutating func expire(now: Double, window: RequestWindow = .untracked) -> [Update] {
        var updates: [Update] = []
        // One pass over the open traces, copying none of them.
        var settled: [String] = []
        var quiet: [String] = []
        for (traceId, entry) in open {
            if entry.hasSettled(now: now, delay: limits.settleDelay, window: window) {
                settled.append(traceId)
            } else if now - entry.lastSeen > limits.idleTimeout {
                quiet.append(traceId)
            }
        }
        for traceId in settled.sorted() {
            guard var entry = open.removeValue(forKey: traceId) else { continue }
            ended.insert(traceId, keeping: limits.endedTracesRemembered)
            let events = entry.assembly.settle()
            if !events.isEmpty { updates.append(Update(runId: traceId, events: events)) }
        }
        return updates + quiet.sorted().flatMap { end($0) }
    }

    /// Ends every open trace (shutdown).
    public mutating func endAll() -> [Update] {
        open.keys.sorted().flatMap { end($0) }
    }

    private mutating func end(_ traceId: String) -> [Update] {
        guard var entry = open.removeValue(forKey: traceId) else { return [] }
        ended.insert(traceId, keeping: limits.endedTracesRemembered)
        let events = entry.assembly.finish()
        return events.isEmpty ? [] : [Update(runId: traceId, events: events)]
    }

    /// Lower-case hex of the given length, not all zeros (OTLP's invalid id).
    static func isValidID(_ id: String, length: Int) -> Bool {
        let bytes = id.utf8
        guard bytes.count == length else { return false }
        var nonZero = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0"): break
            case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): nonZero = true
            default: return false
            }
        }
        return nonZero
    }
}

/// A bounded set of ids: the oldest is forgotten past the limit.
struct RecentIDs: Sendable {
    private var members: Set<String> = []
    private var order: [String] = []
    private var head = 0

    func contains(_ id: String) -> Bool { members.contains(id) }

    mutating func insert(_ id: String, keeping limit: Int) {
        guard members.insert(id).inserted else { return }
        order.append(id)
        while members.count > limit, head < order.count {
            members.remove(order[head])
            head += 1
        }
        // Compact now and then rather than remove from the front each time.
        if head > 1_024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}

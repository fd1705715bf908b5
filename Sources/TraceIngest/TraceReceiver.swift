import Foundation
import Synchronization
import TraceRunBuilder
import WorkflowCore

/// Where received spans become runs, shared by the OTLP/HTTP routes and OTLP/gRPC: decodes a request, feeds the
/// spans to `TraceRuns` and hands each run's new events to `deliver`, and counts what it refused. `deliver` is
/// called under the lock of the run's shard, so every run's events reach it in sequence order even when requests
/// arrive at once (runs of different shards may be delivered at the same time); keep it short (publish to a run
/// record, append to an inbox, print a line).
///
/// The traces are split by trace id among shards, each a `TraceRuns` under a lock of its own, so requests carrying
/// different traces are built at the same time rather than one after the other; the limits are shared out evenly
/// (with limits under 1,024 open traces there is one shard, which keeps them exact).
public final class TraceReceiver: Sendable {
    /// What the receiver took and refused since it started, for the dashboard's warnings overlay and logs.
    public struct Counters: Sendable, Hashable {
        public var requests = 0
        public var spans = 0
        public var rejectedSpans = 0
        /// Bodies that did not decode (400).
        public var malformed = 0
        /// Bodies past the size limit, sent or inflated (413).
        public var oversized = 0
        /// Unknown content types or encodings (415).
        public var unsupported = 0
        /// Spans of runs that had already ended.
        public var lateSpans = 0
        /// Spans of traces that are not runs (`workflow.build`).
        public var ignoredSpans = 0

        /// The problems as counts by description, the shape the dashboard's `w` overlay lists.
        public var problems: [String: Int] {
            var counts: [String: Int] = [:]
            if malformed > 0 { counts["OTLP requests that did not decode (400)"] = malformed }
            if oversized > 0 { counts["OTLP requests past the size limit (413)"] = oversized }
            if unsupported > 0 { counts["OTLP requests of an unsupported content type or encoding (415)"] = unsupported }
            if rejectedSpans > 0 { counts["spans refused (partial success)"] = rejectedSpans }
            if lateSpans > 0 { counts["spans that arrived after their run ended"] = lateSpans }
            return counts
        }
    }

    /// A request refused as a whole.
    public enum Refusal: Error, Sendable, Hashable {
        case malformed(String)
        case oversized(String)
        case unsupported(String)

        public var message: String {
            switch self {
            case let .malformed(reason), let .oversized(reason), let .unsupported(reason): reason
            }
        }
    }

    /// What became of an accepted request's spans.
    public struct Acceptance: Sendable, Hashable {
        public var rejected: Int
        public var reason: String?
    }

    /// One share of the traces (a trace always lands in the same one).
    private final class Shard: Sendable {
        let runs: Mutex<TraceRuns>

        init(limits: TraceRuns.Limits) {
            runs = Mutex(TraceRuns(limits: limits))
        }
    }

    private let shards: [Shard]
    private let counterState = Mutex(Counters())
    /// The requests being read, which a trace that became complete meanwhile waits for.
    private let tickets = Mutex(RequestTickets())
    private let deliver: @Sendable ([TraceRuns.Update]) -> Void
    private let onCounters: @Sendable (Counters) -> Void
    /// Ends settled and idle traces twenty times a second: a trace's last request may be followed by none, and a
    /// settled trace held past its settle delay is memory for nothing (at thousands of runs a second, a quarter of
    /// a second more is thousands more open traces).
    private let clock = Mutex<Task<Void, Never>?>(nil)

    public init(
        limits: TraceRuns.Limits = .init(), deliver: @escaping @Sendable ([TraceRuns.Update]) -> Void,
        onCounters: @escaping @Sendable (Counters) -> Void = { _ in }
    ) {
        let count = limits.maxOpenTraces >= 1_024 ? 8 : 1
        var shared = limits
        shared.maxOpenTraces = (limits.maxOpenTraces + count - 1) / count
        shared.endedTracesRemembered = (limits.endedTracesRemembered + count - 1) / count
        self.shards = (0..<count).map { _ in Shard(limits: shared) }
        self.deliver = deliver
        self.onCounters = onCounters
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                guard let self else { return }
                self.tick()
            }
        }
        clock.withLock { $0 = task }
    }

    deinit {
        clock.withLock { $0?.cancel() }
    }

    private func tick() {
        let now = Date().timeIntervalSince1970
        let window = tickets.withLock { $0.window }
        for shard in shards {
            shard.runs.withLock { runs in
                guard runs.openTraces > 0 else { return }
                let updates = runs.expire(now: now, window: window)
                if !updates.isEmpty { deliver(updates) }
            }
        }
    }

    public var counters: Counters { counterState.withLock { $0 } }

    private func shardIndex(_ traceId: String) -> Int {
        shards.count == 1 ? 0 : Int(UInt(bitPattern: traceId.hashValue) % UInt(shards.count))
    }

    /// Decodes one export request body (already inflated) and takes its spans.
    public func export(_ body: [UInt8], encoding: OTLPEncoding) throws(Refusal) -> Acceptance {
        // From before the decoding: a long body's spans are on their way while it decodes.
        let ticket = tickets.withLock { $0.begin() }
        defer { tickets.withLock { $0.finish(ticket) } }
        let spans: [TraceSpan]
        do {
            switch encoding {
            case .protobuf: spans = try OTLPSpans.decodeProtobuf(body)
            case .json: spans = try OTLPSpans.decodeJSON(body)
            }
        } catch {
            refuse(.malformed(error.reason))
            throw .malformed(error.reason)
        }
        return take(spans)
    }

    /// Takes decoded spans (the gRPC service decodes its own messages).
    public func accept(_ spans: [TraceSpan]) -> Acceptance {
        let ticket = tickets.withLock { $0.begin() }
        defer { tickets.withLock { $0.finish(ticket) } }
        return take(spans)
    }

    /// Builds one request's spans into the shards' runs (its ticket held by the caller).
    private func take(_ spans: [TraceSpan]) -> Acceptance {
        let now = Date().timeIntervalSince1970
        let window = tickets.withLock { $0.window }
        // Each shard's traces in their order, the shards in the order their first trace came: the spans are grouped
        // by trace once, and each trace's id hashed once to find its shard.
        var groups: [[[TraceSpan]]] = Array(repeating: [], count: shards.count)
        var order: [Int] = []
        for trace in TraceRuns.byTrace(spans) {
            let index = shardIndex(trace[0].traceId)
            if groups[index].isEmpty { order.append(index) }
            groups[index].append(trace)
        }
        var tally = Tally()
        func build(_ runs: inout TraceRuns, _ index: Int) -> TraceRuns.Outcome {
            var outcome = runs.add(traces: groups[index], now: now, window: window)
            if !outcome.updates.isEmpty { deliver(outcome.updates) }
            outcome.updates = []
            return outcome
        }
        // A shard another request holds is left for later and the free ones built meanwhile; only when every
        // shard left is held does the request wait (for the first of them). Waiting in the lock cost more CPU
        // than building when four requests went through the shards in the same order.
        var pending = order
        while !pending.isEmpty {
            var held: [Int] = []
            for index in pending {
                let outcome = shards[index].runs.withLockIfAvailable { build(&$0, index) }
                if let outcome {
                    tally.note(outcome)
                } else {
                    held.append(index)
                }
            }
            if held.count == pending.count, let first = held.first {
                tally.note(shards[first].runs.withLock { build(&$0, first) })
                held.removeFirst()
            }
            pending = held
        }
        let counters = counterState.withLock { counters -> Counters in
            counters.requests += 1
            counters.spans += spans.count - tally.rejected
            counters.rejectedSpans += tally.rejected
            counters.lateSpans += tally.late
            counters.ignoredSpans += tally.ignored
            return counters
        }
        if tally.rejected > 0 || counters.lateSpans > 0 { onCounters(counters) }
        return Acceptance(rejected: tally.rejected, reason: tally.reason)
    }

    /// One request's outcomes summed over the shards it touched.
    private struct Tally {
        var rejected = 0
        var reason: String?
        var late = 0
        var ignored = 0

        mutating func note(_ outcome: TraceRuns.Outcome) {
            rejected += outcome.rejected
            if reason == nil { reason = outcome.rejectReason }
            late += outcome.late
            ignored += outcome.ignored
        }
    }

    /// Counts a request refused before its spans were read.
    public func refuse(_ refusal: Refusal) {
        let counters = counterState.withLock { counters -> Counters in
            counters.requests += 1
            switch refusal {
            case .malformed: counters.malformed += 1
            case .oversized: counters.oversized += 1
            case .unsupported: counters.unsupported += 1
            }
            return counters
        }
        onCounters(counters)
    }

    /// Ends every run still open with what it has (shutdown).
    public func endAll() {
        for shard in shards {
            shard.runs.withLock { runs in
                let updates = runs.endAll()
                if !updates.isEmpty { deliver(updates) }
            }
        }
    }
}

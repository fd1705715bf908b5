import Foundation
import Synchronization
import TraceRunBuilder
import WorkflowCore

/// Where received spans become runs, shared by the OTLP/HTTP routes and OTLP/gRPC: decodes a request, feeds the
/// spans to `TraceRuns` and hands each run's new events to `deliver`, and counts what it refused. `deliver` is
/// called under the receiver's lock, so every run's events reach it in sequence order even when requests arrive
/// at once; keep it short (publish to a run record, append to an inbox, print a line).
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

    private struct State {
        var runs: TraceRuns
        var counters = Counters()
        var lastExpiry = 0.0
    }

    private let state: Mutex<State>
    private let deliver: @Sendable ([TraceRuns.Update]) -> Void
    private let onCounters: @Sendable (Counters) -> Void
    /// Ends settled and idle traces four times a second: a trace's last request may be followed by none.
    private let clock = Mutex<Task<Void, Never>?>(nil)

    public init(
        limits: TraceRuns.Limits = .init(), deliver: @escaping @Sendable ([TraceRuns.Update]) -> Void,
        onCounters: @escaping @Sendable (Counters) -> Void = { _ in }
    ) {
        self.state = Mutex(State(runs: TraceRuns(limits: limits)))
        self.deliver = deliver
        self.onCounters = onCounters
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
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
        state.withLock { state in
            guard state.runs.openTraces > 0 else { return }
            state.lastExpiry = now
            let updates = state.runs.expire(now: now)
            if !updates.isEmpty { deliver(updates) }
        }
    }

    public var counters: Counters { state.withLock { $0.counters } }

    /// Decodes one export request body (already inflated) and takes its spans.
    public func export(_ body: [UInt8], encoding: OTLPEncoding) throws(Refusal) -> Acceptance {
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
        return accept(spans)
    }

    /// Takes decoded spans (the gRPC service decodes its own messages).
    public func accept(_ spans: [TraceSpan]) -> Acceptance {
        let now = Date().timeIntervalSince1970
        let (acceptance, counters) = state.withLock { state -> (Acceptance, Counters) in
            let outcome = state.runs.add(spans, now: now)
            state.counters.requests += 1
            state.counters.spans += spans.count - outcome.rejected
            state.counters.rejectedSpans += outcome.rejected
            state.counters.lateSpans += outcome.late
            state.counters.ignoredSpans += outcome.ignored
            if !outcome.updates.isEmpty { deliver(outcome.updates) }
            return (Acceptance(rejected: outcome.rejected, reason: outcome.rejectReason), state.counters)
        }
        if acceptance.rejected > 0 || counters.lateSpans > 0 { onCounters(counters) }
        return acceptance
    }

    /// Counts a request refused before its spans were read.
    public func refuse(_ refusal: Refusal) {
        let counters = state.withLock { state -> Counters in
            state.counters.requests += 1
            switch refusal {
            case .malformed: state.counters.malformed += 1
            case .oversized: state.counters.oversized += 1
            case .unsupported: state.counters.unsupported += 1
            }
            return state.counters
        }
        onCounters(counters)
    }

    /// Ends every run still open with what it has (shutdown).
    public func endAll() {
        state.withLock { state in
            let updates = state.runs.endAll()
            if !updates.isEmpty { deliver(updates) }
        }
    }
}

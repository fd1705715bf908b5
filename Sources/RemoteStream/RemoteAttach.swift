import EventStream
import Foundation
import Wire
import WorkflowCore

/// Attaches to a remote workflow stream: the EventSource client's events through a wire decoder (detected from the
/// first events, or the one asked for), delivered as `WorkflowEvent`s until the run's terminal event.
public enum RemoteAttach {
    public struct Outcome: Sendable {
        /// The stream ended badly (HTTP error, gave up reconnecting): the message to show.
        public var failure: EventSourceFailure?
        /// The task was cancelled (the person quit, or a signal): not a failure.
        public var cancelled: Bool
        /// Whether any event was delivered.
        public var deliveredAny: Bool
        public var dialect: WireDialect?
        public var unknownEventCounts: [String: Int]
    }

    /// Runs until the stream's run ends. `format` nil means detect; `workflowName` names the run for dialects that
    /// carry no name (the URL's host and path when nil). A fatal error before any event is returned in
    /// `failure` with no events delivered; after events, the decoder's close (a failed run) is delivered too.
    /// `onSkipped` gets the counts of unknown event types each time one more is skipped (the decoder warns only
    /// about the first of each type), so a live view can show them. `graph`, the structure the caller learnt
    /// elsewhere (DevUI's entity info), is given to a `runStarted` that carries none. `followUps`: an AG-UI stream
    /// that stops at requests for a person goes on with the follow-up run once they are answered, as the same run.
    public static func run(
        _ request: EventSourceRequest, client: EventSourceClient, format: WireDialect?, agentName: String?,
        workflowName: String? = nil, graph: WorkflowGraph? = nil, followUps: AGUIFollowUps? = nil,
        onState: @Sendable (ConnectionState) -> Void,
        onSkipped: ([String: Int]) -> Void = { _ in },
        onEvent: (WorkflowEvent) -> Void
    ) async -> Outcome {
        var decoder = makeDecoder(
            format: format, agentName: agentName, workflowName: workflowName ?? Self.workflowName(for: request.url))
        var skipped = 0
        var current = request
        var deliveredBefore = false
        var segment: Segment
        while true {
            segment = await stream(
                current, client: client, decoder: &decoder, graph: graph, skipped: &skipped, onState: onState,
                onSkipped: onSkipped,
                observe: { decoder, decoded in if decoder.dialect == .agui { followUps?.observe(decoded) } },
                onEvent: onEvent)
            // AG-UI's way with a person: the stream stopped at requests; the follow-up run goes on as the same run.
            guard !segment.terminated, !segment.cancelled, segment.failure == nil, let followUps,
                  let interruption = decoder.aguiInterruption
            else { break }
            guard let next = await followUps.followUp(after: interruption) else {
                segment.cancelled = true
                break
            }
            for decoded in decoder.resume(answering: next.answers, at: Date().timeIntervalSince1970) { onEvent(decoded) }
            deliveredBefore = deliveredBefore || segment.deliveredAny
            current = next.request
        }
        var outcome = finish(segment, decoder: &decoder, deliveredBefore: deliveredBefore, onEvent: onEvent)
        outcome.dialect = decoder.dialect
        return outcome
    }

    /// How one stream of a run ended.
    struct Segment {
        var failure: EventSourceFailure?
        var cancelled = false
        var terminated = false
        var deliveredAny = false
    }

    /// One stream's events through `decoder`, which a run spanning several streams (a DevUI conversation) keeps
    /// from one to the next; `skipped` is the unknown-event total last reported to `onSkipped`.
    static func stream<Decoder: RemoteStreamDecoder>(
        _ request: EventSourceRequest, client: EventSourceClient, decoder: inout Decoder, graph: WorkflowGraph?,
        skipped: inout Int, onState: @Sendable (ConnectionState) -> Void, onSkipped: ([String: Int]) -> Void,
        observe: (Decoder, WorkflowEvent) -> Void = { _, _ in },
        onEvent: (WorkflowEvent) -> Void
    ) async -> Segment {
        var segment = Segment()
        do {
            _ = try await client.stream(request, onState: onState) { event, arrival in
                let events = decoder.decode(event, at: arrival)
                for var decoded in events {
                    if let graph, case var .runStarted(info) = decoded.kind, info.graph == nil {
                        info.graph = graph
                        decoded.kind = .runStarted(info)
                    }
                    segment.deliveredAny = true
                    observe(decoder, decoded)
                    onEvent(decoded)
                    if decoded.isTerminal { segment.terminated = true }
                }
                // An unknown event decodes to nothing, or to its type's first warning: only then can the count move.
                if events.isEmpty || events.first?.isWarning == true {
                    let counts = decoder.unknownEventCounts
                    let total = counts.values.reduce(0, +)
                    if total != skipped {
                        skipped = total
                        onSkipped(counts)
                    }
                }
                return segment.terminated ? .stop : .more
            }
        } catch let error as EventSourceFailure {
            segment.failure = error
        } catch {
            segment.cancelled = true
        }
        return segment
    }

    /// The run's end after its last stream: the decoder's close of a run that had no terminal event (a failure
    /// given the stream's own reason), and the outcome.
    static func finish<Decoder: RemoteStreamDecoder>(
        _ segment: Segment, decoder: inout Decoder, deliveredBefore: Bool = false, dialect: WireDialect? = nil,
        onEvent: (WorkflowEvent) -> Void
    ) -> Outcome {
        var deliveredAny = deliveredBefore || segment.deliveredAny
        if !segment.terminated && !segment.cancelled && (deliveredAny || segment.failure == nil) {
            for decoded in decoder.finish(at: Date().timeIntervalSince1970) {
                if let failure = segment.failure, case .runFailed = decoded.kind {
                    onEvent(WorkflowEvent(sequence: decoded.sequence, timestamp: decoded.timestamp,
                                          kind: .runFailed(error: failure.message, agent: nil)))
                } else {
                    onEvent(decoded)
                }
                deliveredAny = true
            }
        }
        return Outcome(
            failure: segment.failure, cancelled: segment.cancelled, deliveredAny: deliveredAny,
            dialect: dialect, unknownEventCounts: decoder.unknownEventCounts)
    }

    /// The workflow name for dialects that carry none: the URL's host and path.
    static func workflowName(for url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "remote" }
        return host + (components.port.map { ":\($0)" } ?? "") + components.path
    }

    static func makeDecoder(format: WireDialect?, agentName: String?, workflowName: String) -> AutoStreamDecoder {
        AutoStreamDecoder(agentName: agentName, workflowName: workflowName, dialect: format)
    }
}

extension WorkflowEvent {
    var isWarning: Bool {
        if case .warning = kind { return true }
        return false
    }
}

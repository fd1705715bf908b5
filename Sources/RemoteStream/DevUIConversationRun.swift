import Foundation
import Wire
import WorkflowCore

/// A DevUI run in the conversation `attach` created for it: the first response, then, each time it stops with
/// requests for a person, a follow-up response in the same conversation once every pending request has an answer,
/// all through one `DevUIStreamDecoder`. So the follow-up's events land in the same run (its numbers go on, no
/// second `runStarted`), a response that ended on a pending request does not end the run, and an answer DevUI
/// refuses (`error`, then `response.failed`) leaves the run as it was, waiting, with DevUI's reason told to whoever
/// answered. Nothing is open while the person decides.
public enum DevUIConversationRun {
    /// Runs `entity` on `message` in `conversation` until the run ends; `answers` brings the person's answers.
    /// The rest is as `RemoteAttach.run`.
    public static func run(
        server: DevUIServer, entity: String, conversation: String, message: String, answers: DevUIRequestAnswers,
        client: EventSourceClient, agentName: String, graph: WorkflowGraph? = nil,
        onState: @Sendable (ConnectionState) -> Void,
        onSkipped: ([String: Int]) -> Void = { _ in },
        onEvent: (WorkflowEvent) -> Void
    ) async -> RemoteAttach.Outcome {
        var decoder = DevUIStreamDecoder(agentName: agentName, workflowName: entity)
        var request = server.run(entity: entity, message: message, conversation: conversation)
        /// The answers the stream being read carries (none for the first response).
        var carried: [DevUIRequestAnswers.Answer] = []
        var skipped = 0
        var deliveredBefore = false
        defer { answers.close() }
        while true {
            var segment = await RemoteAttach.stream(
                request, client: client, decoder: &decoder, graph: graph, skipped: &skipped, onState: onState,
                onSkipped: onSkipped, onEvent: onEvent)
            if !carried.isEmpty {
                let refusal = refusal(of: carried, outcome: decoder.followUpOutcome, failure: segment.failure)
                for answer in carried { answer.reply(refusal) }
                carried = []
                // Refused, or failed before DevUI took it: the run is unchanged and still waits.
                if refusal != nil && !segment.cancelled { segment = RemoteAttach.Segment() }
            }
            guard !segment.terminated, !segment.cancelled, segment.failure == nil, decoder.isWaiting else {
                return RemoteAttach.finish(
                    segment, decoder: &decoder, deliveredBefore: deliveredBefore, dialect: .devui, onEvent: onEvent)
            }
            deliveredBefore = deliveredBefore || segment.deliveredAny
            onState(.waiting(waitingLabel(decoder.pendingRequests)))
            guard let taken = await collect(for: decoder.pendingRequests, from: answers) else {
                return RemoteAttach.finish(
                    RemoteAttach.Segment(cancelled: true), decoder: &decoder, deliveredBefore: deliveredBefore,
                    dialect: .devui, onEvent: onEvent)
            }
            let answering = taken.map { (request: $0.request, response: $0.answer.response) }
            decoder.followUp(carrying: answering)
            request = server.followUp(entity: entity, conversation: conversation, answering: answering)
            carried = taken.map(\.answer)
        }
    }

    /// What to tell whoever answered: nil when DevUI took the answers, else why not.
    static func refusal(
        of answers: [DevUIRequestAnswers.Answer], outcome: DevUIStreamDecoder.FollowUpOutcome?, failure: EventSourceFailure?
    ) -> String? {
        let ids = answers.map(\.requestId).joined(separator: ", ")
        switch outcome {
        case .taken: return nil
        case let .refused(reason): return "DevUI did not take the answer to \(ids): \(reason)"
        case nil: return "DevUI did not take the answer to \(ids): " + (failure?.message ?? "the follow-up response ended first")
        }
    }

    /// Answers until every one of `pending` has one, oldest first, each with the request it answers; an answer to
    /// anything else is refused at once. Nil when no more answers can come (the task was cancelled: the person quit).
    static func collect(
        for pending: [HumanRequest], from answers: DevUIRequestAnswers
    ) async -> [(answer: DevUIRequestAnswers.Answer, request: HumanRequest)]? {
        var taken: [(answer: DevUIRequestAnswers.Answer, request: HumanRequest)] = []
        while !pending.allSatisfy({ request in taken.contains { $0.request.id == request.id } }) {
            guard let answer = await answers.next() else {
                for (answer, _) in taken { answer.reply("cannot answer \(answer.requestId): attach stopped before sending it") }
                return nil
            }
            guard let request = pending.first(where: { $0.id == answer.requestId }), answer.response.fits(request),
                  !taken.contains(where: { $0.request.id == answer.requestId })
            else {
                answer.reply("cannot answer \(answer.requestId): DevUI's run is not waiting for it")
                continue
            }
            taken.append((answer, request))
        }
        return taken
    }

    /// The header's connection line while nothing is open: what the run waits for.
    static func waitingLabel(_ pending: [HumanRequest]) -> String {
        let approvals = pending.filter { if case .approval = $0 { true } else { false } }.count
        let questions = pending.count - approvals
        var parts: [String] = []
        if approvals > 0 { parts.append(approvals == 1 ? "an approval" : "\(approvals) approvals") }
        if questions > 0 { parts.append(questions == 1 ? "an answer" : "\(questions) answers") }
        return "DevUI waits for " + parts.joined(separator: " and ")
    }
}

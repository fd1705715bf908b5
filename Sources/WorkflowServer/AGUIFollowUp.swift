import Hummingbird
import Wire
import WorkflowCore

/// A follow-up AG-UI run (`POST /api/agui` on the same `threadId`, with `tool` messages or `resume` entries): it
/// answers the requests the thread's run waits on, first answer wins as on `POST /api/runs/{id}/requests/{id}`, and
/// its stream goes on from where the interrupted one stopped. Every answer is read before any is given, so a bad
/// one (422, pointing at it in FastAPI's shape) leaves the run as it was; one answered already is a 409.
struct AGUIFollowUp {
    let input: AGUIRunInput
    let registry: RunRegistry

    static let answeredBy = "an AG-UI client"

    func answer(request: Request, routes: WorkflowRoutes) throws -> Response {
        let threadId = input.threadId ?? ""
        guard let record = registry.run(onThread: threadId) else {
            throw AGUIRunInput.Invalid(
                type: "value_error", location: ["threadId"],
                message: "no run on thread '\(threadId)' waits for an answer (the tool message answers "
                    + "'\(input.answers[0].name)')", input: .string(threadId))
        }
        var answers: [(id: String, response: HumanResponse, announced: Int?)] = []
        for answer in input.answers {
            guard let found = record.request(named: answer.name) else {
                let waiting = record.desk.pending.map(\.id)
                throw AGUIRunInput.Invalid(
                    type: "value_error",
                    location: Array(answer.location.dropLast()) + [answer.location.first == "resume" ? "interruptId" : "toolCallId"],
                    message: "run \(record.id) on thread '\(threadId)' has no request '\(answer.name)' "
                        + (waiting.isEmpty ? "(it waits on none)" : "(it waits on \(waiting.joined(separator: ", ")))"),
                    input: .string(answer.name))
            }
            do {
                let response = try AGUIHumanLoop.response(from: answer.payload, for: found.request, answeredBy: Self.answeredBy)
                answers.append((found.request.id, response, found.announced))
            } catch {
                throw AGUIRunInput.Invalid(type: "value_error", location: answer.location, message: error.message, input: answer.payload)
            }
        }
        for answer in answers {
            switch record.desk.answer(answer.id, with: answer.response) {
            case .accepted:
                continue
            case .alreadyAnswered:
                throw ErrorAnswer(status: .conflict, message: "request '\(answer.id)' was already answered (or expired)")
            case .unknownRequest, .wrongKind:
                throw AGUIRunInput.Invalid(type: "value_error", location: ["messages"],
                                           message: "that answer does not fit request '\(answer.id)'")
            }
        }
        let pause = record.agui.pause
        return routes.runStream(
            record, encoder: WireEncoder(dialect: .agui, threadId: threadId, runId: input.runId ?? record.id),
            after: pause?.after ?? answers.compactMap(\.announced).max() ?? 0, detached: record.detached,
            request: request, stopsAtRequests: true, resuming: pause?.steps ?? [])
    }
}

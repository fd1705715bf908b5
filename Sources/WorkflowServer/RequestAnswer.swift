import Foundation
import Hummingbird
import RunStore
import WorkflowCore

/// A watcher's answer to one of a run's requests for a person (`POST /api/runs/{id}/requests/{request_id}`):
/// `{"approved": true|false, "reason"?: "…"}` for an approval, `{"response": "…"}` for a question, with an optional
/// `"answered_by"` that every watcher sees in the resolution. The first answer wins; the status says why another
/// was refused, and the run is unchanged by a refused one.
struct RequestAnswer {
    let response: HumanResponse

    /// Reads the body against the request it answers (nil when the request is not open: the desk then says whether
    /// it is unknown or answered already). Throws 422 for an answer of the wrong shape.
    static func parse(_ body: String, for request: HumanRequest?) throws(ErrorAnswer) -> RequestAnswer {
        guard let value = try? JSONValue(parsing: body), let fields = value.objectValue else {
            throw unprocessable("the answer must be a JSON object: {\"approved\": true|false, \"reason\"?: …} or {\"response\": …}")
        }
        let answeredBy = fields["answered_by"]?.stringValue ?? "a server watcher"
        switch (fields["approved"], fields["response"]) {
        case let (approved?, nil):
            guard case let .bool(decision) = approved else { throw unprocessable("\"approved\" must be true or false") }
            if let reason = fields["reason"], reason != .null, reason.stringValue == nil {
                throw unprocessable("\"reason\" must be a string")
            }
            if case .input? = request { throw unprocessable("this request asks a question: answer with {\"response\": …}") }
            return RequestAnswer(response: .approval(ApprovalDecision(
                approved: decision, reason: fields["reason"]?.stringValue, answeredBy: answeredBy)))
        case let (nil, answer?):
            if case .approval? = request {
                throw unprocessable("this request is an approval: answer with {\"approved\": true|false}")
            }
            let text = answer.stringValue ?? answer.jsonText
            if case let .input(input)? = request, let schema = input.schema,
               let problem = JSONSchemaValidator(schema: schema, subject: "the answer").problems(in: answer).first {
                throw unprocessable(problem)
            }
            return RequestAnswer(response: .input(InputAnswer(text: text, answeredBy: answeredBy)))
        case (.some, .some):
            throw unprocessable("an answer has \"approved\" or \"response\", not both")
        case (nil, nil):
            throw unprocessable("an answer needs \"approved\" (an approval) or \"response\" (a question)")
        }
    }

    private static func unprocessable(_ message: String) -> ErrorAnswer {
        ErrorAnswer(status: .unprocessableContent, message: message)
    }
}

/// The answer to an accepted answer: which request, and how it was taken.
struct RequestAnswered: ResponseEncodable {
    var requestId: String
    var status = "accepted"

    enum CodingKeys: String, CodingKey {
        case requestId = "request_id"
        case status
    }
}

/// `GET /api/runs/{id}`: the run as the list shows it, with the requests it waits on.
struct RunAnswer: ResponseEncodable {
    struct Pending: Encodable {
        var requestId: String
        var kind: String
        var agent: String
        var tool: String?
        var arguments: String?
        var question: String?

        enum CodingKeys: String, CodingKey {
            case requestId = "request_id"
            case kind, agent, tool, arguments, question
        }
    }

    var id: String
    var workflow: String
    var state: RunState
    var agents: [String]
    var events: Int
    var pendingRequests: [Pending]

    enum CodingKeys: String, CodingKey {
        case id, workflow, state, agents, events
        case pendingRequests = "pending_requests"
    }

    init(_ record: RunRecord) {
        let summary = record.runSummary(now: Date().timeIntervalSince1970)
        id = summary.id
        workflow = summary.workflow
        state = summary.state
        agents = summary.agents
        events = summary.events
        pendingRequests = record.desk.pending.map { request in
            switch request {
            case let .approval(approval):
                Pending(requestId: approval.requestId, kind: "approval", agent: approval.agent, tool: approval.tool,
                        arguments: approval.arguments)
            case let .input(input):
                Pending(requestId: input.requestId, kind: "input", agent: input.agent, question: input.question)
            }
        }
    }

    /// A run only the store still has (finished before a restart, or interrupted): nothing waits on a person.
    init(_ stored: StoredRun) {
        id = stored.id
        workflow = stored.workflow
        state = stored.state
        agents = stored.agents
        events = stored.lastSequence
        pendingRequests = []
    }
}

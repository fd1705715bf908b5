import WorkflowCore

/// Requests for a person as Agent Framework's AG-UI endpoint (agent-framework-ag-ui 1.7.0) carries them, in both
/// directions. A held tool call is `CUSTOM function_approval_request` (`{id, function_call{call_id, name,
/// arguments}}`) and a `confirm_changes` tool call for the client to render; a question is a `request_info` tool call
/// and `CUSTOM request_info`. The run then ends with `RUN_FINISHED` whose `outcome` is `{"type": "interrupt",
/// "interrupts": […]}`, and the client answers with a follow-up run on the same `threadId`: a trailing `tool`
/// message (`toolCallId` the held call's id, content `{"accepted": true|false}`; for a question, the answer) or a
/// `resume` entry (`interruptId`, `payload`). Kept in one place so `serve` and `attach` speak the same shape.
public enum AGUIHumanLoop {
    /// The synthetic tool Agent Framework asks a client to confirm a held call with.
    public static let confirmTool = "confirm_changes"
    /// The tool call a workflow's question travels as.
    public static let requestInfoTool = "request_info"

    /// The id of the `confirm_changes` call that stands for request `requestId`.
    public static func confirmCallId(for requestId: String) -> String { "confirm_" + requestId }

    /// The names a follow-up may answer `request` by: its request id (the interrupt's id), the held call's id (what
    /// Agent Framework's clients send) and the `confirm_changes` call's id.
    public static func names(of request: HumanRequest) -> Set<String> {
        switch request {
        case let .approval(approval):
            return [approval.requestId, approval.callId, confirmCallId(for: approval.requestId)]
        case let .input(input):
            return [input.requestId]
        }
    }

    /// The request among `pending` that `name` (a `toolCallId` or `interruptId`) answers.
    public static func request(named name: String, among pending: [HumanRequest]) -> HumanRequest? {
        pending.first { names(of: $0).contains(name) }
    }

    /// The arguments as Agent Framework sends them (parsed), or the text when it is not JSON.
    static func parsedArguments(_ arguments: String) -> JSONValue {
        (try? JSONValue(parsing: arguments)) ?? .string(arguments)
    }

    /// The held call as Agent Framework describes it (`function_call` in `CUSTOM function_approval_request` and in
    /// an interrupt's metadata).
    static func functionCallValue(_ request: ApprovalRequest) -> JSONValue {
        .object([
            "call_id": .string(request.callId), "name": .string(request.tool),
            "arguments": parsedArguments(request.arguments),
        ])
    }

    /// The `confirm_changes` call's arguments, as Agent Framework writes them.
    static func confirmArguments(_ request: ApprovalRequest) -> JSONValue {
        .object([
            "function_name": .string(request.tool), "function_call_id": .string(request.callId),
            "function_arguments": parsedArguments(request.arguments),
            "steps": .array([.object(["description": .string("Execute \(request.tool)"), "status": .string("enabled")])]),
        ])
    }

    /// `CUSTOM request_info`'s value (also the `request_info` call's arguments).
    static func requestInfoValue(_ request: InputRequest) -> JSONValue {
        var data: [String: JSONValue] = ["question": .string(request.question)]
        if let schema = request.schema { data["schema"] = schema }
        return .object([
            "request_id": .string(request.requestId), "source_executor_id": .string(request.agent),
            "request_type": .string("question"), "response_type": .string(request.schema == nil ? "str" : "json"),
            "data": .object(data),
        ])
    }

    /// One entry of `RUN_FINISHED.outcome.interrupts`.
    static func interrupt(for request: HumanRequest) -> JSONValue {
        switch request {
        case let .approval(approval):
            return .object([
                "id": .string(approval.requestId), "reason": .string("tool_call"),
                "message": .string("Approve running \(approval.tool)?"), "toolCallId": .string(approval.callId),
                "responseSchema": approvalSchema,
                "metadata": .object(["agent_framework": .object([
                    "type": .string("function_approval_request"),
                    "function_call": functionCallValue(approval),
                ])]),
            ])
        case let .input(input):
            var fields: [String: JSONValue] = [
                "id": .string(input.requestId), "reason": .string("input_required"), "message": .string(input.question),
                "metadata": .object(["agent_framework": requestInfoValue(input).merging(["type": .string("workflow_request_info")])]),
            ]
            if let schema = input.schema { fields["responseSchema"] = schema }
            return .object(fields)
        }
    }

    /// What an approval's answer looks like; `reason` is flowtop's addition (told to the model with a rejection).
    static let approvalSchema: JSONValue = .object([
        "type": .string("object"),
        "properties": .object([
            "approved": .object(["type": .string("boolean")]),
            "accepted": .object(["type": .string("boolean")]),
            "reason": .object(["type": .string("string")]),
        ]),
        "anyOf": .array([
            .object(["required": .array([.string("approved")])]), .object(["required": .array([.string("accepted")])]),
        ]),
    ])

    // MARK: Answers

    /// The `tool` message content that answers with `response`: `{"accepted": …}` (and the reason, when given) for
    /// an approval, the text itself for a question.
    public static func toolContent(for response: HumanResponse) -> String {
        switch response {
        case let .approval(decision):
            var fields: [String: JSONValue] = ["accepted": .bool(decision.approved)]
            if let reason = decision.reason, !reason.isEmpty { fields["reason"] = .string(reason) }
            return JSONValue.object(fields).jsonText
        case let .input(answer):
            return answer.text
        }
    }

    /// Why a follow-up's answer does not fit its request, in words for the client.
    public struct AnswerProblem: Error, Sendable, Hashable {
        public var message: String
    }

    /// Reads `payload` (a tool message's content, parsed when it is JSON, or a resume entry's `payload`) as the answer
    /// to `request`.
    public static func response(from payload: JSONValue, for request: HumanRequest, answeredBy: String)
        throws(AnswerProblem) -> HumanResponse
    {
        switch request {
        case let .approval(approval):
            guard let fields = payload.objectValue else {
                throw AnswerProblem(message: "the answer to \(approval.requestId) (an approval of \(approval.tool)) must be "
                    + "an object: {\"accepted\": true|false, \"reason\"?: …}")
            }
            guard case let .bool(approved)? = fields["accepted"] ?? fields["approved"] else {
                throw AnswerProblem(message: "the answer to \(approval.requestId) needs \"accepted\" (or \"approved\"): true or false")
            }
            if let reason = fields["reason"], reason != .null, reason.stringValue == nil {
                throw AnswerProblem(message: "\"reason\" must be a string")
            }
            return .approval(ApprovalDecision(approved: approved, reason: fields["reason"]?.stringValue, answeredBy: answeredBy))
        case let .input(input):
            if payload.objectValue.map({ $0["accepted"] != nil || $0["approved"] != nil }) == true {
                throw AnswerProblem(message: "\(input.requestId) asks a question (\"\(input.question)\"): answer with its text, not an approval")
            }
            if let schema = input.schema,
               let problem = JSONSchemaValidator(schema: schema, subject: "the answer").problems(in: payload).first {
                throw AnswerProblem(message: problem)
            }
            return .input(InputAnswer(text: payload.stringValue ?? payload.jsonText, answeredBy: answeredBy))
        }
    }

    /// A tool message's content as an answer's payload: parsed when it is JSON, else the text.
    public static func payload(ofContent content: String) -> JSONValue {
        (try? JSONValue(parsing: content)) ?? .string(content)
    }
}

extension JSONValue {
    /// This object with `other`'s members added (a non-object stays as it is).
    func merging(_ other: [String: JSONValue]) -> JSONValue {
        guard case var .object(fields) = self else { return self }
        fields.merge(other) { _, new in new }
        return .object(fields)
    }
}

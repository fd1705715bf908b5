import HTTPTypes
import Hummingbird
import Wire
import WorkflowCore

/// AG-UI's `RunAgentInput` as far as flowtop needs it: `threadId`, `runId` (echoed back) and `messages`, whose last
/// user message is the prompt. `tools`, `state`, `context` and `forwardedProps` are accepted and type-checked but
/// unused: a flowtop workflow has its own tools. A follow-up run answers the requests its thread's run waits on:
/// the `tool` messages that end `messages`, and `resume` entries (`AGUIHumanLoop`).
struct AGUIRunInput: Sendable {
    var threadId: String?
    var runId: String?
    /// Empty in a follow-up that only answers.
    var prompt: String
    var answers: [Answer] = []

    /// One answer in a follow-up run: the request it names (a `toolCallId` or `interruptId`), what it says, and
    /// where in the body it is (for a 422 that points at it).
    struct Answer: Sendable {
        var name: String
        var payload: JSONValue
        var location: [String]
    }

    /// A 422 answer in the shape AG-UI servers (FastAPI) give: `{"detail":[{"type","loc","msg"}]}`.
    struct Invalid: HTTPResponseError {
        var type: String
        var location: [String]
        var message: String
        /// The value that was wrong (for a missing field, the object that lacks it), as FastAPI echoes it.
        var input: JSONValue?

        var status: HTTPResponse.Status { .unprocessableContent }

        func response(from request: Request, context: some RequestContext) throws -> Response {
            let detail = Detail(type: type, loc: ["body"] + location, msg: message, input: input)
            var response = try context.responseEncoder.encode(Body(detail: [detail]), from: request, context: context)
            response.status = status
            return response
        }

        private struct Body: Encodable {
            var detail: [Detail]
        }

        private struct Detail: Encodable {
            var type: String
            var loc: [String]
            var msg: String
            var input: JSONValue?
        }
    }

    static func parse(_ body: String) throws(Invalid) -> AGUIRunInput {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body)
        } catch {
            throw Invalid(type: "json_invalid", location: [], message: "JSON decode error: \(error.reason)")
        }
        guard let object = value.objectValue else {
            throw Invalid(type: "model_attributes_type", location: [], message: "Input should be an object")
        }
        let threadId = try optionalString(object, "threadId")
        let runId = try optionalString(object, "runId")
        guard let messagesValue = object["messages"] else {
            throw Invalid(type: "missing", location: ["messages"], message: "Field required", input: value)
        }
        guard let messages = messagesValue.arrayValue else {
            throw Invalid(type: "list_type", location: ["messages"], message: "Input should be a valid list", input: messagesValue)
        }
        for key in ["tools", "context"] {
            if let item = object[key], item != .null, item.arrayValue == nil {
                throw Invalid(type: "list_type", location: [key], message: "Input should be a valid list")
            }
        }
        var prompt: String?
        var answers: [Answer] = []
        for (index, message) in messages.enumerated() {
            guard let fields = message.objectValue else {
                throw Invalid(type: "model_attributes_type", location: ["messages", String(index)], message: "Input should be an object")
            }
            guard let role = fields["role"]?.stringValue else {
                throw Invalid(type: "missing", location: ["messages", String(index), "role"], message: "Field required")
            }
            if role == "tool" {
                answers.append(try toolAnswer(fields, at: ["messages", String(index)]))
                continue
            }
            // Only the tool messages that end the conversation answer; earlier ones are history.
            answers.removeAll()
            if role == "user" {
                guard let content = fields["content"]?.stringValue else {
                    throw Invalid(type: "string_type", location: ["messages", String(index), "content"],
                                  message: "Input should be a valid string")
                }
                prompt = content
            }
        }
        answers += try resumeAnswers(object["resume"])
        if !answers.isEmpty { return AGUIRunInput(threadId: threadId, runId: runId, prompt: prompt ?? "", answers: answers) }
        guard let prompt, !prompt.isEmpty else {
            throw Invalid(type: "value_error", location: ["messages"], message: "At least one user message with content is required")
        }
        return AGUIRunInput(threadId: threadId, runId: runId, prompt: prompt)
    }

    /// A `tool` message: `toolCallId` names the request, `content` answers it (JSON, or text).
    private static func toolAnswer(_ fields: [String: JSONValue], at location: [String]) throws(Invalid) -> Answer {
        guard let name = (fields["toolCallId"] ?? fields["tool_call_id"])?.stringValue else {
            throw Invalid(type: "missing", location: location + ["toolCallId"], message: "Field required")
        }
        switch fields["content"] {
        case let .string(text)?:
            return Answer(name: name, payload: AGUIHumanLoop.payload(ofContent: text), location: location + ["content"])
        case let value? where value != .null:
            return Answer(name: name, payload: value, location: location + ["content"])
        default:
            throw Invalid(type: "string_type", location: location + ["content"], message: "Input should be a valid string")
        }
    }

    /// `resume`: `[{"interruptId", "status"?: "resolved", "payload"}]`, as AG-UI's interrupt-aware clients send it.
    private static func resumeAnswers(_ value: JSONValue?) throws(Invalid) -> [Answer] {
        guard let value, value != .null else { return [] }
        guard let entries = value.arrayValue else {
            throw Invalid(type: "list_type", location: ["resume"], message: "Input should be a valid list")
        }
        var answers: [Answer] = []
        for (index, entry) in entries.enumerated() {
            let location = ["resume", String(index)]
            guard let fields = entry.objectValue else {
                throw Invalid(type: "model_attributes_type", location: location, message: "Input should be an object")
            }
            guard let name = (fields["interruptId"] ?? fields["interrupt_id"] ?? fields["id"])?.stringValue else {
                throw Invalid(type: "missing", location: location + ["interruptId"], message: "Field required")
            }
            if let status = fields["status"], status != .null, status != .string("resolved") {
                throw Invalid(type: "value_error", location: location + ["status"],
                              message: "flowtop takes only resolved resume entries (an approval is rejected with {\"approved\": false})")
            }
            answers.append(Answer(name: name, payload: fields["payload"] ?? fields["value"] ?? .null, location: location + ["payload"]))
        }
        return answers
    }

    private static func optionalString(_ object: [String: JSONValue], _ key: String) throws(Invalid) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case let .string(text)?: return text
        default: throw Invalid(type: "string_type", location: [key], message: "Input should be a valid string")
        }
    }
}

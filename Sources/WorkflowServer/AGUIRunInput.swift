import HTTPTypes
import Hummingbird
import WorkflowCore

/// AG-UI's `RunAgentInput` as far as flowtop needs it: `threadId`, `runId` (echoed back) and `messages`, whose last
/// user message is the prompt. `tools`, `state`, `context` and `forwardedProps` are accepted and type-checked but
/// unused: a flowtop workflow has its own tools.
struct AGUIRunInput: Sendable {
    var threadId: String?
    var runId: String?
    var prompt: String

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
        for (index, message) in messages.enumerated() {
            guard let fields = message.objectValue else {
                throw Invalid(type: "model_attributes_type", location: ["messages", String(index)], message: "Input should be an object")
            }
            guard let role = fields["role"]?.stringValue else {
                throw Invalid(type: "missing", location: ["messages", String(index), "role"], message: "Field required")
            }
            if role == "user" {
                guard let content = fields["content"]?.stringValue else {
                    throw Invalid(type: "string_type", location: ["messages", String(index), "content"],
                                  message: "Input should be a valid string")
                }
                prompt = content
            }
        }
        guard let prompt, !prompt.isEmpty else {
            throw Invalid(type: "value_error", location: ["messages"], message: "At least one user message with content is required")
        }
        return AGUIRunInput(threadId: threadId, runId: runId, prompt: prompt)
    }

    private static func optionalString(_ object: [String: JSONValue], _ key: String) throws(Invalid) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case let .string(text)?: return text
        default: throw Invalid(type: "string_type", location: [key], message: "Input should be a valid string")
        }
    }
}

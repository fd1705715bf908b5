import Foundation
import WorkflowCore

/// The body of `POST /api/workflow/stream`: `{"message": "...", "workflow"?: "...", "format"?: "...",
/// "detach"?: true}`. Parsed by hand so each mistake gets the answer the sample (or common sense) gives.
struct StreamRequest: Sendable {
    var message: String
    var workflow: String?
    var format: String?
    var detach: Bool

    enum Problem: Error, Equatable {
        /// 400 with the sample's exact body.
        case missingMessage
        /// 400 with the reason.
        case invalid(String)
    }

    static func parse(_ body: String) throws(Problem) -> StreamRequest {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body)
        } catch {
            throw .invalid("invalid JSON: \(error.reason)")
        }
        guard let object = value.objectValue else { throw .invalid("the body must be a JSON object") }
        guard let messageValue = object["message"], messageValue != .null else { throw .missingMessage }
        guard let message = messageValue.stringValue else { throw .invalid("'message' must be a string") }
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .missingMessage }
        var request = StreamRequest(message: message, workflow: nil, format: nil, detach: false)
        switch object["workflow"] {
        case nil, .null?: break
        case let .string(name)?: request.workflow = name
        default: throw .invalid("'workflow' must be a string")
        }
        switch object["format"] {
        case nil, .null?: break
        case let .string(format)?: request.format = format
        default: throw .invalid("'format' must be a string")
        }
        switch object["detach"] {
        case nil, .null?: break
        case let .bool(detach)?: request.detach = detach
        default: throw .invalid("'detach' must be true or false")
        }
        return request
    }
}

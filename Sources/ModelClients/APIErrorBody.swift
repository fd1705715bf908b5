import Foundation
import WorkflowCore

/// The error a server sends: OpenAI's `{"error": {"message", "type", "code"}}`, the `{"error": "text"}` some
/// servers use, or `{"message": "..."}`.
struct APIErrorBody: Decodable {
    var error: Detail?
    var message: String?

    struct Detail: Decodable {
        var message: String?
        var type: String?
        var code: String?

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                message = text
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            type = try? container.decodeIfPresent(String.self, forKey: .type)
            code =
                (try? container.decodeIfPresent(String.self, forKey: .code))
                ?? (try? container.decodeIfPresent(Int.self, forKey: .code)).map { String($0) }
        }

        enum CodingKeys: String, CodingKey {
            case message, type, code
        }

        /// The message, or the type and code when the message is empty (llama.cpp sends `"message": ""`).
        var summary: String? {
            if let message = message?.trimmingCharacters(in: .whitespacesAndNewlines), !message.isEmpty {
                return message
            }
            let labels = [type, code].compactMap { $0 }.filter { !$0.isEmpty }
            return labels.isEmpty ? nil : "\(labels.joined(separator: ", ")) (no message)"
        }
    }

    /// What to quote from an error response body: the JSON error's message, else the start of the body as text.
    /// One line, bounded: a status line has no room for a server's traceback.
    static func message(from body: [UInt8]) -> String {
        if let decoded = try? JSONDecoder().decode(APIErrorBody.self, from: Data(body)) {
            if let summary = decoded.error?.summary { return snippet(of: Array(summary.utf8), limit: 500) }
            if let message = decoded.message, !message.isEmpty { return snippet(of: Array(message.utf8), limit: 500) }
        }
        return snippet(of: body)
    }

    /// The start of `body` as one line of text (runs of white space, line breaks included, become one space).
    static func snippet(of body: [UInt8], limit: Int = 300) -> String {
        let text = String(decoding: body, as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if text.isEmpty { return "(empty body)" }
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

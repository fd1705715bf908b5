import Foundation
import WorkflowCore

/// What to quote from a server's error answer, the same way for model servers and remote streams: OpenAI's
/// `{"error": {"message", "type", "code"}}`, the `{"error": "text"}` some servers use, `{"message": "..."}`, or
/// FastAPI's `{"detail": "..."}`; else the start of the body as text. One line, bounded: a status line has no room
/// for a server's traceback.
public enum ServerErrorMessage {
    public static func quote(_ body: [UInt8]) -> String {
        if let object = (try? JSONValue(parsing: String(decoding: body, as: UTF8.self)))?.objectValue {
            for key in ["error", "message", "detail"] {
                if let value = object[key], let summary = summary(of: value) {
                    return Snippet.of(Array(summary.utf8), limit: 500)
                }
            }
        }
        return Snippet.of(body)
    }

    /// An error value's message: a string, an object's `message`, or its `type` and `code` when the message is
    /// empty (llama.cpp sends `"message": ""`).
    public static func summary(of error: JSONValue) -> String? {
        if let text = error.stringValue { return text.trimmed.isEmpty ? nil : text }
        guard let fields = error.objectValue else { return nil }
        if let message = fields["message"]?.stringValue?.trimmed, !message.isEmpty { return message }
        let labels = ["type", "code"].compactMap { key -> String? in
            guard let value = fields[key] else { return nil }
            return value.stringValue ?? value.intValue.map(String.init)
        }.filter { !$0.isEmpty }
        return labels.isEmpty ? nil : "\(labels.joined(separator: ", ")) (no message)"
    }
}

/// The start of a body as one line of text, for error messages.
public enum Snippet {
    /// Runs of white space, line breaks included, become one space; past `limit` characters it ends with "…".
    public static func of(_ body: [UInt8], limit: Int = 300) -> String {
        let text = String(decoding: body, as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if text.isEmpty { return "(empty body)" }
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

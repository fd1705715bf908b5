import Foundation

/// Reads a JSON object's top-level fields as display strings, in the order they appear, for one-line summaries.
enum JSONDisplay {
    static func object(_ data: Data) throws -> [(key: String, value: String)] {
        guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        let text = String(decoding: data, as: UTF8.self)
        // JSONSerialization loses key order; recover it from where each key first appears in the text.
        let ordered = parsed.keys.sorted { a, b in
            (text.range(of: "\"\(a)\"")?.lowerBound ?? text.endIndex) < (text.range(of: "\"\(b)\"")?.lowerBound ?? text.endIndex)
        }
        return ordered.map { key in (key, display(parsed[key]!)) }
    }

    static func display(_ value: Any) -> String {
        switch value {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        case is NSNull: return "null"
        default:
            guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "…" }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Pretty-printed JSON for the detail view; the text unchanged when it is not JSON.
    static func pretty(_ text: String) -> String {
        guard let data = text.data(using: .utf8),
            let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            value is [String: Any] || value is [Any],
            let pretty = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return text }
        return String(decoding: pretty, as: UTF8.self)
    }
}

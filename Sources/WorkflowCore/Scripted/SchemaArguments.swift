import Foundation

/// Arguments for a tool the scripted model knows only by its JSON schema, so a demo can call a real MCP server:
/// each required property gets a plausible value from its name, type and the prompt (a time zone for
/// `timezone`, the prompt's place for `location` or `city`, the first of an `enum`). Deterministic.
struct SchemaArguments {
    /// The first place the prompt names, if any.
    var place: String?
    var prompt: String

    func arguments(for schema: JSONValue) -> JSONValue {
        let properties = schema["properties"]?.objectValue ?? [:]
        let required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        var fields: [String: JSONValue] = [:]
        for name in required {
            fields[name] = value(named: name, schema: properties[name] ?? [:])
        }
        return .object(fields)
    }

    private func value(named name: String, schema: JSONValue) -> JSONValue {
        if let first = schema["enum"]?.arrayValue?.first { return first }
        if let constant = schema["const"] { return constant }
        if let fallback = schema["default"] { return fallback }
        let type = schema["type"]?.stringValue ?? schema["type"]?.arrayValue?.first?.stringValue ?? "string"
        let lower = name.lowercased()
        switch type {
        case "integer", "number":
            if case let .number(minimum)? = schema["minimum"] { return .number(minimum.rounded(.up)) }
            return .number(1)
        case "boolean":
            return .bool(false)
        case "array":
            return .array([])
        case "object":
            return arguments(for: schema)
        default:
            if lower.contains("timezone") || lower.contains("time_zone") || lower == "tz" { return .string(timeZone) }
            if lower.contains("time") { return .string("12:00") }
            if ["location", "city", "place", "where"].contains(where: lower.contains) { return .string(place ?? "Seattle") }
            return .string(prompt)
        }
    }

    /// The IANA zone of the prompt's place ("Tokyo" → Asia/Tokyo), else UTC.
    private var timeZone: String {
        guard let place, let zone = BuiltinTools.timeZone(for: place) else { return "UTC" }
        return zone.identifier
    }
}

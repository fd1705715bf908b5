/// Checks a model's arguments against a tool's JSON schema before the call, so malformed arguments come back to
/// the model as a readable tool error instead of reaching the server. Covers the subset MCP servers publish:
/// `type`, `properties`, `required`, `additionalProperties`, `enum`, `const`, `items`, `anyOf`/`oneOf`/`allOf` and
/// the numeric and length bounds. Keywords outside it (`$ref`, `pattern`, `format`) are not checked: the server
/// still validates, this only catches what a model typically gets wrong. A person's answer to a question with a
/// schema (`POST /api/runs/{id}/requests/{request_id}`) is checked the same way.
public struct JSONSchemaValidator: Sendable {
    public let schema: JSONValue
    /// What the checked value is called in a problem at its top level ("the arguments", "the answer").
    public let subject: String

    public init(schema: JSONValue, subject: String = "the arguments") {
        self.schema = schema
        self.subject = subject
    }

    /// The problems with `value`, each naming where it is (`timezone: expected a string, got 42`); empty when
    /// it conforms.
    public func problems(in value: JSONValue) -> [String] {
        var found: [String] = []
        check(value, against: schema, at: "", into: &found)
        return found
    }

    private func check(_ value: JSONValue, against schema: JSONValue, at path: String, into found: inout [String]) {
        guard case let .object(rules) = schema else { return }
        let place = path.isEmpty ? subject : path
        if let types = Self.types(rules["type"]), !types.contains(where: { Self.value(value, is: $0) }) {
            found.append("\(place): expected \(types.map(Self.article).joined(separator: " or ")), got \(Self.shown(value))")
            return
        }
        if let allowed = rules["enum"]?.arrayValue, !allowed.contains(value) {
            found.append("\(place): \(Self.shown(value)) is not one of \(allowed.map(Self.shown).joined(separator: ", "))")
        }
        if let constant = rules["const"], constant != value {
            found.append("\(place): must be \(Self.shown(constant))")
        }
        for key in ["anyOf", "oneOf"] {
            guard let options = rules[key]?.arrayValue, !options.isEmpty else { continue }
            let matches = options.contains { option in
                var inner: [String] = []
                check(value, against: option, at: path, into: &inner)
                return inner.isEmpty
            }
            if !matches { found.append("\(place): \(Self.shown(value)) matches none of the allowed forms") }
        }
        for option in rules["allOf"]?.arrayValue ?? [] { check(value, against: option, at: path, into: &found) }
        switch value {
        case let .object(fields):
            checkObject(fields, rules: rules, at: path, into: &found)
        case let .array(items):
            if let minimum = rules["minItems"]?.intValue, items.count < minimum {
                found.append("\(place): needs at least \(minimum) items, has \(items.count)")
            }
            if let maximum = rules["maxItems"]?.intValue, items.count > maximum {
                found.append("\(place): takes at most \(maximum) items, has \(items.count)")
            }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() {
                    check(item, against: itemSchema, at: "\(path)[\(index)]", into: &found)
                }
            }
        case let .string(text):
            if let minimum = rules["minLength"]?.intValue, text.count < minimum {
                found.append("\(place): needs at least \(minimum) characters")
            }
            if let maximum = rules["maxLength"]?.intValue, text.count > maximum {
                found.append("\(place): takes at most \(maximum) characters")
            }
        case let .number(number):
            if case let .number(minimum)? = rules["minimum"], number < minimum {
                found.append("\(place): must be at least \(Self.shown(.number(minimum))), got \(Self.shown(value))")
            }
            if case let .number(maximum)? = rules["maximum"], number > maximum {
                found.append("\(place): must be at most \(Self.shown(.number(maximum))), got \(Self.shown(value))")
            }
            if case let .number(bound)? = rules["exclusiveMinimum"], number <= bound {
                found.append("\(place): must be more than \(Self.shown(.number(bound))), got \(Self.shown(value))")
            }
            if case let .number(bound)? = rules["exclusiveMaximum"], number >= bound {
                found.append("\(place): must be less than \(Self.shown(.number(bound))), got \(Self.shown(value))")
            }
        case .null, .bool:
            break
        }
    }

    private func checkObject(
        _ fields: [String: JSONValue], rules: [String: JSONValue], at path: String, into found: inout [String]
    ) {
        let prefix = path.isEmpty ? "" : path + "."
        let properties = rules["properties"]?.objectValue ?? [:]
        for case let .string(name) in rules["required"]?.arrayValue ?? [] where fields[name] == nil {
            found.append("\(prefix)\(name) is required")
        }
        for name in fields.keys.sorted() {
            let field = fields[name]!
            if let propertySchema = properties[name] {
                check(field, against: propertySchema, at: prefix + name, into: &found)
            } else if case .bool(false)? = rules["additionalProperties"] {
                let known = properties.keys.sorted().joined(separator: ", ")
                found.append("\(prefix)\(name) is not a parameter" + (known.isEmpty ? "" : " (known: \(known))"))
            } else if case .object? = rules["additionalProperties"] {
                check(field, against: rules["additionalProperties"]!, at: prefix + name, into: &found)
            }
        }
    }

    private static func types(_ rule: JSONValue?) -> [String]? {
        switch rule {
        case let .string(type)?: return [type]
        case let .array(types)?: return types.compactMap(\.stringValue)
        default: return nil
        }
    }

    private static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("number", .number):
            return true
        case let ("integer", .number(number)):
            return number.rounded() == number
        default:
            return false
        }
    }

    private static func article(_ type: String) -> String {
        ["object", "array", "integer"].contains(type) ? "an \(type)" : "a \(type)"
    }

    private static func shown(_ value: JSONValue) -> String {
        let text = value.jsonText
        return text.count > 40 ? String(text.prefix(37)) + "..." : text
    }
}

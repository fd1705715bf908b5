import WorkflowCore

/// A few named members of a JSON object, read in one pass without building a dictionary: the hot path of the
/// decoders whose streams are mostly small delta events (AG-UI's `TEXT_MESSAGE_CONTENT`, DevUI's
/// `response.output_text.delta`). The `type` member is matched against the delta types the decoder takes as bytes,
/// so an event of another type stops the read at once; members not named are checked and skipped without being
/// built, and one nested member (`metadata.executor_id`) can be picked from an object. Nil when the text is not an
/// object, its type is not one of `types`, a key has escapes or a picked key appears twice, so the caller's general
/// path decides those.
struct PickedMembers {
    /// Which of `types` the event's `type` is.
    let type: Int
    private var values: [JSONValue?]

    init?(_ text: String, types: [StaticString], _ names: [StaticString], nested: (StaticString, StaticString)? = nil) {
        var values = [JSONValue?](repeating: nil, count: names.count + (nested == nil ? 0 : 1))
        var type: Int?
        var repeated = false
        let read = JSONMembers.scan(text) { key, value in
            if key.spells("type") {
                guard type == nil, let bytes = value.plainString(), let match = types.firstIndex(where: bytes.spells)
                else { return false }
                type = match
                return true
            }
            if let (outer, inner) = nested, key.spells(outer) {
                let slot = names.count
                return value.members { key, value in
                    guard key.spells(inner) else { return true }
                    if values[slot] != nil { repeated = true }
                    values[slot] = value.json()
                    return !repeated
                }
            }
            for (index, name) in names.enumerated() where key.spells(name) {
                if values[index] != nil { repeated = true }
                values[index] = value.json()
                return !repeated
            }
            return true
        }
        guard read, !repeated, let type else { return nil }
        self.type = type
        self.values = values
    }

    subscript(_ index: Int) -> JSONValue? { values[index] }

    func string(_ index: Int) -> String? {
        if case let .string(text)? = values[index] { return text }
        return nil
    }

    /// The nested member, when one was asked for and found.
    var nested: JSONValue? { values.last ?? nil }
}

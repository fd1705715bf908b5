import WorkflowCore

/// A few named members of a flat JSON object, read in one pass without building a dictionary: the hot path of
/// the decoders whose streams are mostly small delta events (AG-UI's `TEXT_MESSAGE_CONTENT`, DevUI's
/// `response.output_text.delta`). Other members are skipped. Nil when the text is not an object, a key has escapes,
/// or a picked key appears twice, so the caller's general path decides those.
struct PickedMembers {
    private var values: [JSONValue?]

    init?(_ text: String, _ names: [StaticString]) {
        var values = [JSONValue?](repeating: nil, count: names.count)
        var repeated = false
        let read = JSONMembers.read(text) { key, value in
            for (index, name) in names.enumerated() where key.spells(name) {
                if values[index] != nil { repeated = true }
                values[index] = value
                return
            }
        }
        guard read, !repeated else { return nil }
        self.values = values
    }

    subscript(_ index: Int) -> JSONValue? { values[index] }

    func string(_ index: Int) -> String? {
        if case let .string(text)? = values[index] { return text }
        return nil
    }
}

import WorkflowCore

/// JSON quoting for attribute values shown as text (WorkflowCore's, so escaping is the same everywhere).
enum JSONText {
    static func quote(_ text: String, to output: inout String) {
        JSONValue.writeQuoted(text, to: &output)
    }
}

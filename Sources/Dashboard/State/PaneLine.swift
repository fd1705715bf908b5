/// One logical line in an agent's pane (wrapped to the pane's width only when drawn).
public struct PaneLine: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case text
        case reasoning
        case tool
        case transition
        case error
    }

    public var kind: Kind
    public var text: String
    /// The response a text line belongs to, so a new response starts a new line.
    public var messageId: String?
    /// The line read as Markdown, set when the line is complete (text and reasoning only); nil while it is still
    /// streaming, and for plain prose that needs no styling: both are drawn as the text itself.
    public var markdown: MarkdownLine?

    public init(kind: Kind, text: String, messageId: String? = nil) {
        self.kind = kind
        self.text = text
        self.messageId = messageId
    }
}

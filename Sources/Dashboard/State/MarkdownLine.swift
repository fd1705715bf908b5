/// One completed line of an agent's Markdown, parsed for drawing: the text a reader sees (markers dropped) in
/// styled runs, a lead drawn before the first row (a list's bullet, a quote's bar) and a hang of the same width
/// before the rows it wraps to. The source text stays in `PaneLine.text` (search, the transcript, raw view).
public struct MarkdownLine: Sendable, Hashable {
    /// What a piece of the line is; the view maps each to a theme role.
    public enum Style: Sendable, Hashable {
        case plain
        case bold
        case italic
        case boldItalic
        case code
        case link
        case linkURL
        case heading
        case quote
        case listMarker
        case codeBlock
        case rule
    }

    /// How the line is laid out in a pane.
    public enum Layout: Sendable, Hashable {
        /// Word-wrapped to the pane's width, continuation rows after the hang.
        case wrapped
        /// A code block's line: never wrapped, cut at the pane's edge (marked there), the row filled with its style.
        case code
        /// A horizontal rule: the pane's width of `─`.
        case rule
    }

    public struct Span: Sendable, Hashable {
        public var text: String
        public var style: Style

        public init(_ text: String, _ style: Style) {
            self.text = text
            self.style = style
        }
    }

    public var layout: Layout
    public var lead: [Span]
    public var hang: [Span]
    /// What the reader sees after the lead, and where each style's run of it ends.
    public var body: String
    public var runs: [Run]

    public struct Run: Sendable, Hashable {
        public var end: String.Index
        public var style: Style
    }

    public init(layout: Layout = .wrapped, lead: [Span] = [], hang: [Span] = [], spans: [Span]) {
        self.layout = layout
        self.lead = lead
        self.hang = hang
        var body = ""
        var styles: [Style] = []
        var ends: [Int] = []
        for span in spans where !span.text.isEmpty {
            body += span.text
            if styles.last == span.style {
                ends[ends.count - 1] = body.utf8.count
            } else {
                styles.append(span.style)
                ends.append(body.utf8.count)
            }
        }
        self.body = body
        runs = zip(ends, styles).map { Run(end: body.utf8.index(body.startIndex, offsetBy: $0), style: $1) }
    }

    /// The body as spans, in order.
    public var spans: [Span] {
        var start = body.startIndex
        return runs.map { run in
            defer { start = run.end }
            return Span(String(body[start..<run.end]), run.style)
        }
    }

    /// Everything the first row shows, lead and body, as a reader would copy it (tests, search highlighting).
    public var displayText: String { lead.map(\.text).joined() + body }
}

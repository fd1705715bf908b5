/// What carries from one completed line of a response to the next when reading it as Markdown: whether a fenced
/// code block is open. Everything else (headings, lists, quotes, rules) is decided by the line itself, so a pane
/// parses each line once, when its newline arrives, and never looks back.
public struct MarkdownBlockState: Sendable, Hashable {
    struct Fence: Sendable, Hashable {
        var marker: UInt8
        var length: Int
        var indent: Int
    }

    var fence: Fence?

    public init() {}

    /// Parses a completed line (without its newline). Nil means the line is plain text that needs no styling,
    /// which is most prose: it is found with one scan for marker bytes.
    public mutating func parse(_ line: String) -> MarkdownLine? {
        if let fence { return codeLine(line, in: fence) }
        guard Self.mayBeMarkdown(line) else { return nil }
        let bytes = Array(line.utf8)
        let indent = Self.indent(bytes)
        if indent.columns <= 3, let opened = Self.fenceOpening(bytes, from: indent.end) {
            fence = Fence(marker: opened.marker, length: opened.length, indent: indent.columns)
            // The fence's own line shows the language, in the block's style, as the block's first row.
            return MarkdownLine(layout: .code, spans: [.init(opened.language, .codeBlock)])
        }
        let parsed = Self.container(bytes[...])
        // Prose that only looked like Markdown (`2 * 3`, `snake_case`) is drawn as its text, like any other.
        if parsed.layout == .wrapped, parsed.lead.isEmpty, parsed.runs.allSatisfy({ $0.style == .plain }), parsed.body == line { return nil }
        return parsed
    }

    private mutating func codeLine(_ line: String, in fence: Fence) -> MarkdownLine {
        let bytes = Array(line.utf8)
        let indent = Self.indent(bytes)
        if indent.columns <= 3, Self.isFenceClosing(bytes[indent.end...], fence) {
            self.fence = nil
            return MarkdownLine(layout: .code, spans: [])
        }
        // The block's indentation is not part of its code; tabs become spaces (a terminal cell has no tab).
        var skipped = 0
        var start = 0
        while start < bytes.count, bytes[start] == UInt8(ascii: " "), skipped < fence.indent {
            start += 1
            skipped += 1
        }
        var code = ""
        var column = 0
        for character in String(decoding: bytes[start...], as: UTF8.self) {
            if character == "\t" {
                let spaces = 4 - column % 4
                code += String(repeating: " ", count: spaces)
                column += spaces
            } else {
                code.append(character)
                column += 1
            }
        }
        return MarkdownLine(layout: .code, spans: [.init(code, .codeBlock)])
    }

    // MARK: Lines

    /// A line with none of Markdown's marker bytes anywhere and no block marker at its start is plain prose.
    static func mayBeMarkdown(_ line: String) -> Bool {
        var atStart = true
        for byte in line.utf8 {
            if atStart {
                if byte == UInt8(ascii: " ") || byte == 0x09 { continue }
                atStart = false
                switch byte {
                case UInt8(ascii: "#"), UInt8(ascii: ">"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "~"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    return true
                default: break
                }
            }
            switch byte {
            case UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "["), UInt8(ascii: "\\"), UInt8(ascii: "<"):
                return true
            default: continue
            }
        }
        return false
    }

    /// Leading spaces (a tab counts as four columns): their width and where the text starts.
    static func indent(_ bytes: some Collection<UInt8>) -> (columns: Int, end: Int) {
        var columns = 0
        var count = 0
        for byte in bytes {
            if byte == UInt8(ascii: " ") {
                columns += 1
            } else if byte == 0x09 {
                columns += 4 - columns % 4
            } else {
                break
            }
            count += 1
        }
        return (columns, count)
    }

    static func fenceOpening(_ bytes: [UInt8], from start: Int) -> (marker: UInt8, length: Int, language: String)? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "`") || bytes[start] == UInt8(ascii: "~") else { return nil }
        let marker = bytes[start]
        let length = MarkdownInline.run(of: marker, in: bytes, from: start)
        guard length >= 3 else { return nil }
        let info = bytes[(start + length)...]
        // A backtick fence's info may not hold a backtick (```code``` on one line is inline code).
        if marker == UInt8(ascii: "`"), info.contains(UInt8(ascii: "`")) { return nil }
        let words = String(decoding: info, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" })
        return (marker, length, words.first.map(String.init) ?? "")
    }

    static func isFenceClosing(_ bytes: ArraySlice<UInt8>, _ fence: Fence) -> Bool {
        let length = bytes.prefix { $0 == fence.marker }.count
        guard length >= fence.length else { return false }
        return bytes.dropFirst(length).allSatisfy { $0 == UInt8(ascii: " ") || $0 == 0x09 }
    }

    /// Block quotes (`>`, nested), then what is inside them.
    static func container(_ bytes: ArraySlice<UInt8>) -> MarkdownLine {
        var rest = bytes
        var depth = 0
        while true {
            let indent = Self.indent(rest)
            let start = rest.startIndex + indent.end
            guard indent.columns <= 3, start < rest.endIndex, rest[start] == UInt8(ascii: ">") else { break }
            depth += 1
            rest = rest[(start + 1)...]
            if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
        }
        guard depth > 0 else { return leaf(rest, base: .plain) }
        let bars = String(repeating: "│ ", count: depth)
        var inner = leaf(rest, base: .quote)
        inner.lead.insert(.init(bars, .quote), at: 0)
        inner.hang.insert(.init(bars, .quote), at: 0)
        return inner
    }

    /// A heading, rule, list item or paragraph.
    static func leaf(_ bytes: ArraySlice<UInt8>, base: MarkdownLine.Style) -> MarkdownLine {
        let indent = Self.indent(bytes)
        let start = bytes.startIndex + indent.end
        var content = bytes[start...]
        while let last = content.last, last == UInt8(ascii: " ") || last == 0x09 { content = content.dropLast() }
        if content.isEmpty { return MarkdownLine(spans: []) }
        if indent.columns <= 3, isRule(content) { return MarkdownLine(layout: .rule, spans: []) }
        if indent.columns <= 3, let title = heading(content) {
            return MarkdownLine(spans: MarkdownInline.spans(text(title), base: .heading))
        }
        let depth = min(indent.columns / 2, 8)
        let level = String(repeating: "  ", count: depth)
        if let item = listItem(content, depth: depth) {
            let lead = level + item.marker
            let spaces = String(repeating: " ", count: DisplayWidth.of(lead))
            return MarkdownLine(
                lead: [.init(level, base), .init(item.marker, .listMarker)], hang: [.init(spaces, base)],
                spans: MarkdownInline.spans(text(item.text), base: base))
        }
        // A paragraph keeps its indentation, on every row it wraps to.
        let spaces = String(repeating: " ", count: indent.columns)
        return MarkdownLine(lead: [.init(spaces, base)], hang: [.init(spaces, base)], spans: MarkdownInline.spans(text(content), base: base))
            .droppingEmptyLead()
    }

    static func text(_ bytes: ArraySlice<UInt8>) -> Substring { Substring(String(decoding: bytes, as: UTF8.self)) }

    /// Three or more of one of `-`, `*`, `_`, perhaps spaced.
    static func isRule(_ content: ArraySlice<UInt8>) -> Bool {
        guard let marker = content.first, marker == UInt8(ascii: "-") || marker == UInt8(ascii: "*") || marker == UInt8(ascii: "_") else { return false }
        var count = 0
        for byte in content {
            if byte == marker { count += 1 } else if byte != UInt8(ascii: " ") && byte != 0x09 { return false }
        }
        return count >= 3
    }

    /// `# Title #`: the title without its marks.
    static func heading(_ content: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let level = content.prefix { $0 == UInt8(ascii: "#") }.count
        guard (1...6).contains(level) else { return nil }
        var title = content.dropFirst(level)
        guard title.isEmpty || title.first == UInt8(ascii: " ") || title.first == 0x09 else { return nil }
        while title.first == UInt8(ascii: " ") || title.first == 0x09 { title = title.dropFirst() }
        // A closing run of `#` preceded by a space is not part of the title.
        let closing = title.reversed().prefix { $0 == UInt8(ascii: "#") }.count
        if closing > 0 {
            let before = title.dropLast(closing)
            if before.isEmpty || before.last == UInt8(ascii: " ") || before.last == 0x09 {
                title = before
                while let last = title.last, last == UInt8(ascii: " ") || last == 0x09 { title = title.dropLast() }
            }
        }
        return title
    }

    /// Bullets by nesting depth, as a reader tells the levels apart.
    static let bullets = ["• ", "◦ ", "▪ "]

    /// `- item`, `* item`, `+ item`, `1. item`, `2) item`, `- [x] task`: the marker as shown and the item's text.
    static func listItem(_ content: ArraySlice<UInt8>, depth: Int) -> (marker: String, text: ArraySlice<UInt8>)? {
        guard let first = content.first else { return nil }
        var marker: String
        var rest: ArraySlice<UInt8>
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "*") || first == UInt8(ascii: "+") {
            marker = bullets[depth % bullets.count]
            rest = content.dropFirst()
        } else {
            let digits = content.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            guard (1...9).contains(digits.count) else { return nil }
            let after = content.dropFirst(digits.count)
            guard let delimiter = after.first, delimiter == UInt8(ascii: ".") || delimiter == UInt8(ascii: ")") else { return nil }
            marker = String(decoding: content.prefix(digits.count + 1), as: UTF8.self) + " "
            rest = after.dropFirst()
        }
        guard rest.isEmpty || rest.first == UInt8(ascii: " ") || rest.first == 0x09 else { return nil }
        while rest.first == UInt8(ascii: " ") || rest.first == 0x09 { rest = rest.dropFirst() }
        if rest.count >= 3, rest.first == UInt8(ascii: "["), rest[rest.startIndex + 2] == UInt8(ascii: "]"),
            rest.count == 3 || rest[rest.startIndex + 3] == UInt8(ascii: " ")
        {
            switch rest[rest.startIndex + 1] {
            case UInt8(ascii: " "):
                marker += "☐ "
                rest = rest.dropFirst(3)
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                marker += "☑ "
                rest = rest.dropFirst(3)
            default: break
            }
            while rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
        }
        return (marker, rest)
    }
}

extension MarkdownLine {
    /// Without a lead or hang of nothing but empty text (a paragraph that is not indented).
    func droppingEmptyLead() -> MarkdownLine {
        var line = self
        if line.lead.allSatisfy({ $0.text.isEmpty }) { line.lead = [] }
        if line.hang.allSatisfy({ $0.text.isEmpty }) { line.hang = [] }
        return line
    }
}

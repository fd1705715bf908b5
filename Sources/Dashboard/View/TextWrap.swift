/// Word-wraps text to a display width: breaks after spaces where it can, splits words longer than a row, and
/// measures wide characters (CJK, emoji) as two columns.
public enum TextWrap {
    /// The rows of `text` at `width` columns; an empty text is one empty row.
    public static func rows(_ text: String, width: Int) -> [Substring] {
        guard width > 0 else { return [] }
        guard !text.isEmpty else { return [text[...]] }
        var rows: [Substring] = []
        var rowStart = text.startIndex
        var rowWidth = 0
        var lastBreak: String.Index?  // index just after the last space in the current row
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let characterWidth = DisplayWidth.of(character)
            if rowWidth + characterWidth > width, index > rowStart {
                if let breakAt = lastBreak, breakAt > rowStart, character != " " {
                    rows.append(text[rowStart..<breakAt])
                    rowStart = breakAt
                    rowWidth = DisplayWidth.of(text[breakAt..<index])
                } else {
                    rows.append(text[rowStart..<index])
                    rowStart = index
                    rowWidth = 0
                }
                lastBreak = nil
                // Spaces that caused the break are not carried to the start of the next row.
                while rowStart < text.endIndex, text[rowStart] == " ", rowStart < index {
                    rowStart = text.index(after: rowStart)
                }
                if character == " ", rowStart == index {
                    index = text.index(after: index)
                    rowStart = index
                    continue
                }
            }
            rowWidth += characterWidth
            index = text.index(after: index)
            if character == " " { lastBreak = index }
        }
        rows.append(text[rowStart..<text.endIndex])
        return rows
    }

    /// How many rows `text` takes at `width`.
    public static func rowCount(_ text: String, width: Int) -> Int {
        if text.isEmpty { return 1 }
        // Short ASCII lines are the common case: no need to wrap them to count them.
        if text.utf8.count <= width { return 1 }
        return rows(text, width: width).count
    }

    /// Cuts `text` to `width` columns, ending with "…" when it had to cut.
    public static func truncate(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        if text.utf8.count <= width, !text.contains("\n") { return text }
        var result = ""
        var used = 0
        for character in text {
            let characterWidth = character == "\n" ? 1 : DisplayWidth.of(character)
            if used + characterWidth > width - 1 {
                let remaining = text[text.index(text.startIndex, offsetBy: result.count)...]
                if DisplayWidth.of(remaining) + used <= width, !remaining.contains("\n") { return result + remaining }
                return result + "…"
            }
            result.append(character == "\n" ? " " : character)
            used += characterWidth
        }
        return result
    }
}

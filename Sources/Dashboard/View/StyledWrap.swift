/// Lays a Markdown line out in rows of styled pieces: the body word-wrapped by `TextWrap` (so display widths and
/// break points are the plain text's), each row split where the styles change, so a bold run that wraps stays bold
/// on the next row; the lead before the first row and the hang before the others. A code line is never wrapped: it
/// is cut at the pane's edge and marked there.
enum StyledWrap {
    struct Piece: Hashable {
        var text: Substring
        var style: MarkdownLine.Style
    }

    struct Row: Hashable {
        var pieces: [Piece]
        /// What fills the row after its pieces: a code block's background, or a rule's line.
        var fill: MarkdownLine.Layout?
        /// A code line wider than the pane, cut: the view marks the last column.
        var cut = false
    }

    /// The mark in the last column of a code line that goes on beyond the pane.
    static let overflowMark = "→"

    static func rows(_ line: MarkdownLine, width: Int) -> [Row] {
        guard width > 0 else { return [] }
        switch line.layout {
        case .rule:
            return [Row(pieces: [], fill: .rule)]
        case .code:
            var pieces = line.lead.map { Piece(text: $0.text[...], style: $0.style) }
            let used = DisplayWidth.of(line.lead.map(\.text).joined())
            let available = width - used
            let codeWidth = DisplayWidth.of(line.body)
            if codeWidth <= available {
                pieces += split(line, line.body.startIndex..<line.body.endIndex)
                return [Row(pieces: pieces, fill: .code)]
            }
            let end = prefixEnd(line.body, columns: max(0, available - 1))
            pieces += split(line, line.body.startIndex..<end)
            return [Row(pieces: pieces, fill: .code, cut: true)]
        case .wrapped:
            var lead = line.lead
            var hang = line.hang
            var leadWidth = DisplayWidth.of(lead.map(\.text).joined())
            // A pane too narrow for the indentation shows the text without it.
            if leadWidth * 2 > width {
                lead = []
                hang = []
                leadWidth = 0
            }
            return TextWrap.rows(line.body, width: width - leadWidth).enumerated().map { number, piece in
                let prefix = (number == 0 ? lead : hang).map { Piece(text: $0.text[...], style: $0.style) }
                return Row(pieces: prefix + split(line, piece.startIndex..<piece.endIndex), fill: nil)
            }
        }
    }

    static func rowCount(_ line: MarkdownLine, width: Int) -> Int {
        guard line.layout == .wrapped else { return 1 }
        let leadWidth = DisplayWidth.of(line.lead.map(\.text).joined())
        if line.body.utf8.count + leadWidth <= width { return 1 }
        return rows(line, width: width).count
    }

    /// The part `range` of the body, in pieces of one style each.
    static func split(_ line: MarkdownLine, _ range: Range<String.Index>) -> [Piece] {
        var pieces: [Piece] = []
        var start = line.body.startIndex
        for run in line.runs {
            defer { start = run.end }
            let lower = max(start, range.lowerBound)
            let upper = min(run.end, range.upperBound)
            if lower < upper { pieces.append(Piece(text: line.body[lower..<upper], style: run.style)) }
            if run.end >= range.upperBound { break }
        }
        return pieces
    }

    /// Where the first `columns` display columns of `text` end.
    static func prefixEnd(_ text: String, columns: Int) -> String.Index {
        var used = 0
        var index = text.startIndex
        while index < text.endIndex {
            let width = DisplayWidth.of(text[index])
            if used + width > columns { break }
            used += width
            index = text.index(after: index)
        }
        return index
    }
}

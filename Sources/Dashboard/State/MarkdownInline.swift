/// Inline Markdown of one line: `**bold**`, `*italic*` / `_italic_`, `` `code` ``, `[text](url)`, `<url>` and
/// backslash escapes, after CommonMark's rules for emphasis (flanking runs, no `_` inside words, the rule of
/// three), so `snake_case_name`, `2 * 3 * 4` and an unmatched `**` stay literal text. Works on UTF-8 bytes: every
/// marker is ASCII.
enum MarkdownInline {
    typealias Span = MarkdownLine.Span
    typealias Style = MarkdownLine.Style

    /// More emphasis runs than this in one line are left literal: matching them is quadratic, and no prose has them.
    static let delimiterLimit = 256

    /// The spans of `text`; text without emphasis takes `base` (plain, a heading's, a quote's).
    static func spans(_ text: Substring, base: Style) -> [Span] {
        let bytes = Array(text.utf8)
        var tokens = tokenize(bytes)
        var delimiters = tokens.indices.filter { if case .delimiter = tokens[$0] { true } else { false } }
        if delimiters.count > delimiterLimit {
            for index in delimiters { if case let .delimiter(run) = tokens[index] { tokens[index] = .literal(run.literal) } }
            delimiters = []
        }
        matchEmphasis(&tokens, delimiters: delimiters)
        return emit(tokens, bytes: bytes, base: base)
    }

    // MARK: Tokens

    struct DelimiterRun {
        var marker: UInt8
        var length: Int
        /// Characters of the run not used as emphasis (shown literally).
        var remaining: Int
        var canOpen: Bool
        var canClose: Bool
        /// Emphasis this run closes (innermost first) and opens (outermost first); `true` is bold.
        var closes: [Bool] = []
        var opens: [Bool] = []

        var literal: String { String(repeating: Character(Unicode.Scalar(marker)), count: length) }
    }

    enum Token {
        case text(Range<Int>)
        case literal(String)
        case code(String)
        case link(text: Range<Int>, url: String)
        /// `<https://…>`: the address, shown as it is (never parsed for emphasis).
        case address(String)
        case delimiter(DelimiterRun)
    }

    static func tokenize(_ bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var textStart = 0
        var index = 0
        func flush(_ end: Int) {
            if end > textStart { tokens.append(.text(textStart..<end)) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count, isPunctuation(bytes[index + 1]) else { break }
                flush(index)
                tokens.append(.text(index + 1..<index + 2))
                index += 2
                textStart = index
                continue
            case UInt8(ascii: "`"):
                let length = run(of: byte, in: bytes, from: index)
                flush(index)
                if let close = closingBackticks(length, in: bytes, from: index + length) {
                    tokens.append(.code(codeContent(bytes[(index + length)..<close])))
                    index = close + length
                } else {
                    // An unmatched run is literal, all of it (a longer run cannot close a shorter one).
                    tokens.append(.text(index..<index + length))
                    index += length
                }
                textStart = index
                continue
            case UInt8(ascii: "["), UInt8(ascii: "!"):
                let open = byte == UInt8(ascii: "!") ? index + 1 : index
                guard open < bytes.count, bytes[open] == UInt8(ascii: "["), let found = link(in: bytes, from: open) else { break }
                flush(index)
                tokens.append(.link(text: open + 1..<found.textEnd, url: found.url))
                index = found.end
                textStart = index
                continue
            case UInt8(ascii: "<"):
                guard let found = autolink(in: bytes, from: index) else { break }
                flush(index)
                tokens.append(.address(found.address))
                index = found.end
                textStart = index
                continue
            case UInt8(ascii: "*"), UInt8(ascii: "_"):
                let length = run(of: byte, in: bytes, from: index)
                flush(index)
                let before = index > 0 ? bytes[index - 1] : UInt8(ascii: " ")
                let after = index + length < bytes.count ? bytes[index + length] : UInt8(ascii: " ")
                let leftFlanking = !isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before))
                let rightFlanking = !isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after))
                let canOpen: Bool
                let canClose: Bool
                if byte == UInt8(ascii: "_") {
                    // Underscores inside a word are never emphasis: snake_case_name stays as written.
                    canOpen = leftFlanking && (!rightFlanking || isPunctuation(before))
                    canClose = rightFlanking && (!leftFlanking || isPunctuation(after))
                } else {
                    canOpen = leftFlanking
                    canClose = rightFlanking
                }
                tokens.append(.delimiter(DelimiterRun(marker: byte, length: length, remaining: length, canOpen: canOpen, canClose: canClose)))
                index += length
                textStart = index
                continue
            default:
                break
            }
            index += 1
        }
        flush(bytes.count)
        return tokens
    }

    /// CommonMark's "process emphasis": each closer, left to right, takes the nearest opener of its marker.
    static func matchEmphasis(_ tokens: inout [Token], delimiters: [Int]) {
        var runs: [Int: DelimiterRun] = [:]
        for index in delimiters { if case let .delimiter(run) = tokens[index] { runs[index] = run } }
        var active = delimiters
        var position = 0
        while position < active.count {
            let closerIndex = active[position]
            guard var closer = runs[closerIndex], closer.canClose, closer.remaining > 0 else {
                position += 1
                continue
            }
            var openerPosition: Int?
            var search = position - 1
            while search >= 0 {
                let candidate = runs[active[search]]!
                if candidate.marker == closer.marker, candidate.canOpen, candidate.remaining > 0 {
                    let oddMatch = (candidate.canClose || closer.canOpen) && (candidate.length + closer.length) % 3 == 0
                        && !(candidate.length % 3 == 0 && closer.length % 3 == 0)
                    if !oddMatch {
                        openerPosition = search
                        break
                    }
                }
                search -= 1
            }
            guard let openerPosition else {
                position += 1
                continue
            }
            var opener = runs[active[openerPosition]]!
            let bold = opener.remaining >= 2 && closer.remaining >= 2
            let used = bold ? 2 : 1
            opener.remaining -= used
            closer.remaining -= used
            opener.opens.insert(bold, at: 0)
            closer.closes.append(bold)
            runs[active[openerPosition]] = opener
            runs[closerIndex] = closer
            // Runs between the two can no longer match anything.
            active.removeSubrange((openerPosition + 1)..<position)
            position = openerPosition + 1
            if opener.remaining == 0 {
                active.remove(at: openerPosition)
                position -= 1
            }
            if closer.remaining == 0 { position += 1 }
        }
        for (index, run) in runs { tokens[index] = .delimiter(run) }
    }

    // MARK: Output

    static func emit(_ tokens: [Token], bytes: [UInt8], base: Style) -> [Span] {
        var spans: [Span] = []
        var bold = 0
        var italic = 0
        func style() -> Style {
            if base == .heading || base == .link { return base }
            switch (bold > 0, italic > 0) {
            case (true, true): return .boldItalic
            case (true, false): return .bold
            case (false, true): return .italic
            case (false, false): return base
            }
        }
        func add(_ text: String, _ style: Style) {
            guard !text.isEmpty else { return }
            if spans.last?.style == style { spans[spans.count - 1].text += text } else { spans.append(Span(text, style)) }
        }
        for token in tokens {
            switch token {
            case let .text(range): add(String(decoding: bytes[range], as: UTF8.self), style())
            case let .literal(text): add(text, style())
            case let .code(text): add(text, .code)
            case let .address(text): add(text, .link)
            case let .link(range, url):
                let text = String(decoding: bytes[range], as: UTF8.self)
                for span in Self.spans(Substring(text), base: .link) { add(span.text, span.style) }
                if !url.isEmpty, url != text { add(" (\(url))", .linkURL) }
            case let .delimiter(run):
                for closesBold in run.closes { if closesBold { bold -= 1 } else { italic -= 1 } }
                if run.remaining > 0 {
                    add(String(repeating: Character(Unicode.Scalar(run.marker)), count: run.remaining), style())
                }
                for opensBold in run.opens { if opensBold { bold += 1 } else { italic += 1 } }
            }
        }
        return spans
    }

    // MARK: Scanning

    static func run(of byte: UInt8, in bytes: [UInt8], from start: Int) -> Int {
        var end = start
        while end < bytes.count, bytes[end] == byte { end += 1 }
        return end - start
    }

    /// Where a run of exactly `length` backticks starts, at or after `start`.
    static func closingBackticks(_ length: Int, in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "`") {
                let found = run(of: UInt8(ascii: "`"), in: bytes, from: index)
                if found == length { return index }
                index += found
            } else {
                index += 1
            }
        }
        return nil
    }

    /// A code span's text: one space stripped from each end when both have one (so `` ` `x` ` `` can show backticks).
    static func codeContent(_ content: ArraySlice<UInt8>) -> String {
        var slice = content
        if slice.count >= 2, slice.first == UInt8(ascii: " "), slice.last == UInt8(ascii: " "), slice.contains(where: { $0 != UInt8(ascii: " ") }) {
            slice = slice.dropFirst().dropLast()
        }
        return String(decoding: slice, as: UTF8.self)
    }

    /// `[text](url "title")` from the `[` at `open`: where the text ends, the url, and the index after `)`.
    static func link(in bytes: [UInt8], from open: Int) -> (textEnd: Int, url: String, end: Int)? {
        var depth = 0
        var index = open
        var textEnd: Int?
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 1
            case UInt8(ascii: "`"):
                // A code span in the text may hold brackets.
                let length = run(of: UInt8(ascii: "`"), in: bytes, from: index)
                if let close = closingBackticks(length, in: bytes, from: index + length) { index = close + length - 1 } else { index += length - 1 }
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { textEnd = index }
            default: break
            }
            if textEnd != nil { break }
            index += 1
        }
        guard let textEnd, textEnd + 1 < bytes.count, bytes[textEnd + 1] == UInt8(ascii: "(") else { return nil }
        var parens = 0
        index = textEnd + 2
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "(") { parens += 1 }
            if byte == UInt8(ascii: ")") {
                if parens == 0 { break }
                parens -= 1
            }
            index += 1
        }
        guard index < bytes.count else { return nil }
        var destination = bytes[(textEnd + 2)..<index]
        while destination.first == UInt8(ascii: " ") { destination = destination.dropFirst() }
        // A title after the destination is not shown.
        if let space = destination.firstIndex(of: UInt8(ascii: " ")) { destination = destination[..<space] }
        if destination.first == UInt8(ascii: "<"), destination.last == UInt8(ascii: ">") { destination = destination.dropFirst().dropLast() }
        return (textEnd, String(decoding: destination, as: UTF8.self), index + 1)
    }

    /// `<https://…>` or `<name@host>` from the `<` at `start`: the address and the index after `>`.
    static func autolink(in bytes: [UInt8], from start: Int) -> (address: String, end: Int)? {
        var index = start + 1
        while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
            if isWhitespace(bytes[index]) || bytes[index] == UInt8(ascii: "<") { return nil }
            index += 1
        }
        guard index < bytes.count, index > start + 1 else { return nil }
        let address = String(decoding: bytes[(start + 1)..<index], as: UTF8.self)
        guard address.contains("://") || address.hasPrefix("mailto:") || (address.contains("@") && !address.contains("/")) else { return nil }
        return (address, index + 1)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// ASCII punctuation (what a backslash can escape, and what flanking rules look at).
    static func isPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }
}

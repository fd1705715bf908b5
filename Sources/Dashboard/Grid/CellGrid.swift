/// The screen as a plain value: rows of cells, each a character with its display width and a style role. The
/// view draws into it; tests read it back as text; the terminal backend draws the cells that changed.
public struct CellGrid: Sendable, Hashable {
    public struct Cell: Sendable, Hashable {
        /// The grapheme shown; a wide character's second column holds an empty `continuation` cell.
        public var character: Character
        /// 1, 2 for the first column of a wide character, 0 for the column it covers.
        public var width: UInt8
        public var style: StyleRole

        public init(character: Character, width: UInt8 = 1, style: StyleRole = .normal) {
            self.character = character
            self.width = width
            self.style = style
        }

        public static let blank = Cell(character: " ")
        static let continuation = Cell(character: " ", width: 0)
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: StyleRole = .normal) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(character: " ", style: fill), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from column `x` on row `y`, clipped at `x + maxWidth` (and the grid's edge); a wide character
    /// that would straddle the clip is replaced by a space. Returns the column after the last one written.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: StyleRole, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(width, maxWidth.map { x + $0 } ?? width)
        var column = x
        for character in text {
            let characterWidth = DisplayWidth.of(character)
            if characterWidth == 0 { continue }
            if column + characterWidth > limit {
                if column < limit, characterWidth == 2 { self[column, y] = Cell(character: " ", style: style) }
                return limit
            }
            if column >= 0 {
                clearWide(at: column, y: y)
                self[column, y] = Cell(character: character, width: UInt8(characterWidth), style: style)
                if characterWidth == 2 {
                    clearWide(at: column + 1, y: y)
                    self[column + 1, y] = Cell(character: " ", width: 0, style: style)
                }
            }
            column += characterWidth
        }
        return column
    }

    /// Fills a rectangle with one character and style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, character: Character = " ", style: StyleRole) {
        let x0 = max(0, x)
        let y0 = max(0, y)
        let x1 = min(width, x + w)
        let y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 { self[column, row] = Cell(character: character, style: style) }
        }
    }

    /// Restyles cells without changing their characters (selection and search highlights).
    public mutating func restyle(x: Int, y: Int, width w: Int, style: StyleRole) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + w) { self[column, y].style = style }
    }

    /// Overwriting half of a wide character leaves its other half as a blank.
    private mutating func clearWide(at x: Int, y: Int) {
        guard x >= 0, x < width else { return }
        let cell = self[x, y]
        if cell.width == 0, x > 0, self[x - 1, y].width == 2 {
            self[x - 1, y] = Cell(character: " ", style: self[x - 1, y].style)
        } else if cell.width == 2, x + 1 < width {
            self[x + 1, y] = Cell(character: " ", style: cell.style)
        }
    }

    /// The grid as text, one line per row, trailing spaces kept: what a test (or `tmux capture-pane`) compares.
    public var lines: [String] {
        (0..<height).map { row in
            var line = ""
            for column in 0..<width where self[column, row].width != 0 { line.append(self[column, row].character) }
            return line
        }
    }

    /// The grid as text with trailing spaces trimmed from each line.
    public var text: String {
        lines.map { line in
            var trimmed = Substring(line)
            while trimmed.last == " " { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }.joined(separator: "\n")
    }
}

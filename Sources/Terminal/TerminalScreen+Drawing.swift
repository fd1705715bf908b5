import CNcursesw
import Dashboard

extension TerminalScreen {
    /// Draws `grid` with `theme`'s styles, sending only the cells that differ from the last grid drawn, then
    /// refreshes. A different grid size, a different theme or `invalidate()` redraws every cell. Cells beyond the
    /// screen are clipped. Does nothing before `start()` or after `stop()`. Call at most about 60 times a second:
    /// each call that changes something costs a write to the terminal.
    public func draw(_ grid: CellGrid, theme: Theme) {
        guard phase == .active, let window = flowtop_stdscr() else { return }
        let screen = size
        let previous = lastGrid.flatMap { last in
            last.width == grid.width && last.height == grid.height && lastTheme == theme ? last : nil
        }
        if previous == nil { _ = werase(window) }
        var styles: [StyleRole: (attributes: attr_t, pair: Int32)] = [:]
        var changed = previous == nil
        for y in 0..<min(grid.height, screen.height) {
            for x in 0..<min(grid.width, screen.width) {
                let cell = grid[x, y]
                if let previous, previous[x, y] == cell { continue }
                changed = true
                guard cell.width != 0 else { continue }  // the right half of a wide character
                let style: (attributes: attr_t, pair: Int32)
                if let cached = styles[cell.style] {
                    style = cached
                } else {
                    style = resolve(theme.style(for: cell.style))
                    styles[cell.style] = style
                }
                put(cell, x: x, y: y, style: style)
            }
        }
        lastGrid = grid
        lastTheme = theme
        // The bottom-right cell makes ncurses report ERR (the cursor cannot advance past it) although the cell is
        // stored and refresh paints it without scrolling; put ignores that ERR.
        if changed { _ = wrefresh(window) }
    }

    private func resolve(_ style: Style) -> (attributes: attr_t, pair: Int32) {
        let rendered = StyleRendering.render(style, depth: colorDepth, colors: colorCount, defaultColors: defaultColors)
        let pair = pairs.pair(for: rendered.colors) { pair, foreground, background in
            init_extended_pair(pair, foreground, background) == OK
        }
        return (rendered.attributes, pair)
    }

    /// One cell through `setcchar` + `mvadd_wch`: the character's first scalar is the spacing one, the rest
    /// (combining marks, variation selectors) ride along, up to what a `cchar_t` holds. A character ncurses
    /// refuses (not printable in the locale) is drawn as `?` in the same style.
    private func put(_ cell: CellGrid.Cell, x: Int, y: Int, style: (attributes: attr_t, pair: Int32)) {
        var count = 0
        for scalar in cell.character.unicodeScalars where count < Int(CCHARW_MAX) {
            characterBuffer[count] = wchar_t(bitPattern: scalar.value)
            count += 1
        }
        characterBuffer[count] = 0
        var pair = style.pair
        var glyph = cchar_t()
        if setGlyph(&glyph, attributes: style.attributes, pair: &pair) == ERR {
            characterBuffer[0] = wchar_t(UInt8(ascii: "?"))
            characterBuffer[1] = 0
            guard setGlyph(&glyph, attributes: style.attributes, pair: &pair) == OK else { return }
        }
        _ = mvadd_wch(Int32(y), Int32(x), &glyph)
    }

    /// `setcchar` with the extended pair number passed through its `opts` argument (the short one is ignored
    /// then), so pairs beyond 32,767 work.
    private func setGlyph(_ glyph: inout cchar_t, attributes: attr_t, pair: inout Int32) -> Int32 {
        characterBuffer.withUnsafeBufferPointer { characters in
            setcchar(&glyph, characters.baseAddress, attributes, 0, &pair)
        }
    }
}

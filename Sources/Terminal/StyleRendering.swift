import CNcursesw
import Dashboard

/// A theme `Style` as ncurses wants it: attribute bits plus a (foreground, background) colour-number pair.
struct RenderedStyle {
    var attributes: attr_t
    var colors: ColorPairTable.Key
}

enum StyleRendering {
    /// - Parameters:
    ///   - defaultColors: whether -1 (the terminal's default colour) is usable; without `use_default_colors` the
    ///     default becomes white on black.
    static func render(_ style: Style, depth: ColorDepth, colors: Int, defaultColors: Bool) -> RenderedStyle {
        var attributes = flowtop_attr_normal()
        if style.bold { attributes |= flowtop_attr_bold() }
        if style.dim { attributes |= flowtop_attr_dim() }
        if style.italic { attributes |= flowtop_attr_italic() }
        if style.underline { attributes |= flowtop_attr_underline() }
        if style.reverse { attributes |= flowtop_attr_reverse() }
        guard depth != .none else {
            // Without colour a background is the only thing telling a bar or a highlight from plain text (header,
            // footer, search matches), so a role with a background is drawn reversed instead.
            if style.background != .terminalDefault, !style.reverse { attributes |= flowtop_attr_reverse() }
            return RenderedStyle(attributes: attributes, colors: .init(foreground: -1, background: -1))
        }
        let foreground = ColorNumbers.map(style.foreground, depth: depth, colors: colors)
        let background = ColorNumbers.map(style.background, depth: depth, colors: colors)
        if foreground.brightenWithBold { attributes |= flowtop_attr_bold() }
        var key = ColorPairTable.Key(foreground: foreground.number, background: background.number)
        if !defaultColors {
            if key.foreground < 0 { key.foreground = 7 }
            if key.background < 0 { key.background = 0 }
        }
        return RenderedStyle(attributes: attributes, colors: key)
    }
}

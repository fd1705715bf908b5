import Dashboard

/// Turns a theme `Color` into the colour number ncurses takes for the chosen depth. -1 is the terminal's own
/// default colour (valid after `use_default_colors`).
enum ColorNumbers {
    /// A colour number, plus whether the foreground should be drawn bold to look bright (the classic way to show
    /// the bright ANSI colours 8–15 on an 8-colour terminal).
    struct Mapped: Hashable {
        var number: Int32
        var brightenWithBold: Bool
    }

    /// - Parameter colors: the terminal's `COLORS`, which can exceed what `depth` alone says (16 on an 8-colour
    ///   depth): basic ANSI colours the terminal has are used as they are.
    static func map(_ color: Color, depth: ColorDepth, colors: Int) -> Mapped {
        switch depth {
        case .none:
            return Mapped(number: -1, brightenWithBold: false)
        case .eight:
            if case let .ansi(index) = color {
                if Int(index) < colors { return Mapped(number: Int32(index), brightenWithBold: false) }
                return Mapped(number: Int32(index & 7), brightenWithBold: index >= 8)
            }
            return Mapped(number: color.nearest8.map(Int32.init) ?? -1, brightenWithBold: false)
        case .two56:
            return Mapped(number: color.nearest256.map(Int32.init) ?? -1, brightenWithBold: false)
        case .truecolor:
            return Mapped(number: direct(color), brightenWithBold: false)
        }
    }

    /// Direct-colour terminfo entries (xterm-direct and kin) send numbers 0–7 as the ANSI colours and anything else
    /// as 0xRRGGBB. The basic colours stay palette colours, so they keep matching the user's terminal scheme.
    static func direct(_ color: Color) -> Int32 {
        switch color {
        case .terminalDefault:
            return -1
        case let .ansi(index) where index < 8, let .indexed(index) where index < 8:
            return Int32(index)
        default:
            guard let rgb = color.rgbValue else { return -1 }
            let packed = Int32(rgb.r) << 16 | Int32(rgb.g) << 8 | Int32(rgb.b)
            // 0x000000–0x000007 would be read as ANSI colours; the nearest RGB the entry can express is 0x000008.
            return max(packed, 8)
        }
    }

    /// The RGB a colour number stands for at a depth (nil for the default colour): how close two pairs are when
    /// the pair table is full and a near one must stand in.
    static func rgb(of number: Int32, depth: ColorDepth) -> (r: Int, g: Int, b: Int)? {
        guard number >= 0 else { return nil }
        if depth == .truecolor, number >= 8 {
            return (Int(number >> 16 & 0xFF), Int(number >> 8 & 0xFF), Int(number & 0xFF))
        }
        guard let rgb = Color.indexed(UInt8(truncatingIfNeeded: number)).rgbValue else { return nil }
        return (Int(rgb.r), Int(rgb.g), Int(rgb.b))
    }
}

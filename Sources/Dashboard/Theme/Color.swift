/// A colour as a theme file writes it: a basic ANSI name, a 256-colour index, or 24-bit RGB. The backend turns it
/// into what the terminal can show (truecolor, 256 or 8 colours).
public enum Color: Sendable, Hashable {
    /// The terminal's own default foreground or background.
    case terminalDefault
    /// 0–7 black, red, green, yellow, blue, magenta, cyan, white; 8–15 their bright forms.
    case ansi(UInt8)
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan",
        "bright-white",
    ]

    /// Parses `default`, a name, `0`–`255`, or `#rrggbb`; nil when it is none of these.
    public init?(parsing text: String) {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        if value == "default" || value == "none" {
            self = .terminalDefault
        } else if let index = Self.names.firstIndex(of: value.replacingOccurrences(of: "grey", with: "black")
            .replacingOccurrences(of: "gray", with: "black").replacingOccurrences(of: "_", with: "-"))
        {
            self = .ansi(UInt8(index))
        } else if let index = UInt8(value) {
            self = .indexed(index)
        } else if value.hasPrefix("#"), value.count == 7, let rgb = UInt32(value.dropFirst(), radix: 16) {
            self = .rgb(UInt8(rgb >> 16 & 0xFF), UInt8(rgb >> 8 & 0xFF), UInt8(rgb & 0xFF))
        } else {
            return nil
        }
    }

    /// RGB for any colour (the xterm palette for indexed ones); nil for the terminal default.
    public var rgbValue: (r: UInt8, g: UInt8, b: UInt8)? {
        switch self {
        case .terminalDefault: return nil
        case let .ansi(index): return Self.ansiRGB[Int(index) & 15]
        case let .indexed(index):
            if index < 16 { return Self.ansiRGB[Int(index)] }
            if index >= 232 {
                let level = UInt8(8 + (Int(index) - 232) * 10)
                return (level, level, level)
            }
            let cube = Int(index) - 16
            let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
            return (levels[cube / 36], levels[cube / 6 % 6], levels[cube % 6])
        case let .rgb(r, g, b): return (r, g, b)
        }
    }

    /// The nearest xterm 256-colour index.
    public var nearest256: Int? {
        switch self {
        case .terminalDefault: return nil
        case let .ansi(index): return Int(index)
        case let .indexed(index): return Int(index)
        case let .rgb(r, g, b):
            func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
            let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
            let grey = min(23, max(0, (Int(r) + Int(g) + Int(b)) / 3 - 3) / 10)
            let cubeRGB = Color.indexed(UInt8(cube)).rgbValue!
            let greyRGB = Color.indexed(UInt8(232 + grey)).rgbValue!
            return Self.distance((r, g, b), cubeRGB) <= Self.distance((r, g, b), greyRGB) ? cube : 232 + grey
        }
    }

    /// The nearest of the 8 basic colours.
    public var nearest8: Int? {
        guard let rgb = rgbValue else { return nil }
        if case let .ansi(index) = self { return Int(index) & 7 }
        var best = 0
        var bestDistance = Int.max
        for index in 0..<8 {
            let candidate = Self.ansiRGB[index]
            let distance = Self.distance(rgb, candidate)
            if distance < bestDistance {
                best = index
                bestDistance = distance
            }
        }
        return best
    }

    static func distance(_ a: (r: UInt8, g: UInt8, b: UInt8), _ b: (r: UInt8, g: UInt8, b: UInt8)) -> Int {
        let dr = Int(a.r) - Int(b.r)
        let dg = Int(a.g) - Int(b.g)
        let db = Int(a.b) - Int(b.b)
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }

    static let ansiRGB: [(r: UInt8, g: UInt8, b: UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
        (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255),
        (0, 255, 255), (255, 255, 255),
    ]
}

/// What the app asks for: let the terminal decide, or no colour at all.
public enum ColorMode: Sendable, Hashable {
    /// Truecolor when the terminal can show it (a direct-colour terminfo entry, or `COLORTERM=truecolor`/`24bit`
    /// with a `-direct` variant of `$TERM` installed), else 256 colours when the terminal has them, else 8.
    case automatic
    /// Attributes only, no colour pairs: `NO_COLOR` or `--no-color`.
    case none

    /// `.none` when the user asked for no colour (`--no-color`, or a non-empty `NO_COLOR`, per no-color.org).
    public init(noColorFlag: Bool, environment: [String: String]) {
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        self = noColorFlag || noColor ? .none : .automatic
    }
}

/// What the terminal ended up showing, so the app can say so (e.g. in a help overlay).
public enum ColorDepth: Sendable, Hashable, CustomStringConvertible {
    case none
    case eight
    case two56
    case truecolor

    public var description: String {
        switch self {
        case .none: "no colour"
        case .eight: "8 colours"
        case .two56: "256 colours"
        case .truecolor: "truecolor"
        }
    }
}

/// Colours for every style role. Built-in defaults cover every role; a theme file overrides only the roles it
/// names, so a new role never breaks an old theme file.
public struct Theme: Sendable, Hashable {
    public var name: String
    public var styles: [StyleRole: Style]

    public init(name: String, styles: [StyleRole: Style]) {
        self.name = name
        self.styles = styles
    }

    public func style(for role: StyleRole) -> Style {
        styles[role] ?? Theme.fallback.styles[role] ?? .plain
    }

    /// Used for roles a theme does not set, and when no theme file can be found at all.
    public static let fallback = Theme(name: "fallback", styles: [
        .normal: Style(),
        .dim: Style(foreground: .ansi(8)),
        .header: Style(foreground: .ansi(15), background: .ansi(4), bold: true),
        .headerAccent: Style(foreground: .ansi(11), background: .ansi(4), bold: true),
        .paneBorder: Style(foreground: .ansi(8)),
        .paneBorderFocused: Style(foreground: .ansi(14), bold: true),
        .paneTitle: Style(foreground: .ansi(7), bold: true),
        .paneTitleActive: Style(foreground: .ansi(11), bold: true),
        .agentText: Style(),
        .reasoningText: Style(foreground: .ansi(8), italic: true),
        .toolLine: Style(foreground: .ansi(6)),
        .transitionMarker: Style(foreground: .ansi(13), bold: true),
        .markdownHeading: Style(foreground: .ansi(11), bold: true),
        .markdownBold: Style(bold: true),
        .markdownItalic: Style(italic: true),
        .markdownBoldItalic: Style(bold: true, italic: true),
        .markdownCode: Style(foreground: .ansi(14)),
        .markdownCodeBlock: Style(foreground: .ansi(7), background: .ansi(0)),
        .markdownQuote: Style(foreground: .ansi(8), italic: true),
        .markdownLink: Style(foreground: .ansi(12), underline: true),
        .markdownLinkURL: Style(foreground: .ansi(8)),
        .markdownListMarker: Style(foreground: .ansi(14)),
        .markdownRule: Style(foreground: .ansi(8)),
        .statusWaiting: Style(foreground: .ansi(8)),
        .statusStreaming: Style(foreground: .ansi(10), bold: true),
        .statusTool: Style(foreground: .ansi(11), bold: true),
        .statusDone: Style(foreground: .ansi(2)),
        .statusFailed: Style(foreground: .ansi(9), bold: true),
        .timelineHeader: Style(foreground: .ansi(15), background: .ansi(8), bold: true),
        .timelineRow: Style(),
        .timelineSelected: Style(reverse: true),
        .toolOK: Style(foreground: .ansi(2)),
        .toolError: Style(foreground: .ansi(9), bold: true),
        .toolRunning: Style(foreground: .ansi(11)),
        .searchMatch: Style(foreground: .ansi(0), background: .ansi(3)),
        .searchCurrent: Style(foreground: .ansi(0), background: .ansi(11), bold: true),
        .mapTitle: Style(foreground: .ansi(8)),
        .mapNode: Style(foreground: .ansi(7)),
        .mapNodeActive: Style(foreground: .ansi(11), bold: true),
        .mapEdge: Style(foreground: .ansi(8)),
        .mapEdgeLit: Style(foreground: .ansi(13), bold: true),
        .footer: Style(foreground: .ansi(7), background: .ansi(0)),
        .footerKey: Style(foreground: .ansi(14), background: .ansi(0), bold: true),
        .overlay: Style(foreground: .ansi(15), background: .ansi(0)),
        .overlayTitle: Style(foreground: .ansi(11), background: .ansi(0), bold: true),
        .overlayBorder: Style(foreground: .ansi(14), background: .ansi(0)),
        .warning: Style(foreground: .ansi(11)),
        .error: Style(foreground: .ansi(9), bold: true),
    ])
}

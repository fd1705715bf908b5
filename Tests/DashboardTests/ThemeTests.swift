import Dashboard
import Foundation
import Testing

@Suite("Themes")
struct ThemeTests {
    @Test func themeOverridesOnlyTheRolesItNames() throws {
        let theme = try ThemeLoader.parse("header: {fg: '#ff8800', bg: 236, attrs: [bold, underline]}\n", file: "t.yaml", name: "t")
        let header = theme.style(for: .header)
        #expect(header.foreground == .rgb(255, 136, 0))
        #expect(header.background == .indexed(236))
        #expect(header.bold && header.underline)
        #expect(theme.style(for: .footer) == Theme.fallback.style(for: .footer))
    }

    @Test func badColourNamesFileLineAndKey() {
        #expect(throws: ThemeError.self) { try ThemeLoader.parse("footer:\n  fg: blurple\n", file: "x.yaml", name: "x") }
        do {
            _ = try ThemeLoader.parse("header: {fg: red}\nfooter:\n  fg: blurple\n", file: "x.yaml", name: "x")
        } catch {
            #expect(error.description.hasPrefix("x.yaml:3: footer.fg: unknown colour \"blurple\""))
        }
    }

    @Test func unknownRoleAndAttribute() {
        do {
            _ = try ThemeLoader.parse("heder: {fg: red}\n", file: "x.yaml", name: "x")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 1 && error.key == "heder")
        }
        do {
            _ = try ThemeLoader.parse("header: {attrs: [blink]}\n", file: "x.yaml", name: "x")
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("unknown attribute \"blink\""))
        }
    }

    @Test func colourParsingAndDegradation() {
        #expect(Color(parsing: "bright-blue") == .ansi(12))
        #expect(Color(parsing: "default") == .terminalDefault)
        #expect(Color(parsing: "#000000")?.nearest256 == 16)
        #expect(Color(parsing: "#ffffff")?.nearest256 == 231)
        #expect(Color(parsing: "#ff0000")?.nearest8 == 1)
        #expect(Color(parsing: "#808080")?.nearest256 == 244)
        #expect(Color(parsing: "nope") == nil)
    }
}

import Dashboard
import Foundation
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

    @Test func theMapsRolesAreSetInThemeFiles() throws {
        let theme = try ThemeLoader.parse("map_edge_lit: {fg: red, attrs: [bold]}\nmap_node_active: {bg: 236}\n", file: "t.yaml", name: "t")
        #expect(theme.style(for: .mapEdgeLit).foreground == .ansi(1))
        #expect(theme.style(for: .mapEdgeLit).bold)
        #expect(theme.style(for: .mapNodeActive).background == .indexed(236))
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

@Suite("Built-in themes")
struct BuiltinThemeTests {
    @Test(arguments: BuiltinThemes.names)
    func everyBuiltinThemeLoads(name: String) throws {
        let theme = try ThemeLoader.load(name, environment: [:])
        #expect(theme.name == name)
    }

    @Test func theDefaultThemeDocumentsEveryRole() throws {
        let text = try #require(BuiltinThemes.yaml["default"])
        for role in StyleRole.allCases {
            #expect(text.contains("\n\(role.rawValue):"), "default.yaml lacks \(role.rawValue)")
        }
    }

    @Test func embeddedThemesMatchTheFilesInThemes() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(BuiltinThemes.names))
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(BuiltinThemes.yaml[String(file.dropLast(5))] == text.trimmingCharacters(in: .newlines),
                    "\(file) differs from the embedded copy: run scripts/embed-resources")
        }
    }

    @Test func aUserThemeFolderIsSearchedFirstAndBadFilesNameTheLine() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-themes-\(UUID())")
        let folder = home.appendingPathComponent("flowtop/themes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try Data("header: {fg: red}\n".utf8).write(to: folder.appendingPathComponent("mine.yaml"))
        try Data("header: {fg: red}\nfooter: {bg: 999}\n".utf8).write(to: folder.appendingPathComponent("broken.yaml"))
        let theme = try ThemeLoader.load("mine", environment: ["XDG_CONFIG_HOME": home.path])
        #expect(theme.style(for: .header).foreground == .ansi(1))
        // Roles the user's theme does not name come from the built-in default.
        #expect(theme.style(for: .footer).background == .rgb(0x26, 0x26, 0x26))
        do {
            _ = try ThemeLoader.load("broken", environment: ["XDG_CONFIG_HOME": home.path])
            Issue.record("accepted")
        } catch {
            #expect(error.description == "\(folder.path)/broken.yaml:2: footer.bg: unknown colour \"999\"; use a name (red, bright-blue…), 0-255, #rrggbb or default")
        }
        #expect(throws: ThemeError.self) { try ThemeLoader.load("nope", environment: [:]) }
    }
}

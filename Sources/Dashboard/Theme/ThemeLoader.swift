import Foundation
import Yams

/// A theme file that cannot be used: file, line and key, then why.
public struct ThemeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let key { text += ": \(key)" }
        return text + ": " + message
    }
}

/// Finds and reads theme files (YAML): `--theme NAME` looks in `$XDG_CONFIG_HOME/flowtop/themes`, then the
/// folders given (the repo's `themes/`, beside the binary); `--theme PATH` reads that file.
public enum ThemeLoader {
    /// Parses a theme file's text over `base` (the roles it does not name keep the base's styles).
    public static func parse(_ yaml: String, file: String, name: String, base: Theme = .fallback) throws(ThemeError) -> Theme {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let YamlError.scanner(_, problem, mark, _), let YamlError.parser(_, problem, mark, _) {
            throw ThemeError(file: file, line: mark.line, key: nil, message: "invalid YAML: \(problem)")
        } catch {
            throw ThemeError(file: file, line: nil, key: nil, message: "invalid YAML: \(error)")
        }
        var theme = base
        theme.name = name
        guard let root else { return theme }
        guard let mapping = root.mapping else {
            throw ThemeError(file: file, line: root.mark?.line, key: nil, message: "a theme is a mapping of roles to styles")
        }
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? "?"
            let line = keyNode.mark?.line
            guard let role = StyleRole(rawValue: key) else {
                throw ThemeError(file: file, line: line, key: key, message: "unknown role; roles: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            theme.styles[role] = try style(value, over: theme.style(for: role), file: file, key: key)
        }
        return theme
    }

    static func style(_ node: Node, over base: Style, file: String, key: String) throws(ThemeError) -> Style {
        guard let fields = node.mapping else {
            throw ThemeError(file: file, line: node.mark?.line, key: key, message: "expected {fg: …, bg: …, attrs: […]}")
        }
        // A role's entry replaces the base style's colours it names and all of its attributes.
        var style = Style(foreground: base.foreground, background: base.background)
        for (fieldNode, value) in fields {
            let field = fieldNode.scalar?.string ?? "?"
            let line = fieldNode.mark?.line
            switch field {
            case "fg", "bg":
                guard let text = value.scalar?.string, let color = Color(parsing: text) else {
                    throw ThemeError(
                        file: file, line: value.mark?.line ?? line, key: "\(key).\(field)",
                        message: "unknown colour \"\(value.scalar?.string ?? "")\"; use a name (red, bright-blue…), 0-255, #rrggbb or default")
                }
                if field == "fg" { style.foreground = color } else { style.background = color }
            case "attrs":
                guard let items = value.sequence else {
                    throw ThemeError(file: file, line: line, key: "\(key).attrs", message: "attrs is a list, e.g. [bold, underline]")
                }
                for item in items {
                    switch item.scalar?.string {
                    case "bold": style.bold = true
                    case "dim": style.dim = true
                    case "italic": style.italic = true
                    case "underline": style.underline = true
                    case "reverse": style.reverse = true
                    default:
                        throw ThemeError(
                            file: file, line: item.mark?.line, key: "\(key).attrs",
                            message: "unknown attribute \"\(item.scalar?.string ?? "")\"; use bold, dim, italic, underline, reverse")
                    }
                }
            default:
                throw ThemeError(file: file, line: line, key: "\(key).\(field)", message: "unknown field; use fg, bg and attrs")
            }
        }
        return style
    }

    /// Resolves `--theme NAME|PATH`: a path is read as given; a name is looked up in the user's theme folder
    /// (`$XDG_CONFIG_HOME/flowtop/themes`, else `~/.config/flowtop/themes`), then among the built-in themes. The
    /// default theme (the user's `default.yaml` if there is one) is the base every other theme overrides.
    public static func load(_ nameOrPath: String, environment: [String: String]) throws(ThemeError) -> Theme {
        let folders = userFolders(environment)
        let base: Theme
        if let userDefault = find("default", in: folders) {
            base = try parse(read(userDefault), file: userDefault, name: "default",
                             base: try parse(BuiltinThemes.yaml["default"] ?? "", file: "built-in default", name: "default"))
        } else {
            base = try parse(BuiltinThemes.yaml["default"] ?? "", file: "built-in default", name: "default")
        }
        if nameOrPath == "default" { return base }
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml")
        if isPath {
            guard FileManager.default.fileExists(atPath: nameOrPath) else {
                throw ThemeError(file: nameOrPath, line: nil, key: nil, message: "no such file")
            }
            let name = URL(fileURLWithPath: nameOrPath).deletingPathExtension().lastPathComponent
            return try parse(read(nameOrPath), file: nameOrPath, name: name, base: base)
        }
        if let path = find(nameOrPath, in: folders) {
            return try parse(read(path), file: path, name: nameOrPath, base: base)
        }
        if let builtin = BuiltinThemes.yaml[nameOrPath] {
            return try parse(builtin, file: "built-in theme \(nameOrPath)", name: nameOrPath, base: base)
        }
        let known = Set(folders.flatMap(themeNames) + BuiltinThemes.names).sorted()
        throw ThemeError(file: nameOrPath, line: nil, key: nil, message: "no such theme; available: \(known.joined(separator: ", "))")
    }

    static func userFolders(_ environment: [String: String]) -> [String] {
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return [config + "/flowtop/themes"] }
        if let home = environment["HOME"], !home.isEmpty { return [home + "/.config/flowtop/themes"] }
        return []
    }

    static func find(_ name: String, in folders: [String]) -> String? {
        for folder in folders {
            for suffix in [".yaml", ".yml"] {
                let path = folder + "/" + name + suffix
                if FileManager.default.fileExists(atPath: path) { return path }
            }
        }
        return nil
    }

    static func themeNames(in folder: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { String($0.prefix { $0 != "." }) }
    }

    static func read(_ path: String) throws(ThemeError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ThemeError(file: path, line: nil, key: nil, message: "cannot read the file (\(error.localizedDescription))")
        }
    }
}

import Foundation

/// Where a server keeps its runs, as `--store` and `FLOWTOP_STORE` say it: `memory` (nothing outlives the process),
/// `sqlite:PATH` (the embedded store, the default at `$XDG_DATA_HOME/flowtop/runs.sqlite`), or a PostgreSQL URL.
/// Its description never shows a password.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case memory
    case sqlite(path: String)
    case postgres(url: String)

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads `memory`, `sqlite:PATH` (`~` expanded, a relative path taken from the working directory) or
    /// `postgres://…` / `postgresql://…`.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(Invalid) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "memory" {
            self = .memory
        } else if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw Invalid(description: "sqlite: needs a path, as in sqlite:/var/lib/flowtop/runs.sqlite") }
            if path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] {
                path = home + path.dropFirst()
            }
            if !path.hasPrefix("/") {
                path = FileManager.default.currentDirectoryPath + "/" + path
            }
            self = .sqlite(path: (path as NSString).standardizingPath)
        } else if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            guard URL(string: trimmed)?.host != nil else {
                throw Invalid(description: "\(Self.redacting(trimmed)) is not a PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
            }
            self = .postgres(url: trimmed)
        } else {
            throw Invalid(description: "unknown store '\(Self.redacting(trimmed))': use memory, sqlite:PATH or postgres://USER@HOST/DATABASE")
        }
    }

    /// The embedded store's default file: `$XDG_DATA_HOME/flowtop/runs.sqlite`, else `~/.local/share/flowtop/`.
    public static func defaultSQLite(environment: [String: String] = ProcessInfo.processInfo.environment) -> StoreLocation {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return .sqlite(path: data + "/flowtop/runs.sqlite")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return .sqlite(path: home + "/.local/share/flowtop/runs.sqlite")
    }

    public var description: String {
        switch self {
        case .memory: return "memory"
        case let .sqlite(path): return "sqlite:\(path)"
        case let .postgres(url): return Self.redacting(url)
        }
    }

    /// A URL with its password (the part between `user:` and `@`) replaced by `***`.
    public static func redacting(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].lastIndex(of: "@") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}

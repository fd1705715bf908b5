import Foundation

/// Where local MCP servers' stderr goes: never the screen (it would tear the dashboard), always a file the user
/// can find: `$XDG_STATE_HOME/flowtop`, else `~/.local/state/flowtop`, else the temporary directory.
public enum MCPLogDirectory {
    public static func `default`(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state).appendingPathComponent("flowtop")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return URL(fileURLWithPath: home).appendingPathComponent(".local/state/flowtop")
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("flowtop")
    }

    /// `mcp-NAME.log` in `directory`, created if needed; falls back to the temporary directory when it cannot be.
    static func logFile(for server: String, in directory: URL) -> URL {
        let fileName = "mcp-\(server).log"
        if (try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)) != nil {
            return directory.appendingPathComponent(fileName)
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent(fileName)
    }
}

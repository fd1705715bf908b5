import WorkflowCore

/// Why an MCP server could not be used, always naming the server and, for a local one, where its log is.
public struct MCPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The process could not be launched (no such command, not executable).
        case launchFailed(String)
        /// The process ended (before answering, or mid-run); the text says how ("exited with status 1").
        case exited(String)
        /// A line or body that is not JSON-RPC 2.0; the text is the start of it.
        case invalidMessage(String)
        /// No answer within the time allowed; the text says to what ("initialize", "the call to get_time").
        case timedOut(String, Duration)
        /// The server answered with an error, or a remote one could not be reached.
        case failed(String)
    }

    public var server: String
    public var reason: Reason
    /// The server's stderr log, for a local process.
    public var logPath: String?

    public init(server: String, reason: Reason, logPath: String? = nil) {
        self.server = server
        self.reason = reason
        self.logPath = logPath
    }

    public var description: String {
        var text = "MCP server \(server): "
        switch reason {
        case let .launchFailed(why): text += "cannot start: \(why)"
        case let .exited(how): text += how
        case let .invalidMessage(start): text += "sent something that is not JSON-RPC: \(start)"
        case let .timedOut(what, limit): text += "no answer to \(what) within \(Self.seconds(limit))"
        case let .failed(why): text += why
        }
        if let logPath, !isLaunchFailure { text += " (its stderr: \(logPath))" }
        return text
    }

    private var isLaunchFailure: Bool {
        if case .launchFailed = reason { return true }
        return false
    }

    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }
}

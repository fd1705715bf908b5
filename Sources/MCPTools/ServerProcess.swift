import Foundation
import Synchronization
import WorkflowCore

/// A local MCP server's process: launched with pipes for its stdin and stdout and its stderr appended to a log
/// file. Reports its end once, however it ends, so calls in flight fail with the reason instead of waiting.
final class ServerProcess: Sendable {
    let server: String
    let logFile: URL
    /// flowtop writes requests here (the server's stdin).
    let requests: FileHandle
    /// flowtop reads the server's messages here (its stdout).
    let messages: FileHandle
    private let process: Process
    private let ending = Mutex<(ended: String?, waiters: [@Sendable (String) -> Void])>((nil, []))

    /// Launches `command` found on PATH (the server's environment's), `${NAME}` in `environment` values taken
    /// from flowtop's own environment so secrets can stay out of workflow files.
    init(
        server: String, command: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        logDirectory: URL
    ) throws(MCPServerError) {
        self.server = server
        let inherited = ProcessInfo.processInfo.environment
        var merged = inherited
        for (name, value) in environment { merged[name] = Self.expanding(value, from: inherited) }
        logFile = MCPLogDirectory.logFile(for: server, in: logDirectory)
        guard let executable = Self.locate(command, path: merged["PATH"] ?? "/usr/bin:/bin", cwd: workingDirectory) else {
            throw MCPServerError(server: server, reason: .launchFailed("no executable \(command) on PATH"))
        }
        if let workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw MCPServerError(server: server, reason: .launchFailed("cwd \(workingDirectory) is not a directory"))
            }
        }
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        guard let log = try? FileHandle(forWritingTo: logFile) else {
            throw MCPServerError(server: server, reason: .launchFailed("cannot write its log \(logFile.path)"))
        }
        log.seekToEndOfFile()
        log.write(Data("--- flowtop started \(command) at \(Date()) ---\n".utf8))
        // A server that dies between our write and its read would otherwise end flowtop with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)

        let stdin = Pipe()
        let stdout = Pipe()
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = merged
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = log
        requests = stdin.fileHandleForWriting
        messages = stdout.fileHandleForReading
        process.terminationHandler = { [weak self] finished in
            guard let self else { return }
            let how = finished.terminationReason == .uncaughtSignal
                ? "was killed by signal \(finished.terminationStatus)"
                : "exited with status \(finished.terminationStatus)"
            let waiters = self.ending.withLock { state -> [@Sendable (String) -> Void] in
                state.ended = how
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter(how) }
        }
        do {
            try process.run()
        } catch {
            throw MCPServerError(server: server, reason: .launchFailed("\(command): \(error.localizedDescription)"))
        }
        try? log.close()
        // Our copies of the child's ends: the server's stdout reaches EOF only once every writer has closed.
        try? stdin.fileHandleForReading.close()
        try? stdout.fileHandleForWriting.close()
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// How the process ended, once it has.
    var ended: String? { ending.withLock { $0.ended } }

    /// Calls `handler` with how the process ended: at once when it already has.
    func onEnd(_ handler: @escaping @Sendable (String) -> Void) {
        let already = ending.withLock { state -> String? in
            if state.ended == nil { state.waiters.append(handler) }
            return state.ended
        }
        if let already { handler(already) }
    }

    /// Closes the server's stdin (MCP's way to ask a stdio server to exit), then SIGTERM and SIGKILL for one that
    /// does not, a moment apart.
    func stop() async {
        try? requests.close()
        for (signal, grace) in [(SIGTERM, Duration.milliseconds(500)), (SIGKILL, .milliseconds(500))] {
            if await waitForEnd(within: grace) != nil { return }
            kill(process.processIdentifier, signal)
        }
        _ = await waitForEnd(within: .seconds(1))
    }

    /// How the process ended, waiting up to `limit` for it to; nil when it is still running.
    func waitForEnd(within limit: Duration) async -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while ended == nil, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return ended
    }

    static func locate(_ command: String, path: String, cwd: String?) -> URL? {
        let manager = FileManager.default
        if command.contains("/") {
            let full = command.hasPrefix("/") || cwd == nil ? command : cwd! + "/" + command
            return manager.isExecutableFile(atPath: full) ? URL(fileURLWithPath: full) : nil
        }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(command)"
            if manager.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        return nil
    }

    /// `Bearer ${TOKEN}` with TOKEN from `environment`; an unset name becomes empty, as in a shell.
    static func expanding(_ value: String, from environment: [String: String]) -> String {
        var result = ""
        var rest = Substring(value)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            result += rest[..<start.lowerBound]
            result += environment[String(rest[start.upperBound..<end])] ?? ""
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}

import Foundation
import Subprocess
import SystemPackage
import Testing

/// A real terminal for end-to-end tests: a detached tmux session running a shell, driven with send-keys and read
/// with capture-pane, as a person would use flowtop.
struct Tmux: Sendable {
    /// The session's own tmux server socket (`tmux -L`), so tests neither touch a developer's tmux nor share a server.
    let name: String
    /// The server's pid, so `kill()` can stop it without starting another process (it runs from `defer`).
    let serverPID: pid_t

    /// Starts a server with one session `width`×`height` running a plain bash in `directory`.
    init(width: Int, height: Int, directory: String = FileManager.default.temporaryDirectory.path) async throws {
        let name = "flowtop-test-\(UUID().uuidString.prefix(8))"
        // The client forks the server, which keeps the client's standard output: /dev/null, never a pipe of ours.
        let started = try await Subprocess.run(
            .path(FilePath(Self.executable)),
            arguments: ["-L", name, "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", "-c", directory,
                        "env -i PATH=/usr/bin:/bin HOME=\(directory) TERM=xterm-256color LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"],
            input: .array([]), output: .discarded, error: .bytes(limit: 1 << 20))
        guard case .exited(0) = started.terminationStatus else {
            throw TmuxError(message: "tmux new-session failed: \(String(decoding: started.standardError, as: UTF8.self))")
        }
        let pid = try await Self.tmux(name, ["display-message", "-p", "#{pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let serverPID = pid_t(pid) else { throw TmuxError(message: "tmux gave no server pid: \(pid)") }
        self.name = name
        self.serverPID = serverPID
        try await tmux(["set-option", "-t", name, "status", "off"])
    }

    struct TmuxError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static let executable = "/usr/bin/tmux"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// Runs a tmux command against this session's server and returns its output.
    @discardableResult
    func tmux(_ arguments: [String]) async throws -> String { try await Self.tmux(name, arguments) }

    private static func tmux(_ server: String, _ arguments: [String]) async throws -> String {
        let output = try await ChildProcess.run(executable, ["-L", server] + arguments, timeLimit: .seconds(30))
        guard output.status == 0 else { throw TmuxError(message: "tmux \(arguments.joined(separator: " ")): \(output.stderr)") }
        return output.stdout
    }

    func type(_ text: String) async throws { try await tmux(["send-keys", "-t", name, "-l", text]) }
    func press(_ keys: String...) async throws { try await tmux(["send-keys", "-t", name] + keys) }
    func run(_ command: String) async throws {
        try await type(command)
        try await press("Enter")
    }

    func capture() async throws -> String { try await tmux(["capture-pane", "-p", "-t", name]) }

    func resize(width: Int, height: Int) async throws {
        try await tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The pid of the process the shell is running in the foreground (flowtop), if any.
    func foregroundChild() async throws -> Int32? {
        let shell = try await tmux(["list-panes", "-t", name, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        return children.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// Polls the screen until `predicate` holds or `timeout` passes; returns the last screen either way.
    @discardableResult
    func waitFor(_ description: String, timeout: Duration = .seconds(30), _ predicate: (String) -> Bool) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var screen = try await capture()
        while !predicate(screen) {
            guard clock.now < deadline else {
                Issue.record("timed out waiting for \(description); screen:\n\(screen)")
                return screen
            }
            try await Task.sleep(for: .milliseconds(100))
            screen = try await capture()
        }
        return screen
    }

    /// The `EXIT=<status>` line a test's `; echo EXIT=$?` prints when the command ends (not the typed command line).
    static func exitLine(in screen: String) -> String? {
        screen.split(separator: "\n").map(String.init).first { $0.hasPrefix("EXIT=") }
    }

    /// Stops the server, which hangs up on the shell and whatever it runs.
    func kill() { _ = Glibc.kill(serverPID, SIGTERM) }
}

import Foundation
import Testing

/// A real terminal for end-to-end tests: a detached tmux session running a shell, driven with send-keys and read
/// with capture-pane, as a person would use flowtop.
struct Tmux {
    let name = "flowtop-test-\(UUID().uuidString.prefix(8))"

    /// Starts a session `width`×`height` running a plain bash in `directory`.
    init(width: Int, height: Int, directory: String = FileManager.default.temporaryDirectory.path) throws {
        try Self.tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", "-c", directory,
                       "env -i PATH=/usr/bin:/bin HOME=\(directory) TERM=xterm-256color LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"])
        try Self.tmux(["set-option", "-t", name, "status", "off"])
    }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    /// Runs a tmux command and returns its output. The output goes through a file, not a pipe: the tmux server
    /// that `new-session` starts keeps the client's descriptors, so a pipe would never reach end-of-file.
    @discardableResult
    static func tmux(_ arguments: [String]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-tmux-\(UUID()).out")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return try String(contentsOf: file, encoding: .utf8)
    }

    func type(_ text: String) throws { try Self.tmux(["send-keys", "-t", name, "-l", text]) }
    func press(_ keys: String...) throws { try Self.tmux(["send-keys", "-t", name] + keys) }
    func run(_ command: String) throws {
        try type(command)
        try press("Enter")
    }

    func capture() throws -> String { try Self.tmux(["capture-pane", "-p", "-t", name]) }

    func resize(width: Int, height: Int) throws {
        try Self.tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The pid of the process the shell is running in the foreground (flowtop), if any.
    func foregroundChild() throws -> Int32? {
        let shell = try Self.tmux(["list-panes", "-t", name, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        return children.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// Polls the screen until `predicate` holds or `timeout` passes; returns the last screen either way.
    @discardableResult
    func waitFor(_ description: String, timeout: Duration = .seconds(30), _ predicate: (String) -> Bool) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var screen = try capture()
        while !predicate(screen) {
            guard clock.now < deadline else {
                Issue.record("timed out waiting for \(description); screen:\n\(screen)")
                return screen
            }
            try await Task.sleep(for: .milliseconds(100))
            screen = try capture()
        }
        return screen
    }

    /// The `EXIT=<status>` line a test's `; echo EXIT=$?` prints when the command ends (not the typed command line).
    static func exitLine(in screen: String) -> String? {
        screen.split(separator: "\n").map(String.init).first { $0.hasPrefix("EXIT=") }
    }

    func kill() { _ = try? Self.tmux(["kill-session", "-t", name]) }
}

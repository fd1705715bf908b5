import Foundation
import Subprocess
import SystemPackage
import Testing

/// Child processes for the binary tests, through swift-subprocess rather than Foundation's `Process`.
///
/// Foundation's `Process` on Linux learns that a child exited when a socket it hands the child reaches end-of-file;
/// a child that starts a daemon (the tmux client starting its server) passes that socket on, so `waitUntilExit()`
/// never returns and the whole test run hangs. Subprocess waits on a pidfd instead, opens every pipe close-on-exec
/// and closes the rest in the child, so neither a daemon nor a concurrently started child can hold our pipes.
enum ChildProcess {
    struct Output: Sendable {
        /// The exit code, or 128 + the signal number when a signal ended the child (as a shell reports it).
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A child that outlived its time limit: killed, and the test that started it fails with this.
    struct TimeLimitExceeded: Error, CustomStringConvertible {
        var command: String
        var limit: Duration
        var description: String { "\(command) did not finish within \(limit); it was killed" }
    }

    /// Runs `executable` to completion with `input` on its standard input, collecting both outputs. Past
    /// `timeLimit` the child is killed and `TimeLimitExceeded` thrown, so a hang fails one test instead of the run.
    static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String?] = [:],
        timeLimit: Duration = .seconds(120)
    ) async throws -> Output {
        try await withTimeLimit(timeLimit, command: ([executable] + arguments).joined(separator: " ")) {
            // With input given, Subprocess stops collecting once the child exits, even if something it started
            // still holds the pipes.
            let result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments), environment: environmentUpdating(environment),
                input: .array(input), output: .bytes(limit: 64 << 20), error: .bytes(limit: 64 << 20))
            return Output(
                status: status(of: result.terminationStatus),
                stdout: String(decoding: result.standardOutput, as: UTF8.self),
                stderr: String(decoding: result.standardError, as: UTF8.self))
        }
    }

    /// Starts `executable`, hands `body` its execution (to send signals) while both outputs are collected, and
    /// waits for the child to exit after `body` returns; `body` throwing, or `timeLimit` passing, kills it.
    static func withRunning<R: Sendable>(
        _ executable: String, _ arguments: [String], environment: [String: String?] = [:],
        timeLimit: Duration = .seconds(120),
        _ body: @escaping @Sendable (Execution<NoInput, BytesOutput, BytesOutput>) async throws -> R
    ) async throws -> (value: R, output: Output) {
        try await withTimeLimit(timeLimit, command: ([executable] + arguments).joined(separator: " ")) {
            let result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments), environment: environmentUpdating(environment),
                input: .none, output: .bytes(limit: 64 << 20), error: .bytes(limit: 64 << 20), body: body)
            return (result.closureResult, Output(
                status: status(of: result.terminationStatus),
                stdout: String(decoding: result.standardOutput, as: UTF8.self),
                stderr: String(decoding: result.standardError, as: UTF8.self)))
        }
    }

    /// Starts `flowtop serve --port 0 arguments`, waits for its listening line, runs `body` with the port, then stops
    /// the server with SIGTERM (or `stopSignal`: `.kill` for a crash) and returns `body`'s value with the server's exit status.
    static func withServer<R: Sendable>(
        _ arguments: [String], environment: [String: String?] = [:], timeLimit: Duration = .seconds(120),
        stopWith stopSignal: Signal = .terminate,
        _ body: @escaping @Sendable (_ port: Int, _ listeningLine: String) async throws -> R
    ) async throws -> (value: R, status: Int32) {
        var changes = environment
        for key in ["OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "FLOWTOP_PROVIDER"] where changes[key] == nil {
            changes[key] = .some(nil)
        }
        // Never the user's own store: a test about the store passes its own.
        if changes["FLOWTOP_STORE"] == nil { changes["FLOWTOP_STORE"] = "memory" }
        let environment = environmentUpdating(changes)
        let executable = FlowtopBinary.url.path
        return try await withTimeLimit(timeLimit, command: "flowtop serve " + arguments.joined(separator: " ")) {
            let result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(["serve", "--port", "0"] + arguments),
                environment: environment, input: .none, output: .sequence, error: .discarded
            ) { execution in
                // Keep reading the server's output for as long as it runs, so a full pipe can never stall it.
                let (lines, continuation) = AsyncStream.makeStream(of: String.self)
                let output = execution.standardOutput
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        defer { continuation.finish() }
                        for try await line in output.strings() { continuation.yield(line) }
                    }
                    var iterator = lines.makeAsyncIterator()
                    let line = await iterator.next() ?? ""
                    guard let range = line.range(of: "http://127.0.0.1:"),
                        let port = Int(line[range.upperBound...].prefix { $0.isNumber })
                    else {
                        throw ServerDidNotStart(firstLine: line)
                    }
                    let value = try await body(port, line)
                    try execution.send(signal: stopSignal)
                    try await group.waitForAll()
                    return value
                }
            }
            return (result.closureResult, status(of: result.terminationStatus))
        }
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        var firstLine: String
        var description: String { "flowtop serve printed no listening line; it printed: \(firstLine)" }
    }

    /// Runs `operation`, cancelling it (which makes Subprocess kill its child) if it takes longer than `limit`.
    static func withTimeLimit<R: Sendable>(
        _ limit: Duration, command: String, _ operation: @escaping @Sendable () async throws -> R
    ) async throws -> R {
        try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw TimeLimitExceeded(command: command, limit: limit)
            }
            return value
        }
    }

    /// The inherited environment with `changes` applied (a nil value removes the variable).
    private static func environmentUpdating(_ changes: [String: String?]) -> Environment {
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in changes { updates[Environment.Key(stringLiteral: key)] = value }
        return .inherit.updating(updates)
    }

    private static func status(of termination: TerminationStatus) -> Int32 {
        switch termination {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}

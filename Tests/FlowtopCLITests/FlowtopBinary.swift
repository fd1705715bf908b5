import Foundation
import Testing

/// Every test that starts the binary, run one at a time: children started concurrently inherit each other's pipe
/// ends, so one child's output would not reach end-of-file until the others exited.
@Suite(.serialized)
struct FlowtopBinaryTests {}

/// Runs the real `flowtop` executable that `swift build` put beside the test bundle.
enum FlowtopBinary {
    static let url: URL = {
        if let override = ProcessInfo.processInfo.environment["FLOWTOP_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        // The test bundle lives in the build products folder, next to the executable.
        var folder = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("flowtop")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("flowtop")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs flowtop with `arguments`, writing `input` to its standard input, and waits for it to exit — on a
    /// Dispatch thread, so the test's own servers on the cooperative pool keep answering meanwhile.
    static func run(_ arguments: [String], input: [UInt8] = [], environment changes: [String: String?] = [:]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Swift.Result<FlowtopBinary.Result, any Error> {
                    try runBlocking(arguments, input: input, environment: changes)
                })
            }
        }
    }

    private static func runBlocking(_ arguments: [String], input: [UInt8], environment changes: [String: String?]) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        // Runs must not pick up a developer's real provider settings.
        for key in ["OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY"] { environment[key] = nil }
        for (key, value) in changes { environment[key] = value }
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes while writing, so a large output cannot fill a pipe and stall the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data()
        nonisolated(unsafe) var err = Data()
        DispatchQueue.global().async(group: group) { out = stdout.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { err = stderr.fileHandleForReading.readDataToEndOfFile() }
        try stdin.fileHandleForWriting.write(contentsOf: Data(input))
        try stdin.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}

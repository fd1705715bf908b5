import Foundation
import Synchronization

/// Runs a helper program (the Azure CLI) to completion without blocking the Swift concurrency pool, which must never
/// wait on a child process.
enum CommandRunner {
    struct Output: Sendable {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    static func run(_ executable: URL, arguments: [String], environment: [String: String]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments
                process.environment = environment
                let stdout = Pipe()
                let stderr = Pipe()
                process.standardOutput = stdout
                process.standardError = stderr
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                // Drain both pipes at once so a chatty stderr cannot fill its pipe and stall the child.
                let errorData = SharedData()
                let group = DispatchGroup()
                group.enter()
                DispatchQueue.global().async {
                    errorData.set(stderr.fileHandleForReading.readDataToEndOfFile())
                    group.leave()
                }
                let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(
                    returning: Output(
                        status: process.terminationStatus,
                        standardOutput: String(decoding: outputData, as: UTF8.self),
                        standardError: String(decoding: errorData.get(), as: UTF8.self)))
            }
        }
    }

    /// The first executable called `name` on the `PATH` of `environment`.
    static func find(_ name: String, in environment: [String: String]) -> URL? {
        let path = environment["PATH"] ?? ""
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}

/// Bytes written by one dispatch block and read by another.
private final class SharedData: Sendable {
    private let data = Mutex(Data())
    func set(_ value: Data) { data.withLock { $0 = value } }
    func get() -> Data { data.withLock { $0 } }
}

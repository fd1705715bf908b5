import Foundation
import Testing

/// Every test that starts the binary, run one at a time: each keeps a core busy (a debug build), and the tmux tests
/// wait for screens with timeouts that a machine running several of them at once could miss.
@Suite(.serialized)
struct FlowtopBinaryTests {}

/// Runs the real `flowtop` executable that `swift build` put beside the test bundle.
enum FlowtopBinary {
    static let url: URL = executable("flowtop", override: "FLOWTOP_BINARY")

    /// The benchmarks' executable, built beside flowtop.
    static let benchURL: URL = executable("flowtop-bench", override: "FLOWTOP_BENCH_BINARY")

    private static func executable(_ name: String, override: String) -> URL {
        if let path = ProcessInfo.processInfo.environment[override] {
            return URL(fileURLWithPath: path)
        }
        // The test bundle lives in the build products folder, next to the executable.
        var folder = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name)
    }

    typealias Result = ChildProcess.Output

    /// Runs flowtop with `arguments`, writing `input` to its standard input, and returns once it has exited.
    /// Runs must not pick up a developer's real provider settings, so those variables are removed.
    static func run(_ arguments: [String], input: [UInt8] = [], environment changes: [String: String?] = [:]) async throws -> Result {
        var environment: [String: String?] = [
            "OPENAI_API_KEY": nil, "AZURE_OPENAI_ENDPOINT": nil, "AZURE_OPENAI_API_KEY": nil, "FLOWTOP_STORE": "memory",
        ]
        for (key, value) in changes { environment[key] = value }
        return try await ChildProcess.run(url.path, arguments, input: input, environment: environment)
    }

    /// Runs flowtop-bench with `arguments` and returns once it has exited.
    static func runBench(_ arguments: [String]) async throws -> Result {
        try await ChildProcess.run(benchURL.path, arguments, input: [], environment: [:])
    }
}

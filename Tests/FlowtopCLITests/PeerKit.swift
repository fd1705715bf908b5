import Foundation
import Testing

/// The real Agent Framework servers of `../shared/peers` (the sample route, AG-UI, DevUI) on their instant fake
/// model. Tests that use them run when `FLOWTOP_PEERS=1` (`.ci/run` installs the kit and sets it); a plain
/// `swift test` skips them and says how to run them.
enum PeerKit {
    static let enabled = ProcessInfo.processInfo.environment["FLOWTOP_PEERS"] == "1"
    static let skipNote = "needs the Agent Framework peers: ../shared/peers/agent-framework-peers install, then FLOWTOP_PEERS=1 swift test"

    /// The kit's command: `$FLOWTOP_PEERS_KIT`, else `shared/peers` beside the repository.
    static var command: String {
        if let path = ProcessInfo.processInfo.environment["FLOWTOP_PEERS_KIT"] { return path }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/peers/agent-framework-peers").path
    }

    /// Starts `kind` (with `arguments`, e.g. `--auth-token T`) in a home of its own, so tests never share or stop
    /// another's instance, hands `body` its base URL, and stops it afterwards.
    static func with<R: Sendable>(
        _ kind: String, _ arguments: [String] = [], _ body: @Sendable (_ url: String) async throws -> R
    ) async throws -> R {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-peers-\(UUID().uuidString)").path
        let environment: [String: String?] = ["PEERS_HOME": home]
        let started = try await ChildProcess.run(
            command, ["start", kind] + arguments, environment: environment, timeLimit: .seconds(180))
        try #require(started.status == 0, "could not start the \(kind) peer: \(started.stderr)")
        let key = kind.uppercased() + "_URL="
        let url = try #require(
            started.stdout.split(separator: "\n").first { $0.hasPrefix(key) }.map { String($0.dropFirst(key.count)) },
            "no \(key) in: \(started.stdout)")
        do {
            let value = try await body(url)
            _ = try? await ChildProcess.run(command, ["stop", kind], environment: environment, timeLimit: .seconds(30))
            try? FileManager.default.removeItem(atPath: home)
            return value
        } catch {
            _ = try? await ChildProcess.run(command, ["stop", kind], environment: environment, timeLimit: .seconds(30))
            try? FileManager.default.removeItem(atPath: home)
            throw error
        }
    }
}

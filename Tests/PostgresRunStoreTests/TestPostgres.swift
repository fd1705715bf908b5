import Foundation
import Logging
import PostgresNIO
@testable import PostgresRunStore
import RunStore
import Subprocess
import SystemPackage
import Testing

/// The PostgreSQL server the tests use: `FLOWTOP_TEST_POSTGRES_URL`, set by `.ci/run`, or locally by
/// `eval "$(scripts/test-postgres start)"`. Each test gets a database of its own on it, so tests running at the same
/// time never see each other's runs.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["FLOWTOP_TEST_POSTGRES_URL"]
    static let isAvailable = url != nil
    static let skipReason: Comment =
        "needs a PostgreSQL server: eval \"$(scripts/test-postgres start)\" sets FLOWTOP_TEST_POSTGRES_URL"

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/test-postgres").path

    /// A new, empty database on the test server; returns its URL.
    static func freshDatabase(on serverURL: String? = url) async throws -> String {
        let serverURL = try #require(serverURL)
        let name = "flowtop_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer(serverURL) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: quiet)
        }
        var components = try #require(URLComponents(string: serverURL))
        components.path = "/" + name
        return try #require(components.string)
    }

    /// Runs `body` on a connection of its own to `databaseURL` (to look behind the store's back).
    @discardableResult
    static func administer<Value: Sendable>(
        _ databaseURL: String, _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let configuration = try PostgresStoreAddress(databaseURL).connectionConfiguration()
        let connection = try await connecting {
            try await PostgresConnection.connect(configuration: configuration, id: 1, logger: quiet)
        }
        do {
            let value = try await body(connection)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func store(_ databaseURL: String) async throws -> PostgresRunStore {
        try await connecting { try await PostgresRunStore.open(url: databaseURL) }
    }

    /// Connects, twice more a second apart if connecting failed: when the run starts, dozens of tests connect at
    /// once (each a SCRAM handshake), and a busy two-core machine can take longer than the 5 s connect timeout to
    /// answer them all. A test of what a failed connection does connects without this.
    static func connecting<Value>(_ connect: () async throws -> Value) async throws -> Value {
        for _ in 1..<3 {
            do { return try await connect() } catch {
                try await Task.sleep(for: .seconds(1))
            }
        }
        return try await connect()
    }

    static let quiet = Logger(label: "tests", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// A PostgreSQL server of a test's own, started by `scripts/test-postgres` in a new folder, for the tests that stop
/// and start it (the shared one must stay up for the tests running beside them).
struct OwnPostgres {
    let directory: String
    let url: String

    static func start() async throws -> OwnPostgres {
        let output = try await script(["start"], directory: nil)
        func value(_ name: String) throws -> String {
            let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("export \(name)=") })
            let quoted = String(line.dropFirst("export \(name)=".count))
            // printf %q quotes `&` and `?` with backslashes.
            return quoted.replacingOccurrences(of: "\\", with: "")
        }
        return OwnPostgres(directory: try value("FLOWTOP_TEST_POSTGRES_DIR"), url: try value("FLOWTOP_TEST_POSTGRES_URL"))
    }

    func stop() async throws { try await Self.script(["stop"], directory: directory) }
    func restart() async throws { try await Self.script(["start"], directory: directory) }
    func destroy() async { _ = try? await Self.script(["destroy"], directory: directory) }

    /// Through Subprocess, not Foundation's `Process`, whose `waitUntilExit()` never returns once the child has
    /// started a daemon (the server) that inherits its exit-watching socket (see FlowtopCLITests' ChildProcess).
    @discardableResult
    static func script(_ arguments: [String], directory: String?) async throws -> String {
        let result = try await Subprocess.run(
            .path(FilePath(TestPostgres.script)), arguments: Arguments(arguments),
            environment: .inherit.updating(["FLOWTOP_TEST_POSTGRES_DIR": directory]), input: .array([]),
            output: .bytes(limit: 1 << 20), error: .discarded)
        guard case .exited(0) = result.terminationStatus else {
            throw ScriptFailure(arguments: arguments, status: "\(result.terminationStatus)")
        }
        return String(decoding: result.standardOutput, as: UTF8.self)
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        let arguments: [String]
        let status: String
        var description: String { "scripts/test-postgres \(arguments.joined(separator: " ")) exited with \(status)" }
    }
}

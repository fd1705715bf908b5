import Foundation
import Logging
import PostgresNIO
import PostgresRunStore
import RunStore
import SQLiteRunStore
import Testing

/// The stores the contract runs against, each made fresh per test: SQLite on a file in a temporary folder always;
/// another store (PostgreSQL) adds a case here when its server is at hand.
struct ContractStore: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable () async throws -> any RunStore

    var testDescription: String { name }

    static let sqlite = ContractStore(name: "sqlite") {
        try await SQLiteRunStore.open(path: TemporaryFolder.make().appendingPathComponent("runs.sqlite").path)
    }

    /// PostgreSQL, when `FLOWTOP_TEST_POSTGRES_URL` names a server (`.ci/run`, or `scripts/test-postgres start`):
    /// each test gets a database of its own on it.
    static let postgres = ContractStore(name: "postgres") {
        let url = try await connecting { try await freshPostgresDatabase() }
        return try await connecting { try await PostgresRunStore.open(url: url) }
    }

    static var all: [ContractStore] {
        ProcessInfo.processInfo.environment["FLOWTOP_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// Connects, twice more a second apart if connecting failed: when the run starts, many tests connect at once
    /// (each a SCRAM handshake), and a busy two-core machine can take longer than the 5 s connect timeout.
    static func connecting<Value>(_ connect: () async throws -> Value) async throws -> Value {
        for _ in 1..<3 {
            do { return try await connect() } catch {
                try await Task.sleep(for: .seconds(1))
            }
        }
        return try await connect()
    }

    /// A new, empty database on the test server; its URL.
    static func freshPostgresDatabase() async throws -> String {
        let server = try #require(ProcessInfo.processInfo.environment["FLOWTOP_TEST_POSTGRES_URL"])
        let name = "flowtop_c_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let quiet = Logger(label: "flowtop.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection = try await PostgresConnection.connect(
            configuration: try PostgresStoreAddress(server).connectionConfiguration(), id: 1, logger: quiet)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: quiet)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        var components = try #require(URLComponents(string: server))
        components.path = "/" + name
        return try #require(components.string)
    }
}

/// A folder of its own under the system's temporary folder, for one test's files.
enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

import Foundation
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

    static var all: [ContractStore] { [.sqlite] }
}

/// A folder of its own under the system's temporary folder, for one test's files.
enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

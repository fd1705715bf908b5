import Foundation
import RunStore

/// Looks at a store's file before SQLite opens it: a file that does not start with SQLite's header is refused
/// without SQLite touching it (SQLite would only fail later, and a failed open must leave the file as it was).
enum SQLiteFileCheck {
    private static let header = Array("SQLite format 3\u{0}".utf8)

    static func refuseForeign(path: String, store: String) throws(RunStoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: header.count)) ?? Data()
        if start.isEmpty { return }
        guard Array(start) == header else {
            throw .notAStore(store: store, reason: "the file is not an SQLite database")
        }
    }
}

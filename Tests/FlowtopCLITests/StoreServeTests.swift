import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// `flowtop serve --store sqlite:PATH` as a process: a run cut by `kill -9` is `interrupted` after a restart with
/// every event it committed, and a file that is not a store is refused by name and left as it was.
extension FlowtopBinaryTests {
@Suite("flowtop serve --store")
struct StoreServeTests {
    static func storeFile() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-cli-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("runs.sqlite").path
    }

    static func get(_ url: String, headers: [(String, String)] = []) async throws -> String {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 16 << 20))
    }

    /// Starts the default workflow on the server at `port` (detached: it goes on when this stream is dropped).
    static func startRun(on port: Int, detach: Bool = true) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/workflow/stream")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"message":"Research Seattle weather","detach":\#(detach)}"#))
        return try await HTTPClient.shared.execute(request, timeout: .seconds(120))
    }

    /// The `id:` lines of an SSE body, in order.
    static func ids(_ body: String) -> [Int] {
        body.split(separator: "\n").compactMap { $0.hasPrefix("id: ") ? Int($0.dropFirst(4)) : nil }
    }

    @Test func aRunCutByKill9IsInterruptedAfterARestartWithEveryCommittedEventAndNoGap() async throws {
        let path = try Self.storeFile()
        let arguments = ["--store", "sqlite:\(path)", "--store-lease", "1", "--pace", "demo"]
        let (runId, _) = try await ChildProcess.withServer(arguments, stopWith: .kill) { port, _ in
            let response = try await Self.startRun(on: port)
            let runId = response.headers.first(name: "X-Run-Id") ?? ""
            var seen = ""
            for try await chunk in response.body {
                seen += String(buffer: chunk)
                if Self.ids(seen).count >= 20 { break }
            }
            // Long enough for the writer (every 50 ms) to commit what was seen.
            try await Task.sleep(for: .milliseconds(500))
            return runId
        }
        #expect(runId.hasPrefix("run_"))
        // The dead server's lease (1 s) lapses before the next one starts.
        try await Task.sleep(for: .milliseconds(1_500))
        _ = try await ChildProcess.withServer(["--store", "sqlite:\(path)"]) { port, _ in
            let run = try await Self.get("http://127.0.0.1:\(port)/api/runs/\(runId)")
            #expect(run.contains(#""state":"interrupted""#))
            let events = try await Self.get("http://127.0.0.1:\(port)/api/runs/\(runId)/events")
            let ids = Self.ids(events)
            // Every stored event from the first, no gap, then the error that says the run was interrupted.
            #expect(ids.count >= 21)
            #expect(ids == Array(1...ids.count))
            #expect(events.contains("interrupted"))
        }
    }

    static func post(_ url: String) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    /// The stores a run can be resumed from: a SQLite file (the same server restarted), and PostgreSQL when a test
    /// server is at hand (`scripts/test-postgres`), where the second server is another instance taking the run over.
    static var resumableStores: [String] {
        let postgres = ProcessInfo.processInfo.environment["FLOWTOP_TEST_POSTGRES_URL"]
        return ["sqlite"] + (postgres == nil ? [] : ["postgres"])
    }

    static func location(_ kind: String) throws -> String {
        kind == "postgres" ? ProcessInfo.processInfo.environment["FLOWTOP_TEST_POSTGRES_URL"] ?? "" : "sqlite:\(try storeFile())"
    }

    @Test(arguments: resumableStores)
    func aRunCutByKill9AfterItsFirstTurnIsResumedByTheNextServerToItsEndWithNoGap(store kind: String) async throws {
        let store = try Self.location(kind)
        let arguments = ["--store", store, "--store-lease", "1", "--pace", "demo"]
        let (runId, _) = try await ChildProcess.withServer(arguments, stopWith: .kill) { port, _ in
            let response = try await Self.startRun(on: port)
            let runId = response.headers.first(name: "X-Run-Id") ?? ""
            var seen = ""
            // Cut during the Writer's turn: after the Researcher's turn ended (its checkpoint) and a few more events.
            for try await chunk in response.body {
                seen += String(buffer: chunk)
                if let end = seen.range(of: "event: agent_completed"), Self.ids(String(seen[end.upperBound...])).count >= 4 { break }
            }
            try await Task.sleep(for: .milliseconds(500))
            return runId
        }
        try await Task.sleep(for: .milliseconds(1_500))
        _ = try await ChildProcess.withServer(["--store", store]) { port, _ in
            let base = "http://127.0.0.1:\(port)/api/runs/\(runId)"
            #expect(try await Self.get(base).contains(#""state":"interrupted""#))
            let resumed = try await Self.post(base + "/resume")
            #expect(resumed.status == 200, "\(resumed.body)")
            let events = try await Self.get(base + "/events")
            let ids = Self.ids(events)
            // One sequence from the first event to the last: the stored ones, the marker, the Writer's turn again.
            #expect(ids == Array(1...ids.count))
            #expect(events.contains(#""type":"run_resumed","checkpoint_seq":"#))
            #expect(events.contains(#""completed_turns":1,"last_agent":"Researcher""#))
            #expect(events.contains("event: done"))
            #expect(try await Self.get(base).contains(#""state":"completed""#))
            // A finished run is not resumed twice.
            #expect(try await Self.post(base + "/resume").status == 409)
        }
    }

    @Test func aFileThatIsNotAStoreIsRefusedByNameAndLeftByteForByte() async throws {
        let path = try Self.storeFile()
        let bytes = Data("a shopping list, not a database\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: path))
        let result = try await FlowtopBinary.run(["serve", "--port", "0", "--store", "sqlite:\(path)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(path))
        #expect(result.stderr.contains("not a flowtop run store"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func aPasswordInTheStoreURLNeverAppearsInTheError() async throws {
        let result = try await FlowtopBinary.run(
            ["serve", "--port", "0", "--store", "postgres://flowtop:s3cret-pw@127.0.0.1:1/runs"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("postgres://flowtop:***@127.0.0.1:1/runs"))
        #expect(!result.stderr.contains("s3cret-pw"))
    }
}
}

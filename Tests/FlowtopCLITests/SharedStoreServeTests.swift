import AsyncHTTPClient
import Foundation
import NIOCore
import Subprocess
import SystemPackage
import Testing

/// Two `flowtop serve` processes on one PostgreSQL store: a run live on one is watched live from the other.
extension FlowtopBinaryTests {
@Suite("Two servers on one PostgreSQL store")
struct SharedStoreServeTests {
    static let postgres = ProcessInfo.processInfo.environment["FLOWTOP_TEST_POSTGRES_URL"]

    @Test(.enabled(if: postgres != nil, "needs a PostgreSQL server: eval \"$(scripts/test-postgres start)\""))
    func aRunStartedOnOneServerIsWatchedLiveFromTheOtherInOrderWithNoneLostOrTwice() async throws {
        let store = try #require(Self.postgres)
        _ = try await ChildProcess.withServer(["--store", store, "--pace", "demo"]) { portA, _ in
            let started = try await StoreServeTests.startRun(on: portA)
            let runId = try #require(started.headers.first(name: "X-Run-Id"))
            // The run goes on on A (detached); its first stream is dropped at once.
            _ = try? await started.body.collect(upTo: 1)
            _ = try await ChildProcess.withServer(["--store", store]) { portB, _ in
                // Its requests wait on A: B says where to answer rather than that it knows no such run.
                let answer = try await StoreServeTests.post("http://127.0.0.1:\(portB)/api/runs/\(runId)/requests/req_1")
                #expect(answer.status == 409)
                #expect(answer.body.contains("is live on another instance"))
                let body = try await StoreServeTests.get("http://127.0.0.1:\(portB)/api/runs/\(runId)/events")
                let ids = StoreServeTests.ids(body)
                // B saw the run from its first event to its last, as A committed them: in order, no gap, none twice.
                #expect(ids.count > 20)
                #expect(ids == Array(1...ids.count))
                #expect(body.contains("event: done"))
                let onA = try await StoreServeTests.get("http://127.0.0.1:\(portA)/api/runs/\(runId)/events")
                #expect(StoreServeTests.ids(onA) == ids)
            }
        }
    }

    @Test(.enabled(if: postgres != nil, "needs a PostgreSQL server: eval \"$(scripts/test-postgres start)\""))
    func aRunStartedOnOneServerAppearsLiveOnTheOthersRunsFeedAndEndsThere() async throws {
        let store = try #require(Self.postgres)
        _ = try await ChildProcess.withServer(["--store", store, "--pace", "demo"]) { portA, _ in
            _ = try await ChildProcess.withServer(["--store", store]) { portB, _ in
                // B's feed opens before the run starts on A: the run can only reach it live.
                let feed = try await HTTPClient.shared.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:\(portB)/api/runs/feed"), timeout: .seconds(120))
                var text = ""
                var chunks = feed.body.makeAsyncIterator()
                while !text.contains("event: snapshot"), let chunk = try await chunks.next() { text += String(buffer: chunk) }
                let started = try await StoreServeTests.startRun(on: portA)
                let runId = try #require(started.headers.first(name: "X-Run-Id"))
                _ = try? await started.body.collect(upTo: 1)
                #expect(!text.contains(runId))
                func saw(_ type: String) -> Bool {
                    text.components(separatedBy: "\n\n").contains { $0.contains("event: \(type)") && $0.contains(runId) }
                }
                while !saw("run_ended"), let chunk = try await chunks.next() { text += String(buffer: chunk) }
                #expect(saw("run_started"))
                #expect(saw("run_ended"))
                let ended = text.components(separatedBy: "\n\n").first { $0.contains("event: run_ended") && $0.contains(runId) }
                #expect(ended?.contains(#""state":"completed""#) == true)
            }
        }
    }

    /// A PostgreSQL server of the test's own (`scripts/test-postgres` in a folder of its own), to stop and start.
    struct OwnPostgres {
        static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/test-postgres").path
        let directory: String
        let url: String

        static func start() async throws -> OwnPostgres {
            let printed = try await run(["start"], directory: nil)
            func value(_ name: String) throws -> String {
                let line = try #require(printed.split(separator: "\n").first { $0.hasPrefix("export \(name)=") })
                // printf %q quotes `&` and `?` with backslashes.
                return String(line.dropFirst("export \(name)=".count)).replacingOccurrences(of: "\\", with: "")
            }
            return OwnPostgres(directory: try value("FLOWTOP_TEST_POSTGRES_DIR"), url: try value("FLOWTOP_TEST_POSTGRES_URL"))
        }

        func stop() async throws { _ = try await Self.run(["stop"], directory: directory) }
        func start() async throws { _ = try await Self.run(["start"], directory: directory) }
        func destroy() async { _ = try? await Self.run(["destroy"], directory: directory) }

        static func run(_ arguments: [String], directory: String?) async throws -> String {
            let result = try await Subprocess.run(
                .path(FilePath(script)), arguments: Arguments(arguments),
                environment: .inherit.updating(["FLOWTOP_TEST_POSTGRES_DIR": directory]), input: .array([]),
                output: .bytes(limit: 1 << 20), error: .discarded)
            guard case .exited(0) = result.terminationStatus else {
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "test-postgres \(arguments) failed"])
            }
            return String(decoding: result.standardOutput, as: UTF8.self)
        }
    }

    /// Polls `url` until its body contains `text` (or the time is up); the last body read.
    static func waitFor(_ text: String, at url: String, seconds: Int = 30) async throws -> String {
        var body = ""
        for _ in 0..<(seconds * 5) {
            body = (try? await StoreServeTests.get(url)) ?? ""
            if body.contains(text) { return body }
            try await Task.sleep(for: .milliseconds(200))
        }
        return body
    }

    @Test(.enabled(if: postgres != nil, "needs PostgreSQL's binaries: scripts/install-deps, scripts/test-postgres"))
    func postgresStoppedAndStartedUnderARunningStreamLosesNothingAndTheStoreCatchesUp() async throws {
        let own = try await OwnPostgres.start()
        do {
            try await Self.outage(under: own)
        } catch {
            await own.destroy()
            throw error
        }
        await own.destroy()
    }

    static func outage(under own: OwnPostgres) async throws {
        _ = try await ChildProcess.withServer(["--store", own.url, "--pace", "demo"]) { port, _ in
            let response = try await StoreServeTests.startRun(on: port, detach: false)
            let runId = try #require(response.headers.first(name: "X-Run-Id"))
            var seen = ""
            var outage = false
            for try await chunk in response.body {
                seen += String(buffer: chunk)
                if !outage, StoreServeTests.ids(seen).count >= 5 {
                    outage = true
                    try await own.stop()
                    // The stream goes on from memory; the writer says it is retrying.
                    let health = try await Self.waitFor(#""state":"retrying""#, at: "http://127.0.0.1:\(port)/api/health", seconds: 60)
                    #expect(health.contains(#""state":"retrying""#))
                    try await own.start()
                }
            }
            let ids = StoreServeTests.ids(seen)
            #expect(ids == Array(1...ids.count))
            #expect(seen.contains("event: done"))
            // Once PostgreSQL is back, what was buffered is written: nothing waits, and another server reads it all.
            let health = try await Self.waitFor(#""buffered":0"#, at: "http://127.0.0.1:\(port)/api/health")
            #expect(health.contains(#""state":"ok""#))
            _ = try await ChildProcess.withServer(["--store", own.url]) { other, _ in
                let stored = try await StoreServeTests.get("http://127.0.0.1:\(other)/api/runs/\(runId)/events")
                #expect(StoreServeTests.ids(stored) == ids)
            }
        }
    }
}
}

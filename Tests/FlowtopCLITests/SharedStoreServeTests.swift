import AsyncHTTPClient
import Foundation
import NIOCore
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
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(portA)/api/workflow/stream")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"message":"Research Seattle weather","detach":true}"#))
            let started = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let runId = try #require(started.headers.first(name: "X-Run-Id"))
            // The run goes on on A (detached); its first stream is dropped at once.
            _ = try? await started.body.collect(upTo: 1)
            _ = try await ChildProcess.withServer(["--store", store]) { portB, _ in
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
}
}

import Foundation
import Testing

extension FlowtopBinaryTests {
@Suite("flowtop-bench")
struct BenchCommandTests {
    @Test func attachRunsTheDashboardLoopAndComparesToARawRead() async throws {
        let result = try await FlowtopBinary.runBench(["attach", "--events", "5000", "--latency-events", "100", "--rate", "1000"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("events/s ingested"))
        #expect(result.stdout.contains("p99"))
        #expect(result.stdout.contains("× the reference"))
    }

    @Test func serveStartsItsOwnServerChild() async throws {
        let result = try await FlowtopBinary.runBench(["serve", "--streams", "2", "--events", "1000"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 streams × 500 tokens"))
        #expect(result.stdout.contains("errors 0"))
        #expect(result.stdout.contains("× the reference"))
    }

    @Test(.enabled(if: SharedStoreServeTests.postgres != nil, "needs a PostgreSQL server: eval \"$(scripts/test-postgres start)\""))
    func liveStoreFollowsEveryEventOfAServersWriterFromASecondInstance() async throws {
        let url = try #require(SharedStoreServeTests.postgres)
        let result = try await FlowtopBinary.runBench(
            ["live-store", "--store", url, "--runs", "3", "--events", "50", "--batch", "5", "--interval-ms", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("delivered 150 of 150 events, out of order or repeated 0"))
        #expect(result.stdout.contains("cross-instance delay (published on A → follower on B has it): p50"))
        #expect(!result.stdout.contains("flowtop-test-password"), "the password is redacted")
    }

    @Test func soakReportsRunsAndServerMemory() async throws {
        let result = try await FlowtopBinary.runBench(["soak", "--seconds", "2", "--clients", "3", "--interval", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("runs/s, server VmRSS"))
        #expect(result.stdout.contains("RSS growth per 1,000 runs"))
        #expect(!result.stdout.contains(" 0 runs in"), "some runs completed")
    }
}
}

import Foundation
import PostgresNIO
import PostgresRunStore
import RunStore
import Synchronization
import Testing

/// Two store instances on one real PostgreSQL, as two servers would have them: events appended by one reach the
/// other's follower in order, none lost, none twice, through a reconnect and through the server going away.
@Suite(
    "Following a run another instance writes, through LISTEN/NOTIFY",
    .enabled(if: TestPostgres.isAvailable, TestPostgres.skipReason), .timeLimit(.minutes(2)))
struct LiveFollowTests {
    static func run(_ id: String, state: StoredRunState = .running, last: Int = 0) -> StoredRun {
        StoredRun(
            id: id, workflow: "research", prompt: "p", state: state, started: Date(timeIntervalSince1970: 1_800_000_000),
            lastSequence: last, owner: "instance-a", leaseExpires: Date().addingTimeInterval(60))
    }

    static func append(_ store: PostgresRunStore, _ id: String, _ sequences: ClosedRange<Int>, state: StoredRunState = .running)
        async throws
    {
        try await store.appendEvents(
            StoredEventBatch(
                run: run(id, state: state, last: sequences.upperBound),
                events: sequences.map { StoredEvent(sequence: $0, json: #"{"sequence":\#($0)}"#) }))
    }

    /// The sequences a follower delivered, and a way to wait until it has some number of them.
    final class Delivered: Sendable {
        private let state = Mutex<(sequences: [Int], waiters: [(Int, CheckedContinuation<Void, Never>)])>(([], []))

        var sequences: [Int] { state.withLock { $0.sequences } }

        func add(_ events: [StoredEvent]) {
            let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.sequences += events.map(\.sequence)
                let count = state.sequences.count
                let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
                state.waiters.removeAll { $0.0 <= count }
                return ready
            }
            ready.forEach { $0.resume() }
        }

        func wait(forCount count: Int) async {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.sequences.count >= count { return true }
                    state.waiters.append((count, continuation))
                    return false
                }
                if now { continuation.resume() }
            }
        }
    }

    /// A database of its own with run r1 on it, and two store instances on it: the writer (r1's owner) and a reader.
    static func twoInstances(on server: String? = TestPostgres.url, run: StoredRun = run("r1")) async throws
        -> (url: String, writer: PostgresRunStore, reader: PostgresRunStore)
    {
        let url = try await TestPostgres.freshDatabase(on: server)
        let writer = try await TestPostgres.store(url)
        let reader = try await TestPostgres.store(url)
        try await writer.createRun(run)
        return (url, writer, reader)
    }

    static func follow(_ store: PostgresRunStore, _ id: String, into delivered: Delivered) -> Task<StoredRun, any Error> {
        Task { try await StoredRunFollower(store: store, runId: id).follow(after: 0) { delivered.add($0) } }
    }

    @Test("Events appended by one instance reach the other's follower in order, each once, until the run ends")
    func followsAcrossInstances() async throws {
        let (_, writer, reader) = try await Self.twoInstances()
        let delivered = Delivered()
        let following = Self.follow(reader, "r1", into: delivered)
        var sequence = 0
        while sequence < 300 {
            let next = min(sequence + 7, 300)
            try await Self.append(writer, "r1", (sequence + 1)...next, state: next == 300 ? .completed : .running)
            sequence = next
        }
        let ended = try await following.value
        #expect(delivered.sequences == Array(1...300))
        #expect(ended.state == .completed)
        await writer.close()
        await reader.close()
    }

    @Test("A quiet run gets a beat each quiet interval, and none while events flow")
    func quietBeats() async throws {
        let (_, writer, reader) = try await Self.twoInstances()
        let delivered = Delivered()
        let beats = Mutex(0)
        let following = Task {
            try await StoredRunFollower(store: reader, runId: "r1", quiet: .milliseconds(100))
                .follow(after: 0, onQuiet: { beats.withLock { $0 += 1 } }) { delivered.add($0) }
        }
        try await Self.append(writer, "r1", 1...5)
        await delivered.wait(forCount: 5)
        try await Task.sleep(for: .milliseconds(650))
        let quiet = beats.withLock { $0 }
        #expect(quiet >= 2)
        try await Self.append(writer, "r1", 6...8, state: .completed)
        _ = try await following.value
        #expect(delivered.sequences == Array(1...8))
        await writer.close()
        await reader.close()
    }

    @Test("A follower that starts late, after a Last-Event-ID, gets the rest and nothing before it")
    func followsFromCursor() async throws {
        let (_, writer, reader) = try await Self.twoInstances()
        try await Self.append(writer, "r1", 1...20)
        let delivered = Delivered()
        let following = Task {
            try await StoredRunFollower(store: reader, runId: "r1").follow(after: 12) { delivered.add($0) }
        }
        await delivered.wait(forCount: 8)
        try await Self.append(writer, "r1", 21...25, state: .completed)
        _ = try await following.value
        #expect(delivered.sequences == Array(13...25))
        await writer.close()
        await reader.close()
    }

    @Test("After its listening connection is killed, the follower reconnects and catches up with nothing lost")
    func followsAcrossReconnect() async throws {
        let (url, writer, reader) = try await Self.twoInstances()
        let delivered = Delivered()
        let following = Self.follow(reader, "r1", into: delivered)
        try await Self.append(writer, "r1", 1...50)
        await delivered.wait(forCount: 50)
        // The first 50 may come from the follower's first read, before its listening connection is up: a busy
        // machine can take a while to open it, so it is looked for for up to 10 s.
        var killed = 0
        for _ in 0..<100 {
            killed = try await TestPostgres.administer(url) { connection in
                var killed = 0
                for try await (done,) in try await connection.query(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND query LIKE 'LISTEN%'
                    """, logger: TestPostgres.quiet
                ).decode((Bool.self,)) where done {
                    killed += 1
                }
                return killed
            }
            if killed > 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(killed == 1)
        try await Self.append(writer, "r1", 51...80)
        try await Self.append(writer, "r1", 81...100, state: .completed)
        _ = try await following.value
        #expect(delivered.sequences == Array(1...100))
        await writer.close()
        await reader.close()
    }

    @Test("PostgreSQL stopped and started again under a follower: it catches up with every event once")
    func followsAcrossServerRestart() async throws {
        let server = try await OwnPostgres.start()
        let (_, writer, reader) = try await Self.twoInstances(on: server.url)
        let delivered = Delivered()
        let following = Self.follow(reader, "r1", into: delivered)
        try await Self.append(writer, "r1", 1...40)
        await delivered.wait(forCount: 40)
        try await server.stop()
        try await server.restart()
        try await appendRetrying { try await Self.append(writer, "r1", 41...60) }
        try await Self.append(writer, "r1", 61...70, state: .completed)
        _ = try await following.value
        #expect(delivered.sequences == Array(1...70))
        await writer.close()
        await reader.close()
        await server.destroy()
    }

    @Test("A follower of a run that already ended delivers its events and returns")
    func followsFinishedRun() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        try await store.createRun(Self.run("r1"))
        try await Self.append(store, "r1", 1...5, state: .failed)
        let delivered = Delivered()
        let ended = try await Self.follow(store, "r1", into: delivered).value
        #expect(delivered.sequences == Array(1...5))
        #expect(ended.state == .failed)
        await store.close()
    }

    @Test("Following an unknown run is refused with .unknownRun")
    func followsUnknownRun() async throws {
        let store = try await TestPostgres.store(try await TestPostgres.freshDatabase())
        await #expect(throws: RunStoreError.unknownRun("nope")) {
            try await StoredRunFollower(store: store, runId: "nope").follow(after: 0) { _ in }
        }
        await store.close()
    }

    @Test("A run marked interrupted ends its followers")
    func interruptionEndsFollower() async throws {
        var run = Self.run("r1")
        run.leaseExpires = Date().addingTimeInterval(-1)
        let (_, writer, reader) = try await Self.twoInstances(run: run)
        let delivered = Delivered()
        let following = Self.follow(reader, "r1", into: delivered)
        try await Self.append(writer, "r1", 1...3)
        await delivered.wait(forCount: 3)
        #expect(try await writer.markInterrupted(leasesExpiredBefore: Date()) == ["r1"])
        #expect(try await following.value.state == .interrupted)
        await writer.close()
        await reader.close()
    }

    /// The pool needs a moment to notice the server is back; the writer (StoreWriter) retries the same way.
    private func appendRetrying(_ append: () async throws -> Void) async throws {
        for attempt in 1... {
            do {
                return try await append()
            } catch where attempt < 100 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import PostgresRunStore
import RunStore
import Synchronization

/// The cross-instance delay of a shared store: two store instances on one PostgreSQL, as two servers have them;
/// instance A writes many live runs in batches as a server's writer would, instance B follows every run through the
/// live feed (LISTEN/NOTIFY, then a read after its cursor). Delay: from A handing a batch to the store to B having it.
struct LiveStoreBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live-store",
        abstract: "Measure the cross-instance delay of the PostgreSQL store: p50/p99 from one instance's append to another's follower.",
        discussion: """
            Opens the store twice (two connection pools and listening connections, as two servers), creates --runs \
            runs on the first, and appends to all of them at once, each --batch events every --interval-ms (a \
            server's writer batching a run's tokens); a follower per run on the second delivers them. Checks every \
            run arrives in order with no gap or repeat, and prints the delay percentiles, the appends' events/s and \
            the store's size per million events. Use an empty database: the runs stay in it.
            """
    )

    @Option(help: "The PostgreSQL store, postgres://user:password@host:port/database?sslmode=disable.")
    var store: String

    @Option(help: "Live runs written and followed at the same time.")
    var runs = 100

    @Option(help: "Events per run.")
    var events = 400

    @Option(help: "Events per append (one batch of a server's writer).")
    var batch = 10

    @Option(name: .customLong("interval-ms"), help: "Milliseconds between one run's appends.")
    var intervalMilliseconds = 50

    func validate() throws {
        guard runs > 0, events > 0, batch > 0, intervalMilliseconds >= 0 else {
            throw ValidationError("--runs, --events and --batch must be positive, --interval-ms not negative")
        }
    }

    func run() async throws {
        warnIfDebugBuild()
        let writer = try await PostgresRunStore.open(url: store)
        let reader = try await PostgresRunStore.open(url: store)
        print("flowtop bench live-store: \(writer.description), \(runs) live runs × \(events) events, \(batch) per append "
            + "every \(intervalMilliseconds) ms; writer and follower are two store instances")
        let prefix = "bench-\(UUID().uuidString.prefix(8))"
        let ids = (0..<runs).map { "\(prefix)-\($0)" }
        for id in ids {
            try await writer.createRun(Self.run(id, state: .running, last: 0))
        }
        let sent = SendTimes()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try await withThrowingTaskGroup(of: FollowOutcome.self) { group in
            for id in ids {
                group.addTask {
                    var outcome = FollowOutcome()
                    var expected = 1
                    try await StoredRunFollower(store: reader, runId: id).follow(after: 0) { events in
                        let now = clock.now
                        for event in events {
                            if event.sequence != expected { outcome.disorder += 1 }
                            expected = event.sequence + 1
                            if let at = sent.take(id, event.sequence) { outcome.delays.append((now - at).seconds) }
                        }
                        outcome.delivered += events.count
                    }
                    return outcome
                }
            }
            // The followers subscribe before the writers start; a follower that has not yet read only catches up.
            try await Task.sleep(for: .milliseconds(200))
            try await withThrowingTaskGroup(of: Void.self) { writers in
                for id in ids {
                    writers.addTask { try await write(id, to: writer, sent: sent, clock: clock) }
                }
                try await writers.waitForAll()
            }
            let written = clock.now
            var total = FollowOutcome()
            for try await one in group {
                total.delivered += one.delivered
                total.disorder += one.disorder
                total.delays += one.delays
            }
            total.writeSeconds = (written - start).seconds
            return total
        }
        let delays = outcome.delays.sorted()
        func delay(_ p: Double) -> Double { percentile(delays, p) * 1000 }
        let statistics = try await writer.statistics()
        let perMillion = statistics.bytes.map { Double($0) / Double(max(1, statistics.events)) * 1_000_000 }
        print("  delivered \(outcome.delivered) of \(runs * events) events, out of order or repeated \(outcome.disorder); "
            + "appends \(formatRate(Double(runs * events) / outcome.writeSeconds)) events/s over \(format3(outcome.writeSeconds)) s")
        print("  cross-instance delay (append called → follower has it): p50 \(format3(delay(0.5))) ms, "
            + "p90 \(format3(delay(0.9))) ms, p99 \(format3(delay(0.99))) ms, max \(format3(delay(1))) ms")
        let appends = sent.appends.withLock { $0 }.sorted()
        func append(_ p: Double) -> Double { percentile(appends, p) * 1000 }
        print("  of which the append itself (called → committed): p50 \(format3(append(0.5))) ms, "
            + "p90 \(format3(append(0.9))) ms, p99 \(format3(append(0.99))) ms")
        // The in-run reference: PostgreSQL's own NOTIFY → LISTEN delay between two bare connections, right after.
        let reference = try await Self.notifyDelays(url: store).sorted()
        func notice(_ p: Double) -> Double { percentile(reference, p) * 1000 }
        print("  reference, a bare NOTIFY → LISTEN between two connections (\(reference.count) notices): "
            + "p50 \(format3(notice(0.5))) ms, p99 \(format3(notice(0.99))) ms; the store's p99 is "
            + "\(format3(delay(0.99) / max(0.001, notice(0.99))))× it")
        if let perMillion {
            print("  store: \(statistics.events) events, \(format3(perMillion / 1_048_576)) MiB per million events "
                + "(pg_total_relation_size of the tables, JSON of \(Self.eventJSON(sequence: 1).utf8.count) bytes each)")
        }
        await writer.close()
        await reader.close()
        if outcome.delivered != runs * events || outcome.disorder > 0 {
            throw BenchFailure("the followers did not get every event exactly once in order")
        }
    }

    private func write(_ id: String, to store: PostgresRunStore, sent: SendTimes, clock: ContinuousClock) async throws {
        var sequence = 0
        while sequence < events {
            let last = min(events, sequence + batch)
            let batchEvents = ((sequence + 1)...last).map { StoredEvent(sequence: $0, json: Self.eventJSON(sequence: $0)) }
            sent.record(id, batchEvents.map(\.sequence), at: clock.now)
            let called = clock.now
            try await store.appendEvents(
                StoredEventBatch(run: Self.run(id, state: last == events ? .completed : .running, last: last), events: batchEvents))
            let took = (clock.now - called).seconds
            sent.appends.withLock { $0.append(took) }
            sequence = last
            if intervalMilliseconds > 0 { try await Task.sleep(for: .milliseconds(intervalMilliseconds)) }
        }
    }

    /// How long a notice takes from `pg_notify` on one connection to a listener on another: 200 notices, 5 ms apart.
    static func notifyDelays(url: String) async throws -> [Double] {
        let configuration = try PostgresStoreAddress(url).connectionConfiguration()
        let logger = Logger(label: "flowtop-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let listener = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        let sender = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
        defer {
            Task {
                try? await listener.close()
                try? await sender.close()
            }
        }
        let count = 200
        let sent = SendTimes()
        let (ready, listening) = AsyncStream<Void>.makeStream()
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            group.addTask {
                try await listener.listen(on: "flowtop_bench_reference") { notifications in
                    listening.yield()
                    var delays: [Double] = []
                    for try await notification in notifications {
                        let now = ContinuousClock.now
                        if let number = Int(notification.payload), let at = sent.take("reference", number) {
                            delays.append((now - at).seconds)
                        }
                        if delays.count == count { break }
                    }
                    return delays
                }
            }
            var iterator = ready.makeAsyncIterator()
            _ = await iterator.next()
            try await Task.sleep(for: .milliseconds(100))
            for number in 0..<count {
                sent.record("reference", [number], at: ContinuousClock.now)
                try await sender.query("SELECT pg_notify('flowtop_bench_reference', \(String(number)))", logger: logger)
                try await Task.sleep(for: .milliseconds(5))
            }
            let delays = try await group.next() ?? []
            group.cancelAll()
            return delays
        }
    }

    /// A token delta as the flowtop wire writes it (about the size of a real one).
    static func eventJSON(sequence: Int) -> String {
        #"{"type":"agent_delta","sequence":\#(sequence),"agent":"writer","text":"token "}"#
    }

    static func run(_ id: String, state: StoredRunState, last: Int) -> StoredRun {
        StoredRun(
            id: id, workflow: "bench", prompt: "live-store", model: "scripted", state: state, started: Date(),
            agents: ["writer"], lastSequence: last, owner: "bench-writer", leaseExpires: Date().addingTimeInterval(600))
    }

    struct FollowOutcome: Sendable {
        var delivered = 0
        var disorder = 0
        var delays: [Double] = []
        var writeSeconds = 0.0
    }

    /// When each event was handed to the store, until its follower takes it.
    final class SendTimes: Sendable {
        private let times = Mutex<[String: [Int: ContinuousClock.Instant]]>([:])
        /// How long each append took, seconds.
        let appends = Mutex<[Double]>([])

        func record(_ id: String, _ sequences: [Int], at instant: ContinuousClock.Instant) {
            times.withLock { times in
                for sequence in sequences { times[id, default: [:]][sequence] = instant }
            }
        }

        func take(_ id: String, _ sequence: Int) -> ContinuousClock.Instant? {
            times.withLock { times in times[id]?.removeValue(forKey: sequence) }
        }
    }
}

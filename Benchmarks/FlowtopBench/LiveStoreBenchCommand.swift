import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import PostgresRunStore
import RunStore
import Synchronization
import WorkflowCore
import WorkflowServer

/// The cross-instance delay of a shared store: two store instances on one PostgreSQL, as two servers have them.
/// Instance A is a server's own writing path: a `RunRegistry` whose runs are published event by event into a
/// `StoreWriter`, which writes every run's batch of a pass in one transaction; instance B follows every run through
/// the live feed (LISTEN/NOTIFY, then a read after its cursor). Delay: from A publishing an event to B having it.
struct LiveStoreBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live-store",
        abstract: "Measure the cross-instance delay of the PostgreSQL store: p50/p99 from one server publishing an event to another's follower.",
        discussion: """
            Opens the store twice (two connection pools and listening connections, as two servers). On the first, \
            a run registry with the server's store writer runs --runs live runs at once, each publishing --batch \
            events every --interval-ms (a model streaming tokens); a follower per run on the second delivers them. \
            Checks every run arrives in order with no gap or repeat, and prints the delay percentiles, the events/s \
            published and the store's size per million events. Use an empty database: the runs stay in it.
            """
    )

    @Option(help: "The PostgreSQL store, postgres://user:password@host:port/database?sslmode=disable.")
    var store: String

    @Option(help: "Live runs written and followed at the same time.")
    var runs = 100

    @Option(help: "Events per run.")
    var events = 400

    @Option(help: "Events a run publishes at once.")
    var batch = 10

    @Option(name: .customLong("interval-ms"), help: "Milliseconds between one run's bursts of events.")
    var intervalMilliseconds = 50

    func validate() throws {
        guard runs > 0, events > 0, batch > 0, intervalMilliseconds >= 0 else {
            throw ValidationError("--runs, --events and --batch must be positive, --interval-ms not negative")
        }
    }

    func run() async throws {
        warnIfDebugBuild()
        let quiet = Logger(label: "flowtop-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let writerStore = try await PostgresRunStore.open(url: store, logger: quiet)
        let reader = try await PostgresRunStore.open(url: store, logger: quiet)
        let journal = StoreWriter(store: writerStore, settings: StoreSettings(), logger: quiet)
        try await journal.start()
        let registry = RunRegistry(
            configuration: ServerConfiguration(eventBufferLimit: events + 16), logger: quiet, journal: journal)
        print("flowtop bench live-store: \(writerStore.description), \(runs) live runs × \(events) events, \(batch) at "
            + "once every \(intervalMilliseconds) ms; a server's registry and store writer publish, a second store "
            + "instance follows")
        let prefix = "bench-\(UUID().uuidString.prefix(8))"
        let ids = (0..<runs).map { "\(prefix)-\($0)" }
        // Each run's first two events open it; the followers start once every run's row is stored.
        for id in ids {
            registry.publishTraced(runId: id, events: [
                Self.event(1, .runStarted(.init(runId: id, workflow: "bench", participants: ["writer"]))),
                Self.event(2, .agentStarted(agent: "writer")),
            ])
        }
        for id in ids {
            while try await reader.run(id: id)?.lastSequence != 2 { try await Task.sleep(for: .milliseconds(20)) }
        }
        let sent = SendTimes()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try await withThrowingTaskGroup(of: FollowOutcome.self) { group in
            for id in ids {
                group.addTask {
                    var outcome = FollowOutcome()
                    var expected = 3
                    try await StoredRunFollower(store: reader, runId: id).follow(after: 2) { events in
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
            // The followers subscribe before the runs go on; a follower that has not yet read only catches up.
            try await Task.sleep(for: .milliseconds(200))
            try await withThrowingTaskGroup(of: Void.self) { publishers in
                for id in ids {
                    publishers.addTask { try await publish(id, into: registry, sent: sent, clock: clock) }
                }
                try await publishers.waitForAll()
            }
            let published = clock.now
            var total = FollowOutcome()
            for try await one in group {
                total.delivered += one.delivered
                total.disorder += one.disorder
                total.delays += one.delays
            }
            total.writeSeconds = (published - start).seconds
            return total
        }
        await journal.finish()
        let delays = outcome.delays.sorted()
        func delay(_ p: Double) -> Double { percentile(delays, p) * 1000 }
        let statistics = try await reader.statistics()
        let perMillion = statistics.bytes.map { Double($0) / Double(max(1, statistics.events)) * 1_000_000 }
        print("  delivered \(outcome.delivered) of \(runs * events) events, out of order or repeated \(outcome.disorder); "
            + "published \(formatRate(Double(runs * events) / outcome.writeSeconds)) events/s over \(format3(outcome.writeSeconds)) s")
        print("  cross-instance delay (published on A → follower on B has it): p50 \(format3(delay(0.5))) ms, "
            + "p90 \(format3(delay(0.9))) ms, p99 \(format3(delay(0.99))) ms, max \(format3(delay(1))) ms")
        // The in-run reference: PostgreSQL's own NOTIFY → LISTEN delay between two bare connections, right after.
        let reference = try await Self.notifyDelays(url: store).sorted()
        func notice(_ p: Double) -> Double { percentile(reference, p) * 1000 }
        print("  reference, a bare NOTIFY → LISTEN between two connections (\(reference.count) notices): "
            + "p50 \(format3(notice(0.5))) ms, p99 \(format3(notice(0.99))) ms; the store's p99 is "
            + "\(format3(delay(0.99) / max(0.001, notice(0.99))))× it")
        if let perMillion {
            print("  store: \(statistics.events) events, \(format3(perMillion / 1_048_576)) MiB per million events "
                + "(pg_total_relation_size of the tables)")
        }
        await reader.close()
        if outcome.delivered != runs * events || outcome.disorder > 0 {
            throw BenchFailure("the followers did not get every event exactly once in order")
        }
    }

    /// One run's events after its first two: bursts of `batch` token deltas, the last event its completion.
    private func publish(_ id: String, into registry: RunRegistry, sent: SendTimes, clock: ContinuousClock) async throws {
        var sequence = 2
        let last = events + 2
        while sequence < last {
            let through = min(last, sequence + batch)
            let burst = ((sequence + 1)...through).map { number in
                number == last
                    ? Self.event(number, .runCompleted(finalAgent: "writer", usage: .zero, durationMs: 1))
                    : Self.event(number, .textDelta(agent: "writer", messageId: "m1", text: "token "))
            }
            sent.record(id, burst.map(\.sequence), at: clock.now)
            registry.publishTraced(runId: id, events: burst)
            sequence = through
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

    static func event(_ sequence: Int, _ kind: WorkflowEvent.Kind) -> WorkflowEvent {
        WorkflowEvent(sequence: sequence, timestamp: Date().timeIntervalSince1970, kind: kind)
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

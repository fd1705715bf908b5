import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import RunStore
import RunStoreOpening

/// Load test of the workflow server over loopback: a server process per phase (the scripted model at full speed),
/// N concurrent streams from this process, events/s delivered, time to first event, the server's memory.
struct ServeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Load-test the workflow server over loopback and print events/s, time to first event and server memory.",
        discussion: """
            Each phase starts `flowtop-bench serve-child --port 0` (WorkflowServer on the scripted model) as a \
            child process, so its memory is its own, opens the given number of concurrent POST \
            /api/workflow/stream requests and reads every stream to its `done` event. Every answer is a fixed \
            number of tokens, chosen so each phase delivers about --events events. Reference: the same number of \
            bytes read from a loopback socket with plain read(2) calls.
            """
    )

    @Option(help: "Comma-separated numbers of concurrent streams, one phase each.")
    var streams = "1,100,1000"

    @Option(help: "Events to deliver per phase (split across its streams).")
    var events = 1_000_000

    @Option(help: "A store to measure against memory: each phase runs twice, in memory and on the store. sqlite:PATH: a new file at PATH (which must not exist; it is removed after each phase); postgres://…: a database with no runs (they are deleted after each phase).")
    var store: StoreLocation = .memory

    @Option(help: "Rounds of each phase: with a store, memory and the store alternate this many times and the median ratio is given (a phase of 100 k events lasts a fraction of a second, and one round varies by half from the next on a shared machine).")
    var rounds = 1

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 && $0 <= 5000 }) else {
            throw ValidationError("--streams takes numbers from 1 to 5000, e.g. 1,100,1000")
        }
        guard events >= 1000 else { throw ValidationError("--events must be at least 1000") }
        switch store {
        case .memory: break
        case let .sqlite(path):
            guard !FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("--store \(store): the file exists; the benchmark writes a new one")
            }
        case .postgres: break
        }
    }

    var counts: [Int] { streams.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        warnIfDebugBuild()
        print("flowtop bench serve: loopback, scripted model at full speed, research-writer workflow (2 agents)")
        // One event-loop thread for all the client's streams (see StreamLoadClient).
        try await StreamLoadClient.withEventLoop { group in try await phases(group: group) }
    }

    private func phases(group: MultiThreadedEventLoopGroup) async throws {
        if case .postgres = store, try await Self.storedStatistics(store, emptying: false).runs > 0 {
            throw BenchFailure("--store \(store) holds runs: give the benchmark a database of its own")
        }
        for count in counts {
            var ratios: [Double] = []
            for round in 1...rounds {
                if rounds > 1 { print("  round \(round) of \(rounds):") }
                let memory = try await measure(group: group, streams: count, store: .memory)
                if store == .memory { continue }
                let stored = try await measure(group: group, streams: count, store: store)
                // PostgreSQL keeps a deleted phase's space until it vacuums: its size is the first phase's only.
                let showingSize = if case .postgres = store { count == counts.first && round == 1 } else { round == 1 }
                ratios.append(try await compare(stored, against: memory, showingSize: showingSize))
            }
            if ratios.count > 1 {
                let sorted = ratios.sorted()
                print("    \(count) stream\(count == 1 ? "" : "s"), \(store) against memory over \(rounds) rounds: median "
                    + "\(Int((percentile(sorted, 0.5) * 100).rounded())) % (rounds: "
                    + ratios.map { "\(Int(($0 * 100).rounded())) %" }.joined(separator: ", ") + "; target >= \(target) %)")
            }
        }
    }

    private var target: Int { if case .postgres = store { 50 } else { 70 } }

    /// Prints a store phase against the memory phase before it, with what the store kept, and empties the store
    /// for the next phase; returns the ratio of their rates.
    /// `showingSize`: whether the store's size per event is this phase's own (a later phase's, on PostgreSQL,
    /// counts the space of the phases before it).
    private func compare(
        _ stored: (rate: Double, events: Int), against memory: (rate: Double, events: Int), showingSize: Bool
    ) async throws -> Double {
        let statistics = try await Self.storedStatistics(store, emptying: true)
        if case let .sqlite(path) = store {
            for file in [path, path + "-wal", path + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
        }
        let ratio = stored.rate / memory.rate
        // A writer that fell more than its buffer behind let events go (the runs are marked incompletely
        // stored): the ratio is only a store's figure when it kept every event.
        let lost = max(0, stored.events - statistics.events)
        let kept = lost == 0
            ? "every event stored"
            : "\(formatRate(Double(lost))) of \(formatRate(Double(stored.events))) events NOT stored (the writer fell more than its buffer behind)"
        let perMillion = Double(statistics.bytes ?? 0) / Double(max(1, statistics.events)) * 1_000_000
        print("    \(store) against memory: \(formatRate(stored.rate)) / \(formatRate(memory.rate)) events/s = "
            + "\(Int((ratio * 100).rounded())) % (target >= \(target) %), \(kept); stored \(formatRate(Double(statistics.events))) "
            + "events of \(statistics.runs) runs"
            + (showingSize
                ? " in \(format3(Double(statistics.bytes ?? 0) / 1_048_576)) MiB = \(format3(perMillion / 1_048_576)) MiB per million events"
                : ""))
        return ratio
    }

    /// What a phase left in the store (its server has stopped and written everything); `emptying` then deletes
    /// its runs, so the next phase starts from nothing.
    static func storedStatistics(_ location: StoreLocation, emptying: Bool) async throws -> RunStoreStatistics {
        guard let store = try await location.open(logger: .init(label: "flowtop-bench")) else {
            return RunStoreStatistics(runs: 0, events: 0, bytes: nil)
        }
        let statistics = try await store.statistics()
        if emptying {
            // Every run goes, a run the stopped phase left `running` too (prune keeps running runs), or its
            // events would count in the next phase's figures.
            _ = try await store.markInterrupted(leasesExpiredBefore: .distantFuture)
            _ = try await store.prune(olderThan: nil, keepingAtMost: 0)
        }
        await store.close()
        return statistics
    }

    /// One phase: a server on `store`, `streams` clients; prints its line and returns its events/s.
    private func measure(group: MultiThreadedEventLoopGroup, streams count: Int, store: StoreLocation) async throws
        -> (rate: Double, events: Int)
    {
        // Two agents answer per run; each token is one event. A stream gets at most 100,000 tokens per answer:
        // the scripted model writes far faster than any reader, and a reader that falls too far behind a run
        // has its stream ended (see docs/PERFORMANCE.md).
        let tokens = min(100_000, max(50, events / (2 * count)))
        let server = try BenchServerProcess(answerTokens: tokens, maxRuns: count + 10, store: store)
        defer { server.stop() }
        // One run first, as a server in service has had: the measured phase then times serving streams, not
        // the new process's first-use costs (lazy initialisation, page faults, thread start-up).
        let warmUp = await StreamLoadClient.stream(port: server.port, group: group)
        guard warmUp.ok else { throw BenchFailure("the warm-up request failed") }
        let result = try await phase(group: group, port: server.port, streams: count, server: server)
        let ttfb = result.ttfb.sorted()
        func percentile(_ p: Double) -> Double { flowtop_bench.percentile(ttfb, p) * 1000 }
        print("  \(count) stream\(count == 1 ? "" : "s") × \(2 * tokens) tokens, store \(store): "
            + "\(formatRate(Double(result.events))) events in \(format3(result.seconds)) s = "
            + "\(formatRate(Double(result.events) / result.seconds)) events/s; "
            + "first event p50 \(format3(percentile(0.5))) ms, p99 \(format3(percentile(0.99))) ms; "
            + "errors \(result.errors); server RSS peak \(format3(Double(result.peakRSS) / 1_048_576)) MiB")
        // The same bytes over one raw loopback socket, as the in-run reference.
        let reference = try RawLoopbackRead.seconds(of: [UInt8](repeating: 0x61, count: result.bytes))
        print("    reference, a raw loopback read of the same \(format3(Double(result.bytes) / 1_048_576)) MiB: "
            + "\(format3(reference * 1000)) ms; the phase takes \(Reference.ratio(result.seconds, to: reference))")
        // Every event the server sent, the warm-up's too: what a complete store holds.
        return (Double(result.events) / result.seconds, result.events + warmUp.events)
    }

    struct PhaseResult {
        var events = 0
        var bytes = 0
        var errors = 0
        var ttfb: [Double] = []
        var seconds = 0.0
        var peakRSS = 0
    }

    private func phase(group: MultiThreadedEventLoopGroup, port: Int, streams: Int, server: BenchServerProcess) async throws -> PhaseResult {
        let clock = ContinuousClock()
        let start = clock.now
        let sampler = Task { () -> Int in
            var peak = 0
            while !Task.isCancelled {
                peak = max(peak, server.residentBytes())
                try? await Task.sleep(for: .milliseconds(20))
            }
            return peak
        }
        var result = PhaseResult()
        await withTaskGroup(of: StreamLoadClient.Result.self) { tasks in
            for _ in 0..<streams {
                tasks.addTask { await StreamLoadClient.stream(port: port, group: group) }
            }
            for await one in tasks {
                result.events += one.events
                result.bytes += one.bytes
                if let first = one.firstEvent { result.ttfb.append(first) }
                if !one.ok { result.errors += 1 }
            }
        }
        result.seconds = (clock.now - start).seconds
        sampler.cancel()
        result.peakRSS = max(await sampler.value, server.residentBytes())
        if result.ttfb.isEmpty { result.ttfb = [0] }
        return result
    }
}

/// `flowtop-bench serve-child` (the workflow server on the scripted model) as a child process on a free loopback
/// port, so its memory is measured apart from the client's.
final class BenchServerProcess: Sendable {
    let port: Int
    private let process: Process

    init(answerTokens: Int, maxRuns: Int, store: StoreLocation = .memory) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "serve-child", "--port", "0", "--max-runs", String(maxRuns), "--answer-tokens", String(answerTokens),
            // The location as given: `description` shows a password as ***.
            "--store", { if case let .postgres(url) = store { url } else { store.description } }(),
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        self.process = process
        // The first line says where it listens: "flowtop serve: listening on http://127.0.0.1:PORT (...)".
        var line: [UInt8] = []
        let handle = output.fileHandleForReading
        while !line.contains(0x0A) {
            let data = handle.availableData
            if data.isEmpty { break }
            line += data
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "http://127.0.0.1:"),
              let port = Int(text[range.upperBound...].prefix { $0.isNumber })
        else {
            process.terminate()
            throw BenchFailure("the server did not start: \(text)")
        }
        self.port = port
    }

    /// Resident memory (VmRSS) of the server, in bytes.
    func residentBytes() -> Int {
        flowtop_bench.residentBytes(ofProcess: String(process.processIdentifier))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

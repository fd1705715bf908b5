import ArgumentParser
import NIOCore
import NIOPosix
import Synchronization

/// Many short runs back to back against one server, watching its memory: what a server in service for days sees.
/// A server that keeps something per finished run shows it here as RSS that grows with the runs completed.
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Keep a server busy with short runs from many clients and print its memory as the runs add up.",
        discussion: """
            Starts `flowtop-bench serve-child` on the instant scripted model, then --clients clients each make \
            one short run after another (POST /api/workflow/stream, read to `done`) for --seconds. Every \
            --interval seconds it prints the elapsed time, runs completed, runs/s and the server's VmRSS; at the \
            end the RSS growth per 1,000 runs, counted from after a warm-up round of one run per client.
            """
    )

    @Option(help: "How long to keep the clients running.")
    var seconds = 120

    @Option(help: "Concurrent clients.")
    var clients = 50

    @Option(name: .customLong("answer-tokens"), help: "Tokens in every scripted answer (two answers a run).")
    var answerTokens = 20

    @Option(help: "Seconds between progress lines.")
    var interval = 5

    func validate() throws {
        guard seconds > 0, clients > 0, clients <= 1000, answerTokens > 0, interval > 0 else {
            throw ValidationError("--seconds, --answer-tokens and --interval must be positive, --clients 1...1000")
        }
    }

    func run() async throws {
        warnIfDebugBuild()
        try await StreamLoadClient.withEventLoop { group in try await soak(group: group) }
    }

    private func soak(group: MultiThreadedEventLoopGroup) async throws {
        let server = try BenchServerProcess(answerTokens: answerTokens, maxRuns: clients + 10)
        defer { server.stop() }
        print("flowtop bench soak: \(clients) clients, short runs (\(2 * answerTokens) tokens) back to back for \(seconds) s")
        // A warm-up round, so the baseline already holds what serving this many streams at once needs.
        let warmUp = await withTaskGroup(of: Bool.self) { tasks in
            for _ in 0..<clients { tasks.addTask { await StreamLoadClient.stream(port: server.port, group: group).ok } }
            return await tasks.reduce(true) { $0 && $1 }
        }
        guard warmUp else { throw BenchFailure("the warm-up runs failed") }
        let baseline = server.residentBytes()
        print("  after warm-up: server VmRSS \(mebibytes(baseline)) MiB")

        let counts = RunCounts()
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        let interval = self.interval
        let reporter = Task {
            var last = (time: start, runs: 0)
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                if Task.isCancelled { break }
                let now = clock.now
                let runs = counts.completed.load(ordering: .relaxed)
                let rate = Double(runs - last.runs) / (now - last.time).seconds
                print("  \(format3((now - start).seconds)) s: \(runs) runs, \(format3(rate)) runs/s, "
                    + "server VmRSS \(mebibytes(server.residentBytes())) MiB")
                last = (now, runs)
            }
        }
        await withTaskGroup(of: Void.self) { tasks in
            for _ in 0..<clients {
                tasks.addTask {
                    while clock.now < deadline {
                        let result = await StreamLoadClient.stream(port: server.port, group: group)
                        if result.ok {
                            counts.completed.add(1, ordering: .relaxed)
                        } else {
                            counts.failed.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }
        reporter.cancel()
        let elapsed = (clock.now - start).seconds
        let runs = counts.completed.load(ordering: .relaxed)
        let final = server.residentBytes()
        print("  done: \(runs) runs in \(format3(elapsed)) s (\(format3(Double(runs) / elapsed)) runs/s), "
            + "\(counts.failed.load(ordering: .relaxed)) failed; server VmRSS \(mebibytes(final)) MiB")
        let growth = runs > 0 ? Double(final - baseline) / Double(runs) * 1000 : 0
        print("  RSS growth per 1,000 runs: \(format3(growth / 1024)) KiB (\(mebibytes(baseline)) → \(mebibytes(final)) MiB)")
    }

    private func mebibytes(_ bytes: Int) -> String { format3(Double(bytes) / 1_048_576) }
}

/// Runs finished by all clients, counted from any task.
private final class RunCounts: Sendable {
    let completed = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
}

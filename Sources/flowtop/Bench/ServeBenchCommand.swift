import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// Load test of `flowtop serve` over loopback: a server process per phase (the scripted model at full speed),
/// N concurrent streams from this process, events/s delivered, time to first event, the server's memory.
struct ServeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Load-test flowtop serve over loopback and print events/s, time to first event and server memory.",
        discussion: """
            Each phase starts `flowtop serve --port 0` as a child process (so its memory is its own), opens the \
            given number of concurrent POST /api/workflow/stream requests and reads every stream to its `done` \
            event. Every answer is a fixed number of tokens, chosen so each phase delivers about --events events.
            """
    )

    @Option(help: "Comma-separated numbers of concurrent streams, one phase each.")
    var streams = "1,100,1000"

    @Option(help: "Events to deliver per phase (split across its streams).")
    var events = 1_000_000

    func validate() throws {
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 && $0 <= 5000 }) else {
            throw ValidationError("--streams takes numbers from 1 to 5000, e.g. 1,100,1000")
        }
        guard events >= 1000 else { throw ValidationError("--events must be at least 1000") }
    }

    var counts: [Int] { streams.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        warnIfDebugBuild()
        print("flowtop bench serve: loopback, scripted model at full speed, research-writer workflow (2 agents)")
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 6000)
        configuration.timeout = .init(connect: .seconds(30), read: .seconds(120))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await phases(client: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func phases(client: HTTPClient) async throws {
        for count in counts {
            // Two agents answer per run; each token is one event. A stream gets at most 100,000 tokens per answer:
            // the scripted model writes far faster than any reader, and a reader that falls too far behind a run
            // has its stream ended (see docs/PERFORMANCE.md).
            let tokens = min(100_000, max(50, events / (2 * count)))
            let server = try BenchServerProcess(answerTokens: tokens, maxRuns: count + 10)
            defer { server.stop() }
            let result = try await phase(client: client, port: server.port, streams: count, server: server)
            let ttfb = result.ttfb.sorted()
            func percentile(_ p: Double) -> Double { ttfb[min(ttfb.count - 1, Int(Double(ttfb.count) * p))] * 1000 }
            print("  \(count) stream\(count == 1 ? "" : "s") × \(2 * tokens) tokens: "
                + "\(formatRate(Double(result.events))) events in \(format3(result.seconds)) s = "
                + "\(formatRate(Double(result.events) / result.seconds)) events/s; "
                + "first event p50 \(format3(percentile(0.5))) ms, p99 \(format3(percentile(0.99))) ms; "
                + "errors \(result.errors); server RSS peak \(format3(Double(result.peakRSS) / 1_048_576)) MiB")
        }
    }

    struct PhaseResult {
        var events = 0
        var errors = 0
        var ttfb: [Double] = []
        var seconds = 0.0
        var peakRSS = 0
    }

    private func phase(client: HTTPClient, port: Int, streams: Int, server: BenchServerProcess) async throws -> PhaseResult {
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
        await withTaskGroup(of: (events: Int, ttfb: Double?, ok: Bool).self) { group in
            for _ in 0..<streams {
                group.addTask { await Self.stream(client: client, port: port) }
            }
            for await one in group {
                result.events += one.events
                if let ttfb = one.ttfb { result.ttfb.append(ttfb) }
                if !one.ok { result.errors += 1 }
            }
        }
        result.seconds = (clock.now - start).seconds
        sampler.cancel()
        result.peakRSS = max(await sampler.value, server.residentBytes())
        if result.ttfb.isEmpty { result.ttfb = [0] }
        return result
    }

    /// One stream read to its end: events counted by their blank-line terminators.
    private static func stream(client: HTTPClient, port: Int) async -> (events: Int, ttfb: Double?, ok: Bool) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/workflow/stream")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"message":"Research Seattle weather and create a report"}"#))
        let clock = ContinuousClock()
        let start = clock.now
        var ttfb: Double?
        var events = 0
        var previous: UInt8 = 0
        var tail: [UInt8] = []
        do {
            let response = try await client.execute(request, timeout: .seconds(300))
            guard response.status == .ok else { return (0, nil, false) }
            for try await chunk in response.body {
                if ttfb == nil { ttfb = (clock.now - start).seconds }
                chunk.withUnsafeReadableBytes { bytes in
                    for byte in bytes {
                        if byte == 0x0A && previous == 0x0A { events += 1 }
                        previous = byte
                    }
                    tail = Array(bytes.suffix(200))
                }
            }
        } catch {
            return (events, ttfb, false)
        }
        let ended = String(decoding: tail, as: UTF8.self).contains("event: done")
        return (events, ttfb, ended)
    }
}

/// `flowtop serve` as a child process on a free loopback port.
final class BenchServerProcess: Sendable {
    let port: Int
    private let process: Process

    init(answerTokens: Int, maxRuns: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "serve", "--port", "0", "--pace", "instant", "--max-runs", String(maxRuns),
            "--scripted-answer-tokens", String(answerTokens), "--log-level", "warning",
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
            throw CommandLineFailure("the server did not start: \(text)")
        }
        self.port = port
    }

    /// Resident memory (VmRSS) of the server, in bytes.
    func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        return kilobytes * 1024
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

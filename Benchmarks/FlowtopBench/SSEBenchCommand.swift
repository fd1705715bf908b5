import ArgumentParser
import EventStream

struct SSEBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sse",
        abstract: "Parse generated LLM-style event streams held in memory and print MB/s and events/s.",
        discussion: """
            Two streams: typical token events (`id: N` + `data: {"agent":…,"text":" word"}`, a tool-call event \
            every 100 and a `: keepalive` every 500), and large events of 4 KiB of data each. Both are fed to the \
            parser in chunks of --chunk-size bytes, as a socket would deliver them; the figure is the median of \
            --runs runs. A bare memchr newline scan of the same bytes is printed as the ceiling.
            """
    )

    @Option(help: "Token events in the token stream.")
    var tokenEvents = 2_000_000

    @Option(help: "Events in the large-event stream.")
    var largeEvents = 50_000

    @Option(help: "Bytes handed to the parser at a time.")
    var chunkSize = 64 * 1024

    @Option(help: "Runs per stream; the median is reported.")
    var runs = 7

    func validate() throws {
        guard tokenEvents > 0, largeEvents > 0, chunkSize > 0, runs > 0 else {
            throw ValidationError("counts and sizes must be positive")
        }
    }

    func run() throws {
        warnIfDebugBuild()
        print("flowtop bench sse: \(runs) runs each, median; chunks of \(chunkSize) bytes")
        let token = SSEBenchStreams.tokens(count: tokenEvents)
        let large = SSEBenchStreams.large(count: largeEvents, dataSize: 4096)
        try measure(name: "token stream", bytes: token.bytes, expectedEvents: token.events)
        try measure(name: "4 KiB events", bytes: large.bytes, expectedEvents: large.events)
    }

    private func measure(name: String, bytes: [UInt8], expectedEvents: Int) throws {
        var events = 0
        var dataBytes = 0
        let parse = try Stopwatch.median(runs: runs) {
            var parser = SSEParser()
            events = 0
            dataBytes = 0
            try bytes.withUnsafeBufferPointer { all in
                var offset = 0
                while offset < all.count {
                    let length = min(chunkSize, all.count - offset)
                    try parser.parse(UnsafeBufferPointer(rebasing: all[offset..<offset + length])) { event in
                        events += 1
                        dataBytes &+= event.data.utf8.count
                    }
                    offset += length
                }
            }
        }
        guard events == expectedEvents else {
            throw BenchFailure("\(name): parsed \(events) events, expected \(expectedEvents)")
        }
        var newlines = 0
        let scan = Stopwatch.median(runs: runs) {
            newlines = SSEBenchStreams.countNewlines(bytes)
        }
        let seconds = parse.seconds
        let megabytes = Double(bytes.count) / 1e6
        print(
            "  \(name): \(formatRate(Double(events))) events, \(format3(megabytes)) MB, "
                + "\(format3(Double(dataBytes) / 1e6)) MB of data")
        print(
            "    parse   \(format3(megabytes / seconds)) MB/s   \(formatRate(Double(events) / seconds)) events/s   "
                + "(\(format3(seconds * 1e9 / Double(events))) ns/event)")
        print(
            "    memchr  \(format3(megabytes / scan.seconds)) MB/s   (\(newlines) newlines; the scan-only ceiling, the "
                + "in-run reference: parsing takes \(Reference.ratio(seconds, to: scan.seconds)))")
    }
}

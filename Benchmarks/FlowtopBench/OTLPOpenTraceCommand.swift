import ArgumentParser
import Foundation
import Logging
import TraceIngest
import TraceRunBuilder
import WorkflowServer

/// What an open trace costs in memory: the benchmark's traces fed to a receiver in this process, none allowed to
/// end, with the resident memory measured before and after (what a process pays, fragmentation included): once with the events dropped (the
/// trace's assembly alone) and once delivered to a run registry as `serve` does (its run record too).
struct OTLPOpenTraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otlp-open",
        abstract: "Measure the heap an open (not yet settled) trace holds, with and without its run record."
    )

    @Option(help: "Traces to hold open.")
    var traces = 20_000

    @Flag(help: "Deliver the events to a run registry, as serve does (measured in a process of its own: freed memory is reused).")
    var withRecord = false

    func run() async throws {
        warnIfDebugBuild()
        let spans = traces * OTLPBenchTraces.spansPerTrace
        let bodies = OTLPBenchTraces.batches(spans: spans, batchSize: 512).map { Array($0.readableBytesView) }
        let limits = TraceRuns.Limits(maxOpenTraces: traces * 2, idleTimeout: 1e9, settleDelay: 1e9)
        print("flowtop bench otlp-open: \(traces) open traces of \(OTLPBenchTraces.spansPerTrace) spans")
        // The reference: what the same trace is on the wire (its share of the protobuf requests).
        let wire = bodies.reduce(0) { $0 + $1.count } / traces
        print("  reference, the trace as protobuf on the wire: \(wire) bytes")

        guard withRecord else {
            let alone = residentGrowth {
                let receiver = TraceReceiver(limits: limits, deliver: { _ in })
                for body in bodies { _ = try? receiver.export(body, encoding: .protobuf) }
                return receiver
            }
            print("  the assembly alone: \(alone / traces) bytes a trace, \(format3(Double(alone) / Double(traces * wire)))× the wire")
            return
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let registry = RunRegistry(configuration: ServerConfiguration(maxConcurrentRuns: 16), logger: logger)
        let grown = residentGrowth {
            let receiver = TraceReceiver(limits: limits) { updates in
                for update in updates { registry.publishTraced(runId: update.runId, events: update.events) }
            }
            for body in bodies { _ = try? receiver.export(body, encoding: .protobuf) }
            return receiver
        }
        print("  with its run record: \(grown / traces) bytes a trace, \(format3(Double(grown) / Double(traces * wire)))× the wire "
            + "(\(registry.list().count) runs listed)")
    }

    /// How much the resident memory grew while `build` made what it returns (kept alive until measured).
    private func residentGrowth(_ build: () -> AnyObject) -> Int {
        let before = residentBytes()
        let kept = build()
        let after = residentBytes()
        withExtendedLifetime(kept) {}
        return after - before
    }
}

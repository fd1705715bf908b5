import ArgumentParser
import Dashboard
import DashboardApp
import EventStream
import Foundation
import RemoteStream
import Synchronization
import Wire
import WorkflowCore
#if canImport(Glibc)
import Glibc
#endif

struct AttachBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach to a local server streaming flowtop events and time ingestion and latency to the screen.",
        discussion: """
            A server thread in this process writes flowtop-dialect text events over a loopback socket; attach reads \
            them (AsyncHTTPClient, SSE parser, wire decoder) into the dashboard's inbox, and the dashboard's own \
            loop (DashboardLoop) runs on the in-memory terminal: it drains the inbox into DashboardState and \
            renders DashboardView at most every 16 ms (headless: the frame is drawn into a cell grid, not through \
            ncurses). Throughput: --events at full speed. Latency: --latency-events at --rate events/s, from the \
            server's write to the end of the frame that shows the event. Reference: the same bytes read from the \
            same kind of socket with plain read(2) calls.
            """
    )

    @Option(help: "Events for the throughput run.")
    var events = 1_000_000

    @Option(name: .customLong("latency-events"), help: "Events for the latency run.")
    var latencyEvents = 5_000

    @Option(help: "Events per second in the latency run.")
    var rate = 2_000

    @Option(help: "The stream's dialect for the throughput run: flowtop, or agui and devui shaped as Agent Framework sends them.")
    var dialect: BenchDialect = .flowtop

    func validate() throws {
        guard events > 0, latencyEvents > 0, rate > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() async throws {
        warnIfDebugBuild()
        let throughput = try await Self.measure(events: events, rate: nil, dialect: dialect)
        print("flowtop bench attach: \(dialect.rawValue)-dialect text events over loopback into the dashboard (headless, ≤60 fps)")
        print("  throughput: \(formatRate(Double(events) / throughput.seconds)) events/s ingested "
            + "(\(formatRate(Double(events))) events in \(format3(throughput.seconds)) s, \(throughput.frames) frames rendered, "
            + "\(format3(Double(throughput.bytes) / throughput.seconds / 1_048_576)) MiB/s)")
        print("  reference, a raw loopback read of the same \(format3(Double(throughput.bytes) / 1_048_576)) MiB: "
            + "\(format3(throughput.referenceSeconds * 1000)) ms; attach takes \(Reference.ratio(throughput.seconds, to: throughput.referenceSeconds))")
        guard dialect == .flowtop else { return }  // sequence numbers match the server's only in flowtop's dialect
        let latency = try await Self.measure(events: latencyEvents, rate: rate, dialect: .flowtop)
        let sorted = latency.latencies.sorted()
        func percentile(_ p: Double) -> String {
            sorted.isEmpty ? "n/a" : format3(flowtop_bench.percentile(sorted, p) * 1000) + " ms"
        }
        print("  latency, server write → frame shown, \(latencyEvents) events at \(rate)/s: "
            + "p50 \(percentile(0.5)), p99 \(percentile(0.99)), max \(percentile(1.0)) (\(latency.frames) frames)")
    }

    struct Result {
        var seconds: Double
        var frames: Int
        var bytes: Int
        var latencies: [Double]
        /// The raw loopback read of the same bytes (throughput runs only).
        var referenceSeconds = 0.0
    }

    /// Streams `events` text events (paced at `rate`/s, or as fast as the socket takes them) and runs them through
    /// the attach path and a dashboard UI thread.
    static func measure(events: Int, rate: Int?, dialect: BenchDialect) async throws -> Result {
        let clock = ContinuousClock()
        let origin = clock.now
        let sendTimes = SendTimes(count: events + 3)
        let server = try LoopbackSSEServer()
        let totalBytes = Atomic<Int>(0)
        // The body is made before the clock starts (at full speed) so the server thread only writes.
        let agent = "Writer"
        @Sendable func event(_ sequence: Int, _ kind: WorkflowEvent.Kind) -> [UInt8] {
            Array("id: \(sequence)\ndata: ".utf8)
                + Array(FlowtopWireFormat.json(for: WorkflowEvent(sequence: sequence, timestamp: 0, kind: kind)).utf8) + [10, 10]
        }
        let head = dialect == .flowtop
            ? event(1, .runStarted(.init(runId: "bench", workflow: "bench", participants: [agent]))) : dialect.head(agent: agent)
        let tail = dialect == .flowtop
            ? event(events + 2, .runCompleted(finalAgent: agent, usage: .zero, durationMs: 0)) : dialect.tail(agent: agent)
        let body: [UInt8]? = rate == nil
            ? (0..<events).reduce(into: head) { bytes, index in
                let text = index % 12 == 11 ? " rain.\n" : " rain"
                bytes += dialect == .flowtop
                    ? event(index + 2, .textDelta(agent: agent, messageId: "m", text: text))
                    : dialect.delta(text, agent: agent, sequence: index + 3)
            } + tail
            : nil
        server.serveOnce { write in
            if let body {
                var offset = 0
                while offset < body.count {
                    let end = min(body.count, offset + 64 * 1024)
                    write(Array(body[offset..<end]))
                    offset = end
                }
                totalBytes.store(body.count, ordering: .relaxed)
                return
            }
            var sent = head.count
            write(head)
            for index in 0..<events {
                let sequence = index + 2
                let bytes = event(sequence, .textDelta(agent: agent, messageId: "m", text: index % 12 == 11 ? " rain.\n" : " rain"))
                if let rate {
                    let due = origin + .microseconds(Int64(Double(index) * 1_000_000 / Double(rate)))
                    let wait = due - clock.now
                    if wait > .zero { usleep(UInt32(wait.components.attoseconds / 1_000_000_000_000 + wait.components.seconds * 1_000_000)) }
                }
                sendTimes.set(sequence, (clock.now - origin).seconds)
                sent += bytes.count
                write(bytes)
            }
            sent += tail.count
            write(tail)
            totalBytes.store(sent, ordering: .relaxed)
        }

        let terminal = InMemoryTerminal(width: 120, height: 40, keptFrames: 0)
        let frames = FrameLog(sendTimes: sendTimes, origin: origin, measureLatency: rate != nil, terminal: terminal)
        let loop = DashboardLoop(backend: terminal, theme: .fallback, onFrame: { frames.shown($0) })
        let inbox = loop.inbox
        let uiDone = Task { await loop.run() }
        let client = EventSourceClient(policy: ReconnectPolicy(maxAttempts: 0))
        let start = clock.now
        let outcome = await RemoteAttach.run(
            EventSourceRequest(url: "http://127.0.0.1:\(server.port)/stream"), client: client, format: dialect.wire, agentName: nil,
            onState: { _ in }, onEvent: { inbox.append($0) })
        inbox.finish()
        _ = await uiDone.value
        let seconds = (clock.now - start).seconds
        await client.shutdown()
        server.close()
        if let failure = outcome.failure { throw BenchFailure("the benchmark stream failed: \(failure.message)") }
        var result = Result(seconds: seconds, frames: terminal.frameCount, bytes: totalBytes.load(ordering: .relaxed), latencies: frames.latencies)
        if let body { result.referenceSeconds = try RawLoopbackRead.seconds(of: body) }
        return result
    }
}

/// What the loop's frames showed: the latency of each event to the first frame that includes it, and a `q` once
/// the stream's end is on screen (the loop then returns, as when a person quits; also when the stream failed).
final class FrameLog: Sendable {
    private let sendTimes: SendTimes
    private let origin: ContinuousClock.Instant
    private let measureLatency: Bool
    private let terminal: InMemoryTerminal
    private let progress = Mutex<(shownUpTo: Int, latencies: [Double], quitSent: Bool)>((1, [], false))

    init(sendTimes: SendTimes, origin: ContinuousClock.Instant, measureLatency: Bool, terminal: InMemoryTerminal) {
        self.sendTimes = sendTimes
        self.origin = origin
        self.measureLatency = measureLatency
        self.terminal = terminal
    }

    /// Called on the UI thread after each frame.
    func shown(_ state: DashboardState) {
        let drawn = (ContinuousClock.now - origin).seconds
        let quit = progress.withLock { progress in
            if measureLatency {
                // Only the paced text events have a send time (the first and last events do not).
                let last = min(state.lastSequence, sendTimes.count - 2)
                if last > progress.shownUpTo {
                    for sequence in (progress.shownUpTo + 1)...last where sequence >= 2 {
                        progress.latencies.append(drawn - sendTimes.get(sequence))
                    }
                    progress.shownUpTo = last
                }
            }
            // The stream's end is on screen (after everything before it): quit, as a person would.
            guard state.streamFinished, !progress.quitSent else { return false }
            progress.quitSent = true
            return true
        }
        if quit { terminal.send(.key(.character("q"))) }
    }

    var latencies: [Double] { progress.withLock { $0.latencies.filter { $0 >= 0 } } }
}

/// When each event was written, by sequence number (seconds since the benchmark's origin).
final class SendTimes: @unchecked Sendable {
    private let times: UnsafeMutableBufferPointer<Double>
    private let lock = Mutex(())
    let count: Int
    init(count: Int) {
        self.count = count
        times = .allocate(capacity: count)
        times.initialize(repeating: 0)
    }
    deinit { times.deallocate() }
    func set(_ index: Int, _ value: Double) { lock.withLock { _ in times[index] = value } }
    func get(_ index: Int) -> Double { lock.withLock { _ in times[index] } }
}

/// The dialects the attach benchmark streams: flowtop's own, and AG-UI and DevUI events in the shapes Agent
/// Framework's servers send (the captures in shared/captures), one agent writing.
enum BenchDialect: String, ExpressibleByArgument, CaseIterable {
    case flowtop, agui, devui

    var wire: WireDialect {
        switch self {
        case .flowtop: .flowtop
        case .agui: .agui
        case .devui: .devui
        }
    }

    private static func data(_ json: String) -> [UInt8] { Array("data: \(json)\n\n".utf8) }

    func head(agent: String) -> [UInt8] {
        switch self {
        case .flowtop: []
        case .agui:
            Self.data(#"{"type":"RUN_STARTED","threadId":"t","runId":"bench"}"#)
                + Self.data(#"{"type":"STEP_STARTED","stepName":"\#(agent)"}"#)
                + Self.data(#"{"type":"TEXT_MESSAGE_START","messageId":"m","role":"assistant"}"#)
        case .devui:
            Self.data(#"{"response":{"id":"resp_bench","model":"devui","status":"in_progress","usage":null},"sequence_number":1,"type":"response.created"}"#)
                + Self.data(#"{"type":"response.output_item.added","output_index":1,"sequence_number":2,"item":{"type":"executor_action","id":"exec_\#(agent)_1","executor_id":"\#(agent)","status":"in_progress","metadata":{},"result":null,"error":null}}"#)
        }
    }

    func delta(_ text: String, agent: String, sequence: Int) -> [UInt8] {
        var quoted = ""
        JSONValue.writeQuoted(text, to: &quoted)
        switch self {
        case .flowtop: return []
        case .agui: return Self.data(#"{"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":\#(quoted)}"#)
        case .devui:
            return Self.data(#"{"content_index":16,"delta":\#(quoted),"item_id":"exec_\#(agent)_1","logprobs":[],"output_index":1,"sequence_number":\#(sequence),"type":"response.output_text.delta","metadata":{"workflow_event_type":"intermediate","workflow_output_kind":"intermediate","executor_id":"\#(agent)"}}"#)
        }
    }

    func tail(agent: String) -> [UInt8] {
        switch self {
        case .flowtop: []
        case .agui:
            Self.data(#"{"type":"TEXT_MESSAGE_END","messageId":"m"}"#)
                + Self.data(#"{"type":"STEP_FINISHED","stepName":"\#(agent)"}"#)
                + Self.data(#"{"type":"RUN_FINISHED","threadId":"t","runId":"bench"}"#)
        case .devui:
            Self.data(#"{"type":"response.output_item.done","output_index":1,"item":{"type":"executor_action","id":"exec_\#(agent)_1","executor_id":"\#(agent)","status":"completed","result":null,"error":null}}"#)
                + Self.data(#"{"response":{"id":"resp_bench","status":"completed","usage":{"input_tokens":10,"output_tokens":20}},"type":"response.completed"}"#)
                + Self.data("[DONE]")
        }
    }
}

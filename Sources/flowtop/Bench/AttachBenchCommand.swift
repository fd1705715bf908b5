import ArgumentParser
import Dashboard
import Dispatch
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
            them (AsyncHTTPClient, SSE parser, wire decoder) into an inbox, and a UI thread drains it into \
            DashboardState and renders DashboardView at most every 16 ms, as the dashboard does (headless: the \
            frame is drawn into a cell grid, not through ncurses). Throughput: --events at full speed. Latency: \
            --latency-events at --rate events/s, from the server's write to the end of the frame that shows the event.
            """
    )

    @Option(help: "Events for the throughput run.")
    var events = 1_000_000

    @Option(name: .customLong("latency-events"), help: "Events for the latency run.")
    var latencyEvents = 5_000

    @Option(help: "Events per second in the latency run.")
    var rate = 2_000

    func validate() throws {
        guard events > 0, latencyEvents > 0, rate > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() async throws {
        warnIfDebugBuild()
        let throughput = try await Self.measure(events: events, rate: nil)
        print("flowtop bench attach: flowtop-dialect text events over loopback into the dashboard (headless, ≤60 fps)")
        print("  throughput: \(formatRate(Double(events) / throughput.seconds)) events/s ingested "
            + "(\(formatRate(Double(events))) events in \(format3(throughput.seconds)) s, \(throughput.frames) frames rendered, "
            + "\(format3(Double(throughput.bytes) / throughput.seconds / 1_048_576)) MiB/s)")
        let latency = try await Self.measure(events: latencyEvents, rate: rate)
        let sorted = latency.latencies.sorted()
        func percentile(_ p: Double) -> String {
            guard !sorted.isEmpty else { return "n/a" }
            return format3(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000) + " ms"
        }
        print("  latency, server write → frame shown, \(latencyEvents) events at \(rate)/s: "
            + "p50 \(percentile(0.5)), p99 \(percentile(0.99)), max \(percentile(1.0)) (\(latency.frames) frames)")
    }

    struct Result {
        var seconds: Double
        var frames: Int
        var bytes: Int
        var latencies: [Double]
    }

    /// Streams `events` text events (paced at `rate`/s, or as fast as the socket takes them) and runs them through
    /// the attach path and a dashboard UI thread.
    static func measure(events: Int, rate: Int?) async throws -> Result {
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
        let head = event(1, .runStarted(.init(runId: "bench", workflow: "bench", participants: [agent])))
        let tail = event(events + 2, .runCompleted(finalAgent: agent, usage: .zero, durationMs: 0))
        let body: [UInt8]? = rate == nil
            ? (0..<events).reduce(into: head) { bytes, index in
                bytes += event(index + 2, .textDelta(agent: agent, messageId: "m", text: index % 12 == 11 ? " rain.\n" : " rain"))
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

        let wakeUp = DispatchSemaphore(value: 0)
        let inbox = EventInbox(wake: { wakeUp.signal() })
        let ui = BenchUI(inbox: inbox, wakeUp: wakeUp, sendTimes: sendTimes, origin: origin, measureLatency: rate != nil)
        let uiDone = ui.start()
        let client = EventSourceClient(policy: ReconnectPolicy(maxAttempts: 0))
        let start = clock.now
        let outcome = await RemoteAttach.run(
            EventSourceRequest(url: "http://127.0.0.1:\(server.port)/stream"), client: client, format: .flowtop, agentName: nil,
            onState: { _ in }, onEvent: { inbox.append($0) })
        inbox.finish()
        let (frames, latencies) = await uiDone.value
        let seconds = (clock.now - start).seconds
        await client.shutdown()
        server.close()
        if let failure = outcome.failure { throw CommandLineFailure("the benchmark stream failed: \(failure.message)") }
        return Result(seconds: seconds, frames: frames, bytes: totalBytes.load(ordering: .relaxed), latencies: latencies)
    }
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

/// The UI loop of `DashboardSession` minus ncurses: sleep until events arrive, draw at most every 16 ms.
final class BenchUI: Sendable {
    let inbox: EventInbox
    let wakeUp: DispatchSemaphore
    let sendTimes: SendTimes
    let origin: ContinuousClock.Instant
    let measureLatency: Bool

    init(inbox: EventInbox, wakeUp: DispatchSemaphore, sendTimes: SendTimes, origin: ContinuousClock.Instant, measureLatency: Bool) {
        self.inbox = inbox
        self.wakeUp = wakeUp
        self.sendTimes = sendTimes
        self.origin = origin
        self.measureLatency = measureLatency
    }

    func start() -> Task<(Int, [Double]), Never> {
        Task {
            await withCheckedContinuation { continuation in
                let thread = Thread { continuation.resume(returning: self.loop()) }
                thread.start()
            }
        }
    }

    private func loop() -> (Int, [Double]) {
        let clock = ContinuousClock()
        let frameInterval = Duration.milliseconds(16)
        var state = DashboardState()
        state.size = (120, 40)
        var lastDraw = clock.now - frameInterval
        var frames = 0
        var latencies: [Double] = []
        var shown: [Int] = []
        var checksum = 0
        while true {
            wakeUp.wait()
            let sinceDraw = clock.now - lastDraw
            if sinceDraw < frameInterval { Thread.sleep(forTimeInterval: (frameInterval - sinceDraw).seconds) }
            let batch = inbox.drain()
            for event in batch.events {
                state.apply(event)
                if measureLatency { shown.append(event.sequence) }
            }
            checksum &+= DashboardView.render(state).cells.count
            lastDraw = clock.now
            frames += 1
            if measureLatency {
                let drawn = (lastDraw - origin).seconds
                // Only the paced text events have a send time (the first and last events do not).
                for sequence in shown where sequence >= 2 && sequence <= sendTimes.count - 2 {
                    latencies.append(drawn - sendTimes.get(sequence))
                }
                shown.removeAll(keepingCapacity: true)
            }
            if batch.finished { break }
        }
        if checksum == 0 { print("") }
        return (frames, latencies.filter { $0 >= 0 })
    }
}

/// A one-shot HTTP/1.1 server on 127.0.0.1 written with plain sockets: it answers one request with
/// `text/event-stream` and a body ended by closing the connection, written by `body` from its own thread.
final class LoopbackSSEServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 4) == 0 else { throw CommandLineFailure("cannot listen on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func serveOnce(_ body: @escaping @Sendable (_ write: ([UInt8]) -> Void) -> Void) {
        let listener = self.listener
        let thread = Thread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { Glibc.close(connection) }
            // Read the request head (up to the blank line).
            var head: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
                let count = read(connection, &buffer, buffer.count)
                if count <= 0 { return }
                head += buffer[0..<count]
            }
            func write(_ bytes: [UInt8]) {
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if written <= 0 { return }
                    offset += written
                }
            }
            var nodelay: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &nodelay, socklen_t(MemoryLayout<Int32>.size))
            write(Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n".utf8))
            body(write)
        }
        thread.start()
    }

    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }
}

import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import OTLPProto
import SwiftProtobuf

/// OTLP ingest over loopback: protobuf batches of spans posted to `POST /v1/traces` of a `flowtop-bench
/// serve-child` (the workflow server, which turns traces into runs in its registry).
struct OTLPBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otlp",
        abstract: "Post OTLP/HTTP protobuf span batches over loopback and print spans/s and the server's memory.",
        discussion: """
            The spans are Agent Framework-shaped traces of 17 spans (workflow.run, executors, agents, chat, a tool \
            call, message.send, edge groups), children before parents, generated before timing and sent in \
            batches of --batch spans by --connections concurrent clients. The server builds each batch's runs \
            before it answers, so a span counts once its reply is in: its run is built and listed by GET \
            /api/runs (checked at the end: every listed run completes once settled, but a last partial trace). Old runs are let go \
            (50 finished kept). Reference: the same bytes posted to POST /v1/metrics, which reads and discards them.
            """
    )

    @Option(help: "Spans to send.")
    var spans = 1_000_000

    @Option(help: "Spans per request.")
    var batch = 512

    @Option(help: "Concurrent connections.")
    var connections = 4

    func validate() throws {
        guard spans >= 10_000, batch > 0, connections > 0 else {
            throw ValidationError("--spans must be at least 10,000, --batch and --connections positive")
        }
    }

    func run() async throws {
        warnIfDebugBuild()
        print("flowtop bench otlp: loopback, protobuf batches of \(batch) spans, \(connections) connections, 17-span traces")
        let generation = ContinuousClock().now
        let bodies = OTLPBenchTraces.batches(spans: spans, batchSize: batch)
        let bytes = bodies.reduce(0) { $0 + $1.readableBytes }
        print("  generated \(bodies.count) requests, \(format3(Double(bytes) / 1_048_576)) MiB, in \(format3((ContinuousClock().now - generation).seconds)) s")
        let server = try BenchServerProcess(answerTokens: 10, maxRuns: 16)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        // Warm-up: a few requests to the reference route.
        _ = try await post(Array(bodies.prefix(8)), to: base + "/v1/metrics", server: nil)

        let ingest = try await post(bodies, to: base + "/v1/traces", server: server)
        // Every run is built before its reply; a complete trace ends half a second later (the settle delay), and
        // only the last partial trace (no root) may stay in progress.
        var running = try await runningRuns(base)
        for _ in 0..<100 where running > 1 {
            try await Task.sleep(for: .milliseconds(50))
            running = try await runningRuns(base)
        }
        guard running <= 1, ingest.errors == 0 else {
            throw BenchFailure("\(running) runs still in progress and \(ingest.errors) failed requests after the last reply")
        }
        let rate = Double(spans) / ingest.seconds
        print("  ingest: \(formatRate(Double(spans))) spans in \(format3(ingest.seconds)) s = \(formatRate(rate)) spans/s "
            + "(\(formatRate(Double(OTLPBenchTraces.traceCount(spans: spans)) / ingest.seconds)) runs/s); errors \(ingest.errors); "
            + "server RSS peak \(format3(Double(ingest.peakRSS) / 1_048_576)) MiB")
        let reference = try await post(bodies, to: base + "/v1/metrics", server: nil)
        print("    reference, the same bytes posted to /v1/metrics (read and discarded): \(format3(reference.seconds)) s "
            + "= \(formatRate(Double(spans) / reference.seconds)) spans/s; ingest takes \(Reference.ratio(ingest.seconds, to: reference.seconds))")
    }

    struct Result {
        var seconds = 0.0
        var errors = 0
        var peakRSS = 0
    }

    private func post(_ bodies: [ByteBuffer], to url: String, server: BenchServerProcess?) async throws -> Result {
        let clock = ContinuousClock()
        let sampler = Task { () -> Int in
            var peak = 0
            while !Task.isCancelled, let server {
                peak = max(peak, server.residentBytes())
                try? await Task.sleep(for: .milliseconds(20))
            }
            return peak
        }
        let start = clock.now
        let connections = connections
        let errors = await withTaskGroup(of: Int.self) { group in
            for lane in 0..<connections {
                group.addTask {
                    var errors = 0
                    // Each lane posts every connections-th body, in order, one at a time.
                    for index in stride(from: lane, to: bodies.count, by: connections) {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/x-protobuf")
                        request.body = .bytes(bodies[index])
                        do {
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if response.status != .ok { errors += 1 }
                        } catch {
                            errors += 1
                        }
                    }
                    return errors
                }
            }
            return await group.reduce(0, +)
        }
        let seconds = (clock.now - start).seconds
        sampler.cancel()
        let peak = max(await sampler.value, server?.residentBytes() ?? 0)
        return Result(seconds: seconds, errors: errors, peakRSS: peak)
    }

    /// How many runs GET /api/runs lists as running.
    private func runningRuns(_ base: String) async throws -> Int {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/api/runs"), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 24)
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return ((object?["runs"] as? [[String: Any]]) ?? []).filter { $0["state"] as? String == "running" }.count
    }
}

/// Agent Framework-shaped traces as OTLP protobuf batches.
enum OTLPBenchTraces {
    typealias Span = Opentelemetry_Proto_Trace_V1_Span
    static let spansPerTrace = 17

    static func traceCount(spans: Int) -> Int { (spans + spansPerTrace - 1) / spansPerTrace }

    static func traceId(_ index: Int) -> String { String(format: "%016llx%016llx", 0xf10e_70b0_0000_0000 as UInt64, UInt64(index + 1)) }

    static func batches(spans total: Int, batchSize: Int) -> [ByteBuffer] {
        var bodies: [ByteBuffer] = []
        var current: [Span] = []
        var produced = 0
        var trace = 0
        while produced < total {
            for span in traceSpans(trace) where produced < total {
                current.append(span)
                produced += 1
                if current.count == batchSize {
                    bodies.append(body(current))
                    current.removeAll(keepingCapacity: true)
                }
            }
            trace += 1
        }
        if !current.isEmpty { bodies.append(body(current)) }
        return bodies
    }

    private static func body(_ spans: [Span]) -> ByteBuffer {
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resourceSpans.resource.attributes = [keyValue("service.name", "bench-research-writer")]
        var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scope.scope.name = "agent_framework"
        scope.spans = spans
        resourceSpans.scopeSpans = [scope]
        request.resourceSpans = [resourceSpans]
        return ByteBuffer(bytes: (try? request.serializedBytes() as [UInt8]) ?? [])
    }

    private static func keyValue(_ key: String, _ value: String) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var pair = Opentelemetry_Proto_Common_V1_KeyValue()
        pair.key = key
        pair.value.stringValue = value
        return pair
    }

    private static func keyValue(_ key: String, _ value: Int64) -> Opentelemetry_Proto_Common_V1_KeyValue {
        var pair = Opentelemetry_Proto_Common_V1_KeyValue()
        pair.key = key
        pair.value.intValue = value
        return pair
    }

    private static func bytes(hex: String) -> Data {
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            data.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return data
    }

    /// One run's 17 spans in the order they end: workflow.run → edge groups and three executors (an input step,
    /// Researcher with two model calls and a tool call, Writer with two model calls), each agent in its executor.
    static func traceSpans(_ index: Int) -> [Span] {
        let traceID = bytes(hex: traceId(index))
        let base = UInt64(1_796_000_000_000_000_000) + UInt64(index) * 10_000_000
        var counter: UInt64 = 0
        func span(_ name: String, parent: Data?, start: UInt64, end: UInt64, _ attributes: [Opentelemetry_Proto_Common_V1_KeyValue] = [],
                  links: [Data] = []) -> Span {
            counter += 1
            var span = Span()
            span.traceID = traceID
            span.spanID = bytes(hex: String(format: "%08x%08x", UInt32(truncatingIfNeeded: index + 1), UInt32(counter)))
            if let parent { span.parentSpanID = parent }
            span.name = name
            span.kind = .internal
            span.startTimeUnixNano = base + start
            span.endTimeUnixNano = base + end
            span.attributes = attributes
            span.links = links.map { id in
                var link = Span.Link()
                link.traceID = traceID
                link.spanID = id
                return link
            }
            return span
        }
        let root = bytes(hex: String(format: "%08x%08x", UInt32(truncatingIfNeeded: index + 1), UInt32(101)))
        var spans: [Span] = []
        spans.append(span("edge_group.process InternalEdgeGroup", parent: root, start: 10, end: 20,
                          [keyValue("edge_group.delivery_status", "delivered")]))
        let input = span("executor.process input-conversation", parent: root, start: 30, end: 60, [keyValue("executor.id", "input-conversation")])
        let inputSend = span("message.send", parent: input.spanID, start: 40, end: 50)
        spans += [inputSend, input]
        spans.append(span("edge_group.process SingleEdgeGroup", parent: root, start: 70, end: 80,
                          [keyValue("message.source_id", "input-conversation"), keyValue("edge_group.delivery_status", "delivered")],
                          links: [inputSend.spanID]))
        var lastSend = inputSend.spanID
        for (agent, calls, start) in [("Researcher", 2, 100 as UInt64), ("Writer", 2, 5_000_000 as UInt64)] {
            let executorID = bytes(hex: String(format: "%08x%08x", UInt32(truncatingIfNeeded: index + 1), UInt32(agent == "Researcher" ? 102 : 103)))
            let agentID = bytes(hex: String(format: "%08x%08x", UInt32(truncatingIfNeeded: index + 1), UInt32(agent == "Researcher" ? 104 : 105)))
            var children: [Span] = []
            for call in 0..<calls {
                let callStart = start + 1_000 + UInt64(call) * 2_000_000
                children.append(span("chat bench-model", parent: agentID, start: callStart, end: callStart + 1_000_000, [
                    keyValue("gen_ai.operation.name", "chat"), keyValue("gen_ai.request.model", "bench-model"),
                    keyValue("gen_ai.usage.input_tokens", 120), keyValue("gen_ai.usage.output_tokens", 40),
                    keyValue("gen_ai.output.messages", #"[{"role": "assistant", "parts": [{"type": "text", "content": "Sunny and 21 degrees in Seattle today."}]}]"#),
                ]))
                if agent == "Researcher", call == 0 {
                    children.append(span("execute_tool get_weather", parent: agentID, start: callStart + 1_100_000, end: callStart + 1_200_000, [
                        keyValue("gen_ai.operation.name", "execute_tool"), keyValue("gen_ai.tool.name", "get_weather"),
                        keyValue("gen_ai.tool.call.id", "call_\(index)"), keyValue("gen_ai.tool.call.arguments", #"{"location": "Seattle"}"#),
                        keyValue("gen_ai.tool.call.result", "sunny, 21°C"),
                    ]))
                }
            }
            var invoke = span("invoke_agent \(agent)", parent: executorID, start: start + 500, end: start + 4_000_000,
                              [keyValue("gen_ai.operation.name", "invoke_agent"), keyValue("gen_ai.agent.name", agent)])
            invoke.spanID = agentID
            let send = span("message.send", parent: executorID, start: start + 4_100_000, end: start + 4_200_000)
            var executor = span("executor.process \(agent)", parent: root, start: start, end: start + 4_300_000,
                                [keyValue("executor.id", agent)], links: [lastSend])
            executor.spanID = executorID
            spans += children + [invoke, send, executor]
            if agent == "Researcher" {
                spans.append(span("edge_group.process SingleEdgeGroup", parent: root, start: start + 4_400_000, end: start + 4_500_000,
                                  [keyValue("message.source_id", agent), keyValue("edge_group.delivery_status", "delivered")],
                                  links: [send.spanID]))
            }
            lastSend = send.spanID
        }
        var run = span("workflow.run", parent: nil, start: 0, end: 9_500_000, [keyValue("workflow.name", "Sequential")])
        run.spanID = root
        spans.append(run)
        return spans
    }
}

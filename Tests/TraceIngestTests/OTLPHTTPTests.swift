import Dashboard
import Foundation
import OTLPProto
import SwiftProtobuf
import Testing
import TraceIngest
import WorkflowCore

/// OTLP/HTTP on a real loopback server: the captured bodies as Agent Framework's exporter sent them.
@Suite("OTLP/HTTP receiver")
struct OTLPHTTPTests {
    typealias Response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse

    private func state(_ events: [WorkflowEvent]) -> DashboardState {
        var state = DashboardState()
        _ = state.update(.events(events))
        return state
    }

    @Test("the captured protobuf batches, plain and gzipped, build the run and get an empty ExportTraceServiceResponse", arguments: [false, true])
    func protobuf(gzip: Bool) async throws {
        let harness = try await ReceiverHarness.start()
        for name in Capture.protobufBatches {
            let reply = try await harness.post("/v1/traces", body: Capture.bytes(name), contentType: "application/x-protobuf", gzip: gzip)
            #expect(reply.status == 200)
            #expect(reply.contentType == "application/x-protobuf")
            let response = try Response(serializedBytes: reply.body)
            #expect(!response.hasPartialSuccess)
        }
        let state = state(try await harness.endedEvents(of: Capture.runTraceId))
        #expect(state.runStatus == .completed)
        #expect(state.agents.map(\.name) == ["input-conversation", "Researcher", "Writer"])
        #expect(state.timeline.map(\.tool) == ["get_weather"])
        #expect(harness.runIds == [Capture.runTraceId])
        try await harness.shutdown()
    }

    @Test("the captured OTLP/JSON batches, plain and gzipped, build the run and get a JSON answer", arguments: [false, true])
    func json(gzip: Bool) async throws {
        let harness = try await ReceiverHarness.start()
        for name in Capture.jsonBatches {
            let reply = try await harness.post("/v1/traces", body: Capture.bytes(name), contentType: "application/json", gzip: gzip)
            #expect(reply.status == 200)
            #expect(reply.contentType == "application/json")
            #expect(String(decoding: reply.body, as: UTF8.self) == "{}")
        }
        let state = state(try await harness.endedEvents(of: Capture.jsonRunTraceId))
        #expect(state.runStatus == .completed)
        #expect(state.agents.map(\.name) == ["input-conversation", "Researcher", "Writer"])
        let call = try #require(state.timeline.first)
        #expect(call.arguments == #"{"location": "Seattle, WA, USA "}"#)
        #expect(call.result == "Weather in Seattle, WA, USA : sunny, 21°C, light breeze from the west.")
        try await harness.shutdown()
    }

    @Test("metrics and logs are answered with an empty success in the request's encoding")
    func metricsAndLogs() async throws {
        let harness = try await ReceiverHarness.start()
        let metrics = try await harness.post("/v1/metrics", body: Capture.bytes("otlp_research_writer_metrics_1.pb"), contentType: "application/x-protobuf")
        #expect(metrics.status == 200)
        #expect(metrics.body.isEmpty)
        let logs = try await harness.post("/v1/logs", body: Capture.bytes("otlp_research_writer_logs_1.pb"), contentType: "application/x-protobuf", gzip: true)
        #expect(logs.status == 200)
        let jsonMetrics = try await harness.post("/v1/metrics", body: Capture.bytes("otlp_research_writer_json_metrics_1.json"), contentType: "application/json")
        #expect(jsonMetrics.status == 200)
        #expect(String(decoding: jsonMetrics.body, as: UTF8.self) == "{}")
        #expect(harness.runIds.isEmpty)
        try await harness.shutdown()
    }

    @Test("an undecodable body is 400 with a google.rpc.Status saying why, and is counted")
    func undecodable() async throws {
        let harness = try await ReceiverHarness.start()
        let truncated = Array(try Capture.bytes(Capture.protobufBatches[1]).prefix(1_000))
        let reply = try await harness.post("/v1/traces", body: truncated, contentType: "application/x-protobuf")
        #expect(reply.status == 400)
        let status = try Google_Rpc_Status(serializedBytes: reply.body)
        #expect(status.message.contains("not an OTLP ExportTraceServiceRequest"))
        let json = try await harness.post("/v1/traces", body: Array(#"{"resourceSpans": [{"#.utf8), contentType: "application/json")
        #expect(json.status == 400)
        #expect(String(decoding: json.body, as: UTF8.self).contains("not an OTLP/JSON ExportTraceServiceRequest"))
        let badGzip = try await harness.post("/v1/traces", body: Array("not gzip".utf8), contentType: "application/x-protobuf",
                                             headers: [("Content-Encoding", "gzip")])
        #expect(badGzip.status == 400)
        #expect(harness.receiver.counters.malformed == 3)
        #expect(harness.receiver.counters.problems["OTLP requests that did not decode (400)"] == 3)
        try await harness.shutdown()
    }

    @Test("a body past the limit is 413, as sent or once inflated")
    func tooLarge() async throws {
        let harness = try await ReceiverHarness.start(limits: OTLPLimits(maxBodyBytes: 4_000, maxDecompressedBytes: 4_200))
        let big = try Capture.bytes(Capture.protobufBatches[0])  // 4,524 bytes
        let sent = try await harness.post("/v1/traces", body: big, contentType: "application/x-protobuf")
        #expect(sent.status == 413)
        let inflated = try await harness.post("/v1/traces", body: big + big, contentType: "application/x-protobuf", gzip: true)
        #expect(inflated.status == 413)
        #expect(String(decoding: inflated.body, as: UTF8.self).contains("inflates past the limit"))
        #expect(harness.receiver.counters.oversized == 2)
        try await harness.shutdown()
    }

    @Test("another content type or content encoding is 415")
    func unsupported() async throws {
        let harness = try await ReceiverHarness.start()
        let text = try await harness.post("/v1/traces", body: Array("hello".utf8), contentType: "text/plain")
        #expect(text.status == 415)
        let none = try await harness.post("/v1/traces", body: Array("hello".utf8), contentType: nil)
        #expect(none.status == 415)
        let brotli = try await harness.post("/v1/traces", body: Capture.bytes(Capture.protobufBatches[0]), contentType: "application/x-protobuf",
                                            headers: [("Content-Encoding", "br")])
        #expect(brotli.status == 415)
        #expect(harness.receiver.counters.unsupported == 3)
        try await harness.shutdown()
    }

    @Test("spans without a valid trace id are refused in a partial success with their count and the reason")
    func partialSuccess() async throws {
        let harness = try await ReceiverHarness.start()
        var request = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest(
            serializedBytes: Capture.bytes(Capture.protobufBatches[1]))
        request.resourceSpans[0].scopeSpans[0].spans[0].traceID = Data()
        request.resourceSpans[0].scopeSpans[0].spans[1].traceID = Data(repeating: 0, count: 16)
        let reply = try await harness.post("/v1/traces", body: try request.serializedBytes(), contentType: "application/x-protobuf")
        #expect(reply.status == 200)
        let response = try Response(serializedBytes: reply.body)
        #expect(response.partialSuccess.rejectedSpans == 2)
        #expect(response.partialSuccess.errorMessage == "a span without a valid trace or span id")
        try await harness.shutdown()
    }
}

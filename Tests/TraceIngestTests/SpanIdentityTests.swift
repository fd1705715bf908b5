import Foundation
import OTLPProto
import SwiftProtobuf
import Testing
@testable import TraceIngest
import TraceRunBuilder

/// Span ids are kept as numbers and attributes as an ordered list; both must read as the hex text and the
/// dictionary they replaced did.
@Suite("Span ids and attributes")
struct SpanIdentityTests {
    @Test("a span id's 8 bytes are the number its 16 hex digits spell, and anything else is the invalid id")
    func spanIDs() {
        let bytes: [UInt8] = [0x7d, 0xe4, 0x0a, 0x11, 0x00, 0x00, 0x0f, 0xa3]
        #expect(SpanID(bytes: bytes) == SpanID("7de40a1100000fa3"))
        #expect(SpanID(bytes: bytes).hex == "7de40a1100000fa3")
        #expect(!SpanID(bytes: [UInt8](repeating: 0, count: 8)).isValid)
        #expect(!SpanID(bytes: bytes + [1]).isValid)
        #expect(!SpanID("7DE40A1100000FA3").isValid)
        #expect(!SpanID("7de40a1100000fa").isValid)
    }

    @Test("a repeated attribute key keeps its last value, as protobuf and SwiftProtobuf's reading do")
    func repeatedKey() throws {
        var attributes = SpanAttributes()
        attributes["gen_ai.agent.name"] = .string("Researcher")
        attributes["gen_ai.request.model"] = .string("m")
        attributes["gen_ai.agent.name"] = .string("Writer")
        #expect(attributes.count == 2)
        #expect(attributes["gen_ai.agent.name"] == .string("Writer"))
        attributes["gen_ai.request.model"] = nil
        #expect(attributes.map(\.key) == ["gen_ai.agent.name"])
    }

    @Test("the fast path and SwiftProtobuf agree on a span that names an attribute twice and links to another trace")
    func repeatedKeyOnTheWire() throws {
        var span = ExportTraceRequest()
        var resource = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        var one = Opentelemetry_Proto_Trace_V1_Span()
        one.traceID = Data(repeating: 0xab, count: 16)
        one.spanID = Data([1, 2, 3, 4, 5, 6, 7, 8])
        one.name = "invoke_agent Writer"
        for name in ["Researcher", "Writer"] {
            var pair = Opentelemetry_Proto_Common_V1_KeyValue()
            pair.key = "gen_ai.agent.name"
            pair.value.stringValue = name
            one.attributes.append(pair)
        }
        var elsewhere = Opentelemetry_Proto_Trace_V1_Span.Link()
        elsewhere.traceID = Data(repeating: 0xcd, count: 16)
        elsewhere.spanID = Data([9, 9, 9, 9, 9, 9, 9, 9])
        var here = Opentelemetry_Proto_Trace_V1_Span.Link()
        here.spanID = Data([8, 7, 6, 5, 4, 3, 2, 1])
        one.links = [elsewhere, here]
        scope.spans = [one]
        resource.scopeSpans = [scope]
        span.resourceSpans = [resource]
        let bytes: [UInt8] = try span.serializedBytes()
        let fast = try #require(OTLPProtobufReader.spans(of: bytes))
        #expect(fast == (try OTLPSpans.decodeWithSwiftProtobuf(bytes)))
        #expect(fast.first?.attributes["gen_ai.agent.name"] == .string("Writer"))
        #expect(fast.first?.links == [SpanID("0807060504030201")])
        #expect(fast.first?.id.hex == "0102030405060708")
    }
}

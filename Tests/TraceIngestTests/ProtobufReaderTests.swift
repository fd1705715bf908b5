import Testing
import TestSupport
@testable import TraceIngest
import TraceRunBuilder

/// `OTLPProtobufReader` is the fast path in front of SwiftProtobuf: whatever it accepts must read exactly as
/// SwiftProtobuf reads it, and whatever SwiftProtobuf refuses it must leave to SwiftProtobuf.
@Suite("The protobuf fast path reads as SwiftProtobuf does")
struct ProtobufReaderTests {
    @Test("the captured batches read the same spans through the fast path as through SwiftProtobuf")
    func captures() throws {
        for name in Capture.protobufBatches {
            let bytes = try Capture.bytes(name)
            let fast = try #require(OTLPProtobufReader.spans(of: bytes))
            #expect(!fast.isEmpty)
            #expect(fast == (try OTLPSpans.decodeWithSwiftProtobuf(bytes)))
        }
    }

    @Test("3,000 mutated bodies: what the fast path accepts, SwiftProtobuf decodes to the same spans")
    func mutations() throws {
        let seeds = try Capture.protobufBatches.map(Capture.bytes)
        var random = SplitMix64(seed: 11)
        var accepted = 0
        var refused = 0
        for index in 0..<3_000 {
            var bytes = seeds[index % seeds.count]
            switch random.next() % 3 {
            case 0:
                for _ in 0..<Int(random.next() % 4 + 1) {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 1:
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
            default:
                bytes = (0..<Int(random.next() % 256)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            let reference = try? OTLPSpans.decodeWithSwiftProtobuf(bytes)
            guard let fast = OTLPProtobufReader.spans(of: bytes) else {
                refused += 1
                continue
            }
            accepted += 1
            #expect(fast == reference, "body \(index)")
        }
        // Both outcomes are exercised.
        #expect(accepted > 100)
        #expect(refused > 100)
    }
}

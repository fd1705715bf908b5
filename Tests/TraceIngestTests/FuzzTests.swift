import CompressNIO
import NIOCore
import Testing
import TestSupport
@testable import TraceIngest
import TraceRunBuilder

/// Whatever bytes arrive, the decoders give spans or a clean error, and the spans they give build runs without a
/// crash: random bytes, and the captured payloads cut short or with bytes flipped, inserted and removed.
@Suite("Bad input never crashes the receiver")
struct FuzzTests {
    /// A seeded mix of random buffers and mutations of `seeds`.
    private static func cases(from seeds: [[UInt8]], count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SplitMix64(seed: seed)
        var cases: [[UInt8]] = []
        for index in 0..<count {
            let base = seeds[index % seeds.count]
            var bytes = base
            switch random.next() % 5 {
            case 0:
                bytes = (0..<Int(random.next() % 512)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 1:
                bytes = Array(base.prefix(Int(random.next() % UInt64(base.count + 1))))
            case 2:
                for _ in 0..<Int(random.next() % 8 + 1) where !bytes.isEmpty {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 3:
                for _ in 0..<Int(random.next() % 4 + 1) {
                    let at = Int(random.next() % UInt64(bytes.count + 1))
                    bytes.insert(contentsOf: (0..<Int(random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
                }
            default:
                if !bytes.isEmpty {
                    let start = Int(random.next() % UInt64(bytes.count))
                    let end = min(bytes.count, start + Int(random.next() % 64))
                    bytes.removeSubrange(start..<end)
                }
            }
            cases.append(bytes)
        }
        return cases
    }

    /// Builds runs from whatever spans decoded, so odd spans are exercised through the builder too.
    private func build(_ spans: [TraceSpan]) {
        var runs = TraceRuns()
        _ = runs.add(spans, now: 0)
        _ = runs.endAll()
    }

    @Test("3,000 random and mutated protobuf bodies decode or fail cleanly")
    func protobuf() throws {
        let seeds = try Capture.protobufBatches.map(Capture.bytes)
        var failures = 0
        for bytes in Self.cases(from: seeds, count: 3_000, seed: 42) {
            do {
                build(try OTLPSpans.decodeProtobuf(bytes))
            } catch {
                failures += 1
                #expect(!error.reason.isEmpty)
            }
        }
        // Most mutations break the message; some land in a string's bytes and still decode.
        #expect(failures > 300)
    }

    @Test("3,000 random and mutated OTLP/JSON bodies decode or fail cleanly")
    func json() throws {
        let seeds = try Capture.jsonBatches.map(Capture.bytes)
        var failures = 0
        for bytes in Self.cases(from: seeds, count: 3_000, seed: 7) {
            do {
                build(try OTLPSpans.decodeJSON(bytes))
            } catch {
                failures += 1
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(failures > 300)
    }

    @Test("2,000 random and mutated gzip bodies inflate within the limit or fail cleanly")
    func gzip() throws {
        let seeds = try Capture.protobufBatches.map { name -> [UInt8] in
            var buffer = ByteBuffer(bytes: try Capture.bytes(name))
            return Array(try buffer.compress(with: .gzip()).readableBytesView)
        }
        var failures = 0
        for bytes in Self.cases(from: seeds, count: 2_000, seed: 3) {
            do {
                let inflated = try OTLPBody.gunzip(ByteBuffer(bytes: bytes), limit: 64 << 10)
                #expect(inflated.count <= 64 << 10)
                if let spans = try? OTLPSpans.decodeProtobuf(inflated) { build(spans) }
            } catch {
                failures += 1
            }
        }
        #expect(failures > 200)
    }
}

/// A span id as the builder keeps it: OTLP's 8 id bytes as a number, not a 16-digit hex string (past Swift's
/// 15-byte small-string limit, so a heap allocation per span, parent and link). Anything that is not 8 bytes or 16
/// lower-case hex digits is 0, OTLP's invalid id: `TraceRuns` refuses a span whose own id is 0, and a parent or
/// link of 0 matches no span.
public struct SpanID: Hashable, Sendable, Comparable {
    public let bits: UInt64

    public init(bits: UInt64) {
        self.bits = bits
    }

    /// From 16 lower-case hex digits.
    public init(_ text: String) {
        var bits: UInt64 = 0
        var count = 0
        for byte in text.utf8 {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default:
                self.bits = 0
                return
            }
            count += 1
            guard count <= 16 else {
                self.bits = 0
                return
            }
            bits = bits << 4 | UInt64(digit)
        }
        self.bits = count == 16 ? bits : 0
    }

    /// From the id's bytes as OTLP's protobuf carries them (big-endian, as their hex reads).
    public init(bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else {
            self.bits = 0
            return
        }
        var bits: UInt64 = 0
        for byte in bytes { bits = bits << 8 | UInt64(byte) }
        self.bits = bits
    }

    /// 0 is OTLP's invalid id (and what any malformed one reads as).
    public var isValid: Bool { bits != 0 }

    private static let digits = Array("0123456789abcdef".utf8)

    /// The id's text, 16 lower-case hex digits (sorting as the numbers do).
    public var hex: String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = Self.digits[Int(bits >> (60 - 4 * UInt64(index)) & 0x0f)]
            }
            return 16
        }
    }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.bits < rhs.bits }
}

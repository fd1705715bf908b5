import Foundation
import Testing
@testable import Wire

/// The wire's numbers (timestamps, durations) at microsecond precision, written without Swift's float printing.
@Suite("Numbers on the flowtop wire")
struct WireNumberTests {
    /// What the wire wrote before: the value rounded to microseconds, as Swift describes it.
    static func described(_ value: Double) -> String {
        let micro = (value * 1_000_000).rounded() / 1_000_000
        return micro == micro.rounded() && abs(micro) < 1e15 ? String(Int64(micro)) : "\(micro)"
    }

    @Test("a number is written as Swift describes it rounded to microseconds, wherever that has no exponent")
    func numbersMatchTheirDescription() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 1, -1, 0.5, -0.5, 1.25, 12.000001, 1_764_683_000.123456, 1_764_683_000.1234567,
                                -1_764_683_000.5, 8_589_934_591.999999, 123_456_789_012.25, 0.0001, 999_999.9999995]
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: -4...11, using: &generator)
            let sign: Double = Bool.random(using: &generator) ? -1 : 1
            values.append(sign * pow(10, magnitude) * Double.random(in: 1..<10, using: &generator))
        }
        for value in values {
            let written = FlowtopWireFormat.number(value)
            let before = Self.described(value)
            #expect(Double(written) == Double(before), "\(value): \(written) reads back unlike \(before)")
            if !before.contains("e") { #expect(written == before, "\(value)") }
        }
    }

    @Test("a number that is not finite is written as 0")
    func nonFiniteNumbersAreZero() {
        #expect(FlowtopWireFormat.number(.infinity) == "0")
        #expect(FlowtopWireFormat.number(.nan) == "0")
    }
}

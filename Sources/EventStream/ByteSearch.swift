#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's `memchr`: vectorised, so finding a line end costs a fraction of a byte-by-byte loop.
enum ByteSearch {
    @inline(__always)
    static func first(_ byte: UInt8, in start: UnsafePointer<UInt8>, count: Int) -> UnsafePointer<UInt8>? {
        guard let hit = memchr(start, Int32(byte), count) else { return nil }
        return UnsafePointer(hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The index of the first CR or LF in `from..<to`, or `to`: eight bytes at a time, for short distances where
    /// a call into the C library would cost more than the scan.
    @inline(__always)
    static func firstLineBreak(in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var index = from
        let raw = UnsafeRawPointer(base)
        while index + 8 <= to {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let lf = word ^ 0x0A0A_0A0A_0A0A_0A0A
            let cr = word ^ 0x0D0D_0D0D_0D0D_0D0D
            // A zero byte in `lf` or `cr` marks a line break; the lowest marked byte is exact.
            let marks = ((lf &- ones) & ~lf | (cr &- ones) & ~cr) & highBits
            if marks != 0 { return index + marks.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < to {
            let byte = base[index]
            if byte == 0x0A || byte == 0x0D { return index }
            index += 1
        }
        return to
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080
}

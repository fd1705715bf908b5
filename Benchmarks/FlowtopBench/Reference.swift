/// In-run references. The machine is shared and its speed varies 2-3x between sessions, so every benchmark also
/// times a fixed simple job on data of the same size and prints its figure as a ratio to that.
enum Reference {
    /// Median seconds of a memchr newline scan over `bytes` bytes (a line every 64 bytes).
    static func memchrScan(bytes: Int, runs: Int = 5) -> Double {
        var buffer = [UInt8](repeating: 0x61, count: max(64, bytes))
        for index in stride(from: 63, to: buffer.count, by: 64) { buffer[index] = 0x0A }
        var newlines = 0
        let time = Stopwatch.median(runs: runs) { newlines = SSEBenchStreams.countNewlines(buffer) }
        if newlines == 0 { print("") }  // keeps the scan from being optimised away
        return time.seconds
    }

    /// "12.3× the reference": how many times longer `seconds` took than the reference job.
    static func ratio(_ seconds: Double, to reference: Double) -> String {
        reference > 0 ? format3(seconds / reference) + "× the reference" : "n/a"
    }
}

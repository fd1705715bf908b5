#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file or standard input in blocks as they arrive, so a `curl -N | flowtop sse decode` pipe shows each
/// event as soon as its bytes do.
struct ByteSource: ~Copyable {
    let descriptor: Int32
    let name: String
    private let ownsDescriptor: Bool

    /// Opens `path`, or standard input for `nil` or `-`.
    init(path: String?) throws(CommandLineFailure) {
        guard let path, path != "-" else {
            descriptor = STDIN_FILENO
            name = "standard input"
            ownsDescriptor = false
            return
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CommandLineFailure("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        name = path
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Calls `body` with each block read until end of file.
    func forEachChunk(size: Int = 64 * 1024, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: size)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, size)
            if count == 0 { return }
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandLineFailure("cannot read \(name): \(String(cString: strerror(errno)))")
            }
            try body(UnsafeBufferPointer(start: buffer.baseAddress, count: count))
        }
    }
}

/// Buffered writes to standard output; `flush()` after each input block keeps piped output live.
struct StandardOutput {
    /// Bytes not yet written; callers may append to it directly on hot paths.
    var pendingBuffer: [UInt8] = []

    init() { pendingBuffer.reserveCapacity(64 * 1024) }

    mutating func append(_ bytes: some Sequence<UInt8>) {
        pendingBuffer.append(contentsOf: bytes)
        flushIfNeeded(force: false)
    }

    /// Writes what is pending when `force` is set or a block's worth has gathered.
    mutating func flushIfNeeded(force: Bool) {
        if force ? !pendingBuffer.isEmpty : pendingBuffer.count >= 64 * 1024 { flush() }
    }

    mutating func append(_ text: String) { append(text.utf8) }

    mutating func flush() {
        pendingBuffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // a closed pipe: nothing left to tell
                }
                offset += written
            }
        }
        pendingBuffer.removeAll(keepingCapacity: true)
    }
}

/// Writes a line to standard error (warnings and errors never mix with data on standard output).
func printError(_ message: String) {
    let line = Array((message + "\n").utf8)
    line.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

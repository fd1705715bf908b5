import Foundation
import Logging
import MCP

/// MCP's stdio transport over a server process's pipes: one JSON-RPC message per line. Reads on a thread of its
/// own with blocking reads, so a message is handed on the moment it arrives (the SDK's `StdioTransport` polls
/// every 10 ms), and the end of the server's stdout ends the stream.
actor LineTransport: Transport {
    nonisolated let logger = Logger(label: "flowtop.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })
    private let requests: FileHandle
    private let messages: FileHandle
    private let stream: AsyncThrowingStream<Data, Swift.Error>
    private let continuation: AsyncThrowingStream<Data, Swift.Error>.Continuation
    private var started = false

    init(requests: FileHandle, messages: FileHandle) {
        self.requests = requests
        self.messages = messages
        (stream, continuation) = AsyncThrowingStream.makeStream()
    }

    func connect() async throws {
        guard !started else { return }
        started = true
        let descriptor = messages.fileDescriptor
        let continuation = self.continuation
        let reader = Thread {
            var pending = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                pending.append(contentsOf: buffer[..<count])
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = pending[pending.startIndex..<newline]
                    pending = Data(pending[pending.index(after: newline)...])
                    let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
                    if !trimmed.isEmpty { continuation.yield(Data(trimmed)) }
                }
            }
            if !pending.isEmpty { continuation.yield(pending) }
            continuation.finish()
        }
        reader.name = "flowtop MCP stdio reader"
        reader.start()
    }

    func disconnect() async {
        continuation.finish()
    }

    func send(_ data: Data) async throws {
        var line = data
        line.append(UInt8(ascii: "\n"))
        let descriptor = requests.fileDescriptor
        try line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                }
                offset += written
            }
        }
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> { stream }
}

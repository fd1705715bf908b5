import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-shot HTTP/1.1 server on 127.0.0.1 written with plain sockets: it answers one request with
/// `text/event-stream` and a body ended by closing the connection, written by `body` from its own thread.
final class LoopbackSSEServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 4) == 0 else { throw BenchFailure("cannot listen on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func serveOnce(_ body: @escaping @Sendable (_ write: ([UInt8]) -> Void) -> Void) {
        let listener = self.listener
        let thread = Thread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { Glibc.close(connection) }
            // Read the request head (up to the blank line).
            var head: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
                let count = read(connection, &buffer, buffer.count)
                if count <= 0 { return }
                head += buffer[0..<count]
            }
            func write(_ bytes: [UInt8]) {
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if written <= 0 { return }
                    offset += written
                }
            }
            var nodelay: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &nodelay, socklen_t(MemoryLayout<Int32>.size))
            write(Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n".utf8))
            body(write)
        }
        thread.start()
    }

    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }
}

/// The reference for the loopback benchmarks: the same bytes read from a `LoopbackSSEServer` with plain `read(2)`
/// calls and nothing else, the ceiling for anything that reads them over a socket.
enum RawLoopbackRead {
    /// Seconds to receive `body` (written in 64 KiB pieces), from connecting to the server closing.
    static func seconds(of body: [UInt8]) throws -> Double {
        let server = try LoopbackSSEServer()
        defer { server.close() }
        server.serveOnce { write in
            var offset = 0
            while offset < body.count {
                let end = min(body.count, offset + 64 * 1024)
                write(Array(body[offset..<end]))
                offset = end
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let connection = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard connection >= 0 else { throw BenchFailure("cannot open a socket") }
        defer { Glibc.close(connection) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(server.port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(connection, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BenchFailure("cannot connect to the loopback server") }
        let request = Array("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var received = 0
        while true {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { break }
            received += count
        }
        guard received >= body.count else { throw BenchFailure("the raw read got \(received) of \(body.count) bytes") }
        return (clock.now - start).seconds
    }
}

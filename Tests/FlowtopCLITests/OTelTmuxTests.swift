import AsyncHTTPClient
import Foundation
import Glibc
import NIOCore
import Testing

extension FlowtopBinaryTests {
    /// `flowtop otel` in a real terminal (tmux): Agent Framework's captured export builds a run in the list, and
    /// quitting is a clean exit, not an error from the listeners it stops.
    @Suite("flowtop otel in tmux")
    struct OTelTmuxTests {
        let binary = FlowtopBinary.url.path

        /// A loopback port nothing listens on now (bound to 0, read back, released).
        static func freePort() throws -> Int {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(socket >= 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
                }
            }
            try #require(bound)
            return Int(UInt16(bigEndian: address.sin_port))
        }

        @Test func aTracedRunIsListedOpensWithEnterAndQuittingExitsCleanly() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let (http, grpc) = (try Self.freePort(), try Self.freePort())
            let tmux = try await Tmux(width: 120, height: 30)
            defer { tmux.kill() }
            try await tmux.run("\(binary) otel --port \(http) --grpc-port \(grpc); echo EXIT=$?")
            _ = try await tmux.waitFor("the empty runs list") { $0.contains("OTLP http://127.0.0.1:\(http)") }
            for batch in 1...3 {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(http)/v1/traces")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/x-protobuf")
                request.body = .bytes(ByteBuffer(bytes: try DevUIAttachTests.fixture("otlp_research_writer_traces_\(batch).pb")))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                #expect(response.status == .ok)
            }
            let list = try await tmux.waitFor("the run, completed") { $0.contains("✓ completed") && $0.contains("1 run") }
            #expect(list.contains("Writer"))
            try await tmux.press("Enter")
            let dashboard = try await tmux.waitFor("the run's dashboard") { $0.contains("Researcher") && $0.contains("get_weather") }
            #expect(dashboard.contains("Writer"))
            try await tmux.press("Escape")
            _ = try await tmux.waitFor("the list again") { $0.contains("sort: started") }
            try await tmux.type("q")
            let after = try await tmux.waitFor("the shell after quitting") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=0")
            #expect(!after.contains("error"))
        }
    }
}

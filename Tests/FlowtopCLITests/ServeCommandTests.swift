import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

/// `flowtop serve` as a process: it says where it listens, serves the sample's request, checks the API key from
/// the environment, and exits cleanly on SIGTERM.
extension FlowtopBinaryTests {
@Suite("flowtop serve")
struct ServeCommandTests {
    static func post(_ port: Int, key: String?) async throws -> (UInt, String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/workflow/stream")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key { request.headers.add(name: "x-functions-key", value: key) }
        request.body = .bytes(ByteBuffer(string: #"{"message":"Research Seattle weather and create a report"}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response.status.code, String(buffer: body))
    }

    @Test func servesTheSamplesRequestChecksTheKeyAndStopsOnSIGTERM() async throws {
        let (_, status) = try await ChildProcess.withServer(["--pace", "instant"], environment: ["FLOWTOP_API_KEY": "k3y"]) { port, line in
            #expect(line.contains("listening on http://127.0.0.1:\(port)"))
            #expect(line.contains("API key required"))
            let (denied, _) = try await Self.post(port, key: nil)
            #expect(denied == 401)
            let (status, body) = try await Self.post(port, key: "k3y")
            #expect(status == 200)
            #expect(body.hasPrefix("event: workflow_started\nid: 1\n"))
            #expect(body.contains("event: done\n"))
        }
        // withServer ends it with SIGTERM: a clean, graceful exit.
        #expect(status == 0)
    }
}
}

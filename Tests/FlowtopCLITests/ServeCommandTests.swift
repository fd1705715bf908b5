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

    /// 200 clients of the sample's kind at once (POST, read the stream to its end) against `flowtop serve` with its
    /// defaults: every one gets its whole stream, none is turned away.
    @Test func twoHundredConcurrentSampleClientsAllGetTheirStreamsFromADefaultServer() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let (outcomes, _) = try await ChildProcess.withServer([]) { port, _ in
            try await withThrowingTaskGroup(of: (UInt, Bool).self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/workflow/stream")
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: #"{"message":"Research Seattle weather and create a report"}"#))
                        let response = try await client.execute(request, timeout: .seconds(120))
                        let body = String(buffer: try await response.body.collect(upTo: 16 << 20))
                        return (response.status.code, body.contains("event: done\n"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await client.shutdown()
        #expect(outcomes.count == 200)
        #expect(outcomes.filter { $0.0 != 200 }.isEmpty, "statuses other than 200: \(outcomes.map(\.0).filter { $0 != 200 })")
        #expect(outcomes.filter { !$0.1 }.isEmpty, "every stream ends with done")
    }
}
}

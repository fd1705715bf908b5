import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import WorkflowCore

/// The test server itself: what later suites (the SSE attach client) will rely on.
@Suite struct LoopbackServerTests {
    @Test func recordedHeadIsParsedAndItsFramingHeadersDropped() throws {
        let response = try Fixture.response("llamacpp_chat_stream_text.sse", chunkSize: 4096)
        #expect(response.status == 200)
        let names = response.headers.map { $0.name.lowercased() }
        #expect(names.contains("content-type"))
        #expect(names.contains("x-accel-buffering"))
        #expect(!names.contains("transfer-encoding"))
        #expect(!names.contains("connection"))
        #expect(response.steps.count == 3, "10,252 bytes in 4 KiB steps")

        #expect(throws: LoopbackError.self) { try ScriptedResponse(recordedHead: "hello", body: []) }
        #expect(
            ScriptedResponse.dribble([1, 2], pauseMilliseconds: 5) == [
                .bytes([1]), .pause(milliseconds: 5), .bytes([2]), .pause(milliseconds: 5),
            ])
    }

    @Test func restartsOnTheSamePortAndKeepsItsLog() async throws {
        let server = LoopbackServer(responses: [SSEScript.stream([SSEScript.text("up")])])
        try await server.start()
        let port = server.port
        // Retries allowed: the client may first try its pooled connection, which the restart closed.
        try await using(try localClient(server, retryPolicy: quickRetries)) { client in
            #expect(try await collect(client).text == "up")
            await server.shutdown()
            try await server.start(port: port)
            #expect(server.port == port)
            #expect(try await collect(client).text == "up")
            await server.shutdown()
        }
        let requests = server.requests
        #expect(requests.map(\.sequenceNumber) == [0, 1])
        #expect(requests[0].connectionNumber != requests[1].connectionNumber, "the restart dropped the connection")
        #expect(requests.allSatisfy { $0.method == "POST" && $0.path == "/v1/chat/completions" })
    }
}

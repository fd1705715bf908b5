import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import WorkflowCore

@Suite struct CancellationTests {
    @Test func cancellingDuringASlowStreamStopsPromptly() async throws {
        let slow = ScriptedResponse.eventStream(
            SSEScript.events([SSEScript.text("first")]) + [.pause(milliseconds: 30_000)] + [SSEScript.done])
        try await withServer(responses: [slow]) { server in
            try await using(try localClient(server)) { client in
                let (firstText, signal) = AsyncStream<Void>.makeStream()
                let call = Task {
                    defer { signal.finish() }
                    try await client.streamResponse(simpleRequest) { update in
                        if case .textDelta = update { signal.yield() }
                    }
                }
                // The first chunk arrives while the server is still holding the stream open.
                for await _ in firstText { break }
                let cancelledAt = ContinuousClock.now
                call.cancel()
                let result = await call.result
                #expect(cancelledAt.duration(to: .now) < .seconds(10), "well before the server's or the backoff's own end")
                #expect(throws: CancellationError.self) { try result.get() }
            }
        }
    }

    @Test func cancellingDuringABackoffWaitStopsPromptly() async throws {
        let unavailable = ScriptedResponse.json(
            status: 503, #"{"error":{"message":"busy"}}"#, headers: [("Retry-After", "20")])
        try await withServer(responses: [unavailable]) { server in
            let policy = RetryPolicy(maxRetries: 3, maxDelay: .seconds(30))
            try await using(try localClient(server, retryPolicy: policy)) { client in
                let call = Task { try await client.streamResponse(simpleRequest) { _ in } }
                while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
                try await Task.sleep(for: .milliseconds(100))  // now in the 20 s wait
                let cancelledAt = ContinuousClock.now
                call.cancel()
                let result = await call.result
                #expect(cancelledAt.duration(to: .now) < .seconds(10), "well before the server's or the backoff's own end")
                #expect(throws: CancellationError.self) { try result.get() }
                #expect(server.requests.count == 1)
            }
        }
    }

    @Test func anErrorThrownByTheCallerStopsTheStream() async throws {
        struct Enough: Error {}
        let stream = SSEScript.stream([SSEScript.text("a"), SSEScript.text("b"), SSEScript.text("c")])
        try await withServer(responses: [stream]) { server in
            try await using(try localClient(server)) { client in
                var seen: [ChatUpdate] = []
                await #expect(throws: Enough.self) {
                    try await client.streamResponse(simpleRequest) { update in
                        seen.append(update)
                        throw Enough()
                    }
                }
                #expect(seen == [.textDelta("a")])
            }
        }
    }
}

import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import WorkflowCore

/// How broken streams and refusals surface: which kind of error, and what its message tells the person watching.
@Suite struct FailureTests {
    static let someChunks = SSEScript.events([SSEScript.text("Hello"), SSEScript.text(" there")])

    @Test func connectionCutMidStreamIsATransportError() async throws {
        // The pause lets the client take the chunks before the cut: AsyncHTTPClient drops body bytes it still
        // buffers when the connection then fails, which is not what this test is about.
        let response = ScriptedResponse.eventStream(Self.someChunks + [.pause(milliseconds: 100), .cutConnection])
        var texts: [String] = []
        let (error, requestCount) = try await withServer(responses: [response]) { server in
            let error = try await using(try localClient(server, retryPolicy: quickRetries)) { client in
                await chatError {
                    try await client.streamResponse(simpleRequest) {
                        if case let .textDelta(t) = $0 { texts.append(t) }
                    }
                }
            }
            return (error, server.requests.count)
        }
        let failure = try #require(error)
        #expect(failure.kind == .transport)
        #expect(failure.message.contains("cut off before [DONE]"))
        #expect(failure.message.contains("127.0.0.1"))
        #expect(texts == ["Hello", " there"], "what streamed before the cut was delivered")
        #expect(requestCount == 1, "a stream that began is never retried")
    }

    @Test func connectionCutRightAfterTheHeadIsATransportError() async throws {
        let response = ScriptedResponse.eventStream([.cutConnection])
        let error = try await withServer(responses: [response]) { server in
            try await using(try localClient(server)) { client in await chatError { _ = try await collect(client) } }
        }
        #expect(error?.kind == .transport)
        #expect(error?.message.contains("cut off before [DONE]") == true)
    }

    @Test func bodyEndingWithoutDoneIsATransportError() async throws {
        let response = ScriptedResponse.eventStream(Self.someChunks)  // a clean end of body, but no [DONE]
        let (error, requestCount) = try await withServer(responses: [response]) { server in
            let error = try await using(try localClient(server, retryPolicy: quickRetries)) { client in
                await chatError { _ = try await collect(client) }
            }
            return (error, server.requests.count)
        }
        let failure = try #require(error)
        #expect(failure.kind == .transport)
        #expect(failure.message.contains("was cut off before [DONE] (after 2 chunks)"))
        #expect(requestCount == 1, "a stream that began is never retried")
    }

    @Test func unauthorizedQuotesStatusAndServerMessage() async throws {
        let body =
            #"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
        let (error, requestCount) = try await withServer(responses: [.json(status: 401, body)]) { server in
            let error = try await using(
                try localClient(server, apiKey: "sk-test-1234567890", retryPolicy: quickRetries)
            ) {
                client in await chatError { _ = try await collect(client) }
            }
            return (error, server.requests.count)
        }
        let failure = try #require(error)
        #expect(failure.kind == .http)
        #expect(failure.status == 401)
        #expect(failure.message.hasPrefix("POST http://127.0.0.1:"))
        #expect(failure.message.hasSuffix("/v1/chat/completions → 401 Unauthorized: Incorrect API key provided."))
        #expect(requestCount == 1, "a 401 is not retried")
    }

    @Test func plainTextErrorBodyIsQuoted() async throws {
        let error = try await withServer(responses: [.body(status: 404, contentType: "text/plain", "no such route\n")])
        {
            server in
            try await using(try localClient(server)) { client in await chatError { _ = try await collect(client) } }
        }
        #expect(error?.message.hasSuffix("→ 404 Not Found: no such route") == true)
    }

    @Test func jsonAnswerInsteadOfAStreamIsAProtocolViolation() async throws {
        let response = try Fixture.response("llamacpp_chat_nonstream_text.json")
        let error = try await withServer(responses: [response]) { server in
            try await using(try localClient(server)) { client in await chatError { _ = try await collect(client) } }
        }
        let failure = try #require(error)
        #expect(failure.kind == .protocolViolation)
        #expect(failure.message.contains("Content-Type application/json instead of text/event-stream"))
        #expect(failure.message.contains("chat.completion"))
    }

    @Test func chunkThatIsNotJSONIsAProtocolViolation() async throws {
        let response = SSEScript.stream([SSEScript.text("ok"), "<html>oops</html>"])
        let error = try await withServer(responses: [response]) { server in
            try await using(try localClient(server)) { client in await chatError { _ = try await collect(client) } }
        }
        #expect(error?.kind == .protocolViolation)
        #expect(error?.message.contains("not a chat-completion chunk: <html>oops</html>") == true)
    }

    @Test func errorObjectMidStreamIsReported() async throws {
        let response = SSEScript.stream([
            SSEScript.text("partial"),
            #"{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}"#,
        ])
        let error = try await withServer(responses: [response]) { server in
            try await using(try localClient(server)) { client in await chatError { _ = try await collect(client) } }
        }
        #expect(error?.kind == .transport)
        #expect(error?.message.contains("reported an error mid-stream: The server had an error") == true)
    }

    @Test func silentServerTimesOut() async throws {
        let response = ScriptedResponse.eventStream(Self.someChunks + [.pause(milliseconds: 60_000)])
        let timeouts = ChatTimeouts(connect: .seconds(2), idleRead: .milliseconds(300))
        let started = ContinuousClock.now
        let error = try await withServer(responses: [response]) { server in
            try await using(try localClient(server, timeouts: timeouts)) { client in
                await chatError { _ = try await collect(client) }
            }
        }
        let failure = try #require(error)
        #expect(failure.kind == .transport)
        #expect(failure.message.contains("timed out"))
        #expect(failure.message.contains("300 ms"))
        // The server would go on for a minute: ending well before, with this message, is the idle timeout's doing
        // (the bound is loose because a loaded machine runs late, never a minute late).
        #expect(started.duration(to: .now) < .seconds(30), "the idle timeout, not the server, ended the call")
    }

    @Test func serverThatNeverAnswersTimesOut() async throws {
        let error = try await withServer({ _ in
            try? await Task.sleep(for: .seconds(5))
            return SSEScript.stream([])
        }) { server in
            try await using(
                try localClient(server, retryPolicy: quickRetries, timeouts: ChatTimeouts(idleRead: .milliseconds(300)))
            ) {
                client in await chatError { _ = try await collect(client) }
            }
        }
        #expect(error?.kind == .transport)
        #expect(error?.message.hasSuffix("/v1/chat/completions sent no response for 300 ms") == true)
    }

    @Test func refusedConnectionIsRetriedThenReported() async throws {
        // A port that was just bound and released: nothing listens there.
        let server = LoopbackServer(responses: [SSEScript.stream([])])
        try await server.start()
        let port = server.port
        await server.shutdown()
        let options = ProviderOptions(provider: .vllm, model: "m", baseURL: "http://127.0.0.1:\(port)/v1")
        let settings = try #require(try ProviderSettings.resolve(options, environment: [:]))
        let error = try await using(OpenAIChatClient(settings: settings, retryPolicy: quickRetries)) { client in
            await chatError { _ = try await collect(client) }
        }
        let failure = try #require(error)
        #expect(failure.kind == .transport)
        #expect(failure.provider == "vllm")
        #expect(failure.message.contains("could not connect to 127.0.0.1"))
        #expect(failure.message.contains("gave up after 2 retries"))
    }
}

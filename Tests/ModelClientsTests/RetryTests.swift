import Foundation
import LoopbackHTTP
import ModelClients
import Testing
import TestSupport
import WorkflowCore

@Suite struct RetryTests {
    static let success = SSEScript.stream([SSEScript.text("finally"), SSEScript.finish("stop")])

    /// The waits are measured on a test clock: the server's 1 s is asked for exactly, and spent in no time.
    @Test func retryAfterIsHonouredBeforeTheRetrySucceeds() async throws {
        let tooMany = ScriptedResponse.json(
            status: 429, #"{"error":{"message":"Rate limit reached","type":"requests"}}"#,
            headers: [("Retry-After", "1")])
        let clock = TestClock()
        let (collected, requests) = try await withServer(responses: [tooMany, Self.success]) { server in
            let collected = try await using(try localClient(server, retryPolicy: quickRetries, clock: clock)) {
                try await collect($0)
            }
            return (collected, server.requests)
        }
        #expect(collected.text == "finally")
        try #require(requests.count == 2)
        #expect(clock.sleeps == [.seconds(1)], "the server asked for 1 s")
        #expect(requests[0].body == requests[1].body, "the retry sends the same request")
    }

    @Test func retryAfterAsAnHTTPDateIsHonoured() async throws {
        // A date a minute ahead, made when the request arrives: the wait the client computes is that minute less the
        // time the answer took to reach it, which a loaded machine stretches to seconds but never to half a minute.
        let clock = TestClock()
        let patient = RetryPolicy(maxRetries: 2, initialDelay: .milliseconds(10), maxDelay: .seconds(120), jitter: 0)
        let requests = try await withServer({ request in
            guard request.sequenceNumber == 0 else { return Self.success }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            return .json(
                status: 503, #"{"error":{"message":"overloaded"}}"#,
                headers: [("Retry-After", formatter.string(from: Date().addingTimeInterval(60)))])
        }) { server in
            _ = try await using(try localClient(server, retryPolicy: patient, clock: clock)) { try await collect($0) }
            return server.requests
        }
        try #require(requests.count == 2)
        let wait = try #require(clock.sleeps.first)
        #expect(clock.sleeps.count == 1)
        #expect(wait >= .seconds(30) && wait <= .seconds(60))
    }

    @Test func retryAfterLongerThanTheCapFailsAtOnceWithTheServersAnswer() async throws {
        let tooMany = ScriptedResponse.json(
            status: 429, #"{"error":{"message":"Try again in 120 seconds"}}"#, headers: [("Retry-After", "120")])
        let clock = TestClock()
        let (error, count) = try await withServer(responses: [tooMany, Self.success]) { server in
            let error = try await using(try localClient(server, retryPolicy: quickRetries, clock: clock)) { client in
                await chatError { _ = try await collect(client) }
            }
            return (error, server.requests.count)
        }
        #expect(count == 1)
        #expect(clock.sleeps.isEmpty, "nothing waited for")
        #expect(error?.status == 429)
        #expect(error?.retryAfter == 120)
        #expect(error?.message.contains("Try again in 120 seconds") == true)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let badRequest = ScriptedResponse.json(status: 400, #"{"error":{"message":"bad tools"}}"#)
        let count = try await withServer(responses: [badRequest, Self.success]) { server in
            _ = try await using(try localClient(server, retryPolicy: quickRetries)) { client in
                await chatError { _ = try await collect(client) }
            }
            return server.requests.count
        }
        #expect(count == 1)
    }

    @Test func transientServerErrorThenSuccess() async throws {
        let badGateway = ScriptedResponse.body(status: 502, contentType: "text/html", "<html>Bad Gateway</html>")
        let (collected, count) = try await withServer(responses: [badGateway, badGateway, Self.success]) { server in
            let collected = try await using(try localClient(server, retryPolicy: quickRetries)) {
                try await collect($0)
            }
            return (collected, server.requests.count)
        }
        #expect(collected.text == "finally")
        #expect(count == 3)
    }

    @Test func backoffGrowsAndStaysWithinTheCap() {
        let policy = RetryPolicy(
            maxRetries: 5, initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .milliseconds(500), jitter: 0)
        #expect(policy.delay(beforeRetry: 1, retryAfter: nil) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 2, retryAfter: nil) == .milliseconds(200))
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 4, retryAfter: nil) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 6, retryAfter: nil) == nil)
        #expect(policy.delay(beforeRetry: 1, retryAfter: 0.25) == .milliseconds(250))
        #expect(policy.delay(beforeRetry: 1, retryAfter: 1) == nil, "longer than maxDelay")
        #expect(RetryPolicy.never.delay(beforeRetry: 1, retryAfter: nil) == nil)

        let jittered = RetryPolicy(initialDelay: .seconds(1), jitter: 0.2)
        for _ in 0..<50 {
            let delay = jittered.delay(beforeRetry: 1, retryAfter: nil)!
            #expect(delay >= .milliseconds(800) && delay <= .milliseconds(1200))
        }
    }
}

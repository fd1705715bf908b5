import Foundation
import LoopbackHTTP
import RemoteStream
import Testing
import TestSupport
import WorkflowCore

/// A server that is busy says so with 429 or 503 and `Retry-After`; attach waits that long, says it is waiting,
/// and then streams, as a person retrying by hand would.
@Suite("attach to a busy server")
struct BusyServerTests {
    static func stream() throws -> [ScriptedResponse.Step] {
        try Fixture.flowtopSSE(try Fixture.flowtopEvents("handoff.jsonl")).map { .bytes($0) }
    }

    @Test(arguments: [429, 503])
    func aBusyAnswerWithRetryAfterIsWaitedOutAndThenTheStreamArrives(status: Int) async throws {
        let busy = ScriptedResponse.json(
            status: status, #"{"error":"too many concurrent runs (limit 2); retry later"}"#, headers: [("Retry-After", "1")])
        let server = LoopbackServer(responses: [busy, .eventStream(try Self.stream())])
        try await server.start()
        let clock = TestClock()
        let policy = ReconnectPolicy(initialDelayMilliseconds: 100, maxDelayMilliseconds: 30_000, maxAttempts: 3)
        let result = await attach(server, body: #"{"message":"hi"}"#, policy: policy, clock: clock)
        await server.shutdown()
        #expect(result.outcome.failure == nil)
        #expect(result.events == (try Fixture.flowtopEvents("handoff.jsonl")))
        #expect(clock.sleeps == [.seconds(1)], "waited what the server asked for, once")
        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { String(decoding: $0.body, as: UTF8.self) == #"{"message":"hi"}"# })
        let waiting = result.states.compactMap { state -> (Int, String)? in
            if case let .reconnecting(delay, _, _, reason) = state { return (delay, reason) }
            return nil
        }
        #expect(waiting.count == 1)
        #expect(waiting.first?.0 == 1000)
        #expect(waiting.first?.1.contains("the server is busy (\(status)") == true)
        #expect(waiting.first?.1.contains("too many concurrent runs") == true)
    }

    @Test func aBusyServerAskingForALongerWaitThanAttachBacksOffIsToldSoAtOnce() async throws {
        let busy = ScriptedResponse.json(status: 429, #"{"error":"come back later"}"#, headers: [("Retry-After", "3600")])
        let server = LoopbackServer(responses: [busy, busy])
        try await server.start()
        let clock = TestClock()
        let policy = ReconnectPolicy(initialDelayMilliseconds: 100, maxDelayMilliseconds: 30_000, maxAttempts: 3)
        let result = await attach(server, policy: policy, clock: clock)
        await server.shutdown()
        #expect(clock.sleeps.isEmpty)
        #expect(server.requests.count == 1)
        let failure = try #require(result.outcome.failure)
        #expect(failure.status == 429)
        #expect(failure.message.contains("asked to wait 3600 s, longer than the 30 s attach waits"))
    }

    @Test func aBusyAnswerWithoutRetryAfterBacksOffAndGivesUpAfterTheAttemptLimit() async throws {
        let busy = ScriptedResponse.json(status: 503, #"{"error":"the server is shutting down"}"#)
        let server = LoopbackServer(responses: Array(repeating: busy, count: 4))
        try await server.start()
        let clock = TestClock()
        let policy = ReconnectPolicy(initialDelayMilliseconds: 100, maxDelayMilliseconds: 1000, maxAttempts: 3, jitter: 0)
        let result = await attach(server, policy: policy, clock: clock)
        await server.shutdown()
        #expect(clock.sleeps == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        #expect(server.requests.count == 4)
        let failure = try #require(result.outcome.failure)
        #expect(failure.message.contains("gave up reconnecting after 3 attempts"))
        #expect(failure.message.contains("shutting down"))
    }
}

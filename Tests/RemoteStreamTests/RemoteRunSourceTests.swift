import Foundation
import LoopbackHTTP
import RemoteStream
import Synchronization
import Testing
import TestSupport
import WorkflowCore

/// `flowtop top`'s source: a server's runs feed over real HTTP on loopback, reconnected with a fresh snapshot,
/// stopped with what to do on a 401.
@Suite("A remote server's runs feed as a run source")
struct RemoteRunSourceTests {
    static func summary(_ id: String, _ state: String) -> String {
        #"{"id":"\#(id)","workflow":"handoff","state":"\#(state)","started":1800000000.5,"elapsed_ms":1200,"agents":["Triage"],"current_agent":"Triage","input_tokens":10,"output_tokens":5,"tool_calls":1,"events":12,"events_per_second":3}"#
    }

    static func event(_ type: String, _ data: String) -> ScriptedResponse.Step {
        .bytes(Array("event: \(type)\ndata: \(data)\n\n".utf8))
    }

    @Test func aDroppedFeedIsAskedForAgainAndStartsWithANewSnapshotUntilA401StopsIt() async throws {
        let server = LoopbackServer(responses: [
            .eventStream([
                Self.event("snapshot", #"{"runs":[\#(Self.summary("run_a", "completed"))]}"#),
                Self.event("run_started", Self.summary("run_b", "running")),
                .cutConnection,
            ]),
            .eventStream([Self.event("snapshot", #"{"runs":[\#(Self.summary("run_b", "failed"))]}"#)]),
            .json(status: 401, #"{"error":"a valid API key is required"}"#),
        ])
        try await server.start()
        let clock = TestClock()
        let source = RemoteRunSource(
            baseURL: server.baseURL + "/", headers: [("Authorization", "Bearer k3y")], secrets: ["k3y"],
            policy: ReconnectPolicy(initialDelayMilliseconds: 100, maxDelayMilliseconds: 1000, maxAttempts: 3), clock: clock)
        let events = Mutex<[RunFeedEvent]>([])
        let states = Mutex<[ConnectionState]>([])
        let end = await source.follow(onEvent: { event in events.withLock { $0.append(event) } },
                                      onConnection: { state in states.withLock { $0.append(state) } })
        await source.shutdown()
        await server.shutdown()

        let received = events.withLock { $0 }
        #expect(received.map { $0.summaries.map(\.id) } == [["run_a"], ["run_b"], ["run_b"]])
        guard case let .snapshot(runs) = received.last else {
            Issue.record("the new connection did not start with a snapshot")
            return
        }
        #expect(runs.first?.state == .failed)
        #expect(runs.first?.usage == Usage(inputTokens: 10, outputTokens: 5))
        #expect(runs.first?.currentAgent == "Triage")
        let shown = states.withLock { $0 }
        let attempts = shown.compactMap { if case let .reconnecting(_, attempt, _, _) = $0 { return attempt } else { return nil } }
        // Each connection that delivered something starts the count again.
        #expect(attempts == [1, 1])
        #expect(clock.sleeps.count == 2)
        #expect(shown.last == .closed("401 Unauthorized: pass --api-key"))
        guard case let .failed(failure) = end else {
            Issue.record("the feed did not stop on the 401")
            return
        }
        #expect(failure.status == 401)
        #expect(server.requests.count == 3)
        #expect(server.requests.allSatisfy { $0.uri == "/api/runs/feed" && $0.header("Authorization") == "Bearer k3y" })
    }

    @Test func aRunsEventsComeFromItsEventsRoute() async throws {
        let server = LoopbackServer(responses: [.eventStream([
            .bytes(Array("id: 1\nevent: workflow_started\ndata: {\"type\":\"workflow_started\",\"run_id\":\"run_a\",\"workflow\":\"handoff\",\"participants\":[\"Triage\"],\"seq\":1,\"ts\":1800000000}\n\n".utf8)),
            .bytes(Array("id: 2\nevent: done\ndata: {\"type\":\"done\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2},\"duration_ms\":5,\"seq\":2,\"ts\":1800000001}\n\n".utf8)),
        ])])
        try await server.start()
        let source = RemoteRunSource(baseURL: server.baseURL)
        let events = Mutex<[WorkflowEvent]>([])
        await source.events(ofRun: "run_a", onEvent: { event in events.withLock { $0.append(event) } }, onConnection: { _ in })
        await source.shutdown()
        await server.shutdown()
        #expect(events.withLock { $0.map(\.sequence) } == [1, 2])
        #expect(server.requests.first?.uri == "/api/runs/run_a/events")
    }
}

import Foundation
import Testing
import Wire
import WorkflowCore
import WorkflowServer
import RemoteStream
import AsyncHTTPClient

@Suite("Answering a served run's requests over HTTP")
struct RequestAnswerRouteTests {
    static let prompt = #"{"message":"Research the weather in Lisbon and send the report","workflow":"approval"}"#

    /// Waits until the run's desk holds a request and returns the run's id and the request.
    func pending(_ harness: ServerHarness, not answered: Set<String> = []) async throws -> (String, HumanRequest) {
        var found: (String, HumanRequest)?
        let seen = await eventually {
            guard let id = harness.server.registry.list().first?.id, let record = harness.server.registry.run(id: id),
                let request = record.desk.pending.first(where: { !answered.contains($0.id) })
            else { return false }
            found = (id, request)
            return true
        }
        try #require(seen, "no request reached the run's desk")
        return try #require(found)
    }

    @Test("GET /api/runs/{id} lists the pending request, the first answer wins, and every watcher sees it resolved")
    func firstAnswerWins() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let starter = Task { try await harness.stream(Self.prompt) }
        let (runId, approval) = try await pending(harness)
        let watcher = Task { try await harness.send("/api/runs/\(runId)/events", method: .GET) }

        let run = try await harness.send("/api/runs/\(runId)", method: .GET)
        #expect(run.status == 200)
        let listed = try #require(try JSONValue(parsing: run.body)["pending_requests"]?.arrayValue)
        #expect(listed.first?["request_id"]?.stringValue == approval.id)
        #expect(listed.first?["kind"]?.stringValue == "approval")
        #expect(listed.first?["tool"]?.stringValue == "send_report")

        let route = "/api/runs/\(runId)/requests/\(approval.id)"
        let first = try await harness.send(route, body: #"{"approved":true,"answered_by":"ana"}"#)
        #expect(first.status == 200)
        #expect(first.body.contains(#""status":"accepted""#))
        let second = try await harness.send(route, body: #"{"approved":false,"reason":"too late"}"#)
        #expect(second.status == 409)

        let (_, question) = try await pending(harness, not: [approval.id])
        let answered = try await harness.send("/api/runs/\(runId)/requests/\(question.id)", body: #"{"response":"formal"}"#)
        #expect(answered.status == 200)

        for stream in [try await starter.value, try await watcher.value] {
            let events = try stream.events
            let resolved = try #require(events.first { $0.type == "approval_resolved" })
            #expect(resolved.data.contains(#""approved":true"#))
            #expect(resolved.data.contains("ana"))
            #expect(events.last?.type == "done")
        }
        try await harness.shutdown()
    }

    @Test("an unknown run or request is 404, an answer of the wrong shape or outside the choices is 422, and the run waits on")
    func refusals() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let starter = Task { try await harness.stream(Self.prompt) }
        let (runId, approval) = try await pending(harness)
        let route = "/api/runs/\(runId)/requests/\(approval.id)"

        #expect(try await harness.send("/api/runs/run_nope/requests/\(approval.id)", body: #"{"approved":true}"#).status == 404)
        #expect(try await harness.send("/api/runs/\(runId)/requests/req_nope", body: #"{"approved":true}"#).status == 404)
        let wrongKind = try await harness.send(route, body: #"{"response":"yes please"}"#)
        #expect(wrongKind.status == 422)
        #expect(wrongKind.body.contains("approval"))
        #expect(try await harness.send(route, body: #"{"approved":"yes"}"#).status == 422)
        #expect(try await harness.send(route, body: "not json").status == 422)
        #expect(try await harness.send(route, body: #"{"approved":true,"response":"x"}"#).status == 422)
        // None of those answered it.
        #expect(harness.server.registry.run(id: runId)?.desk.pending.first?.id == approval.id)

        #expect(try await harness.send(route, body: #"{"approved":false,"reason":"not now"}"#).status == 200)
        let (_, question) = try await pending(harness, not: [approval.id])
        let questionRoute = "/api/runs/\(runId)/requests/\(question.id)"
        let outside = try await harness.send(questionRoute, body: #"{"response":"grumpy"}"#)
        #expect(outside.status == 422)
        #expect(outside.body.contains("one of"))
        #expect(try await harness.send(questionRoute, body: #"{"response":"poetic"}"#).status == 200)
        let events = try await starter.value.events
        #expect(events.first { $0.type == "approval_resolved" }?.data.contains("not now") == true)
        #expect(events.last?.type == "done")
        try await harness.shutdown()
    }

    @Test("with an API key set, answering needs it")
    func needsTheKey() async throws {
        let harness = try await ServerHarness.start({ $0.apiKey = "k3y" }, workflow: "approval")
        let starter = Task {
            try await harness.stream(Self.prompt, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer k3y")])
        }
        let (runId, approval) = try await pending(harness)
        let route = "/api/runs/\(runId)/requests/\(approval.id)"
        #expect(try await harness.send(route, body: #"{"approved":true}"#).status == 401)
        #expect(harness.server.registry.run(id: runId)?.desk.pending.isEmpty == false)
        let keyed = try await harness.send(
            route, body: #"{"approved":true}"#, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer k3y")])
        #expect(keyed.status == 200)
        harness.server.registry.stopAll(reason: "test over")
        _ = try? await starter.value
        try await harness.shutdown()
    }
}

@Suite("attach answering a flowtop run where it lives")
struct AttachAnswerTests {
    @Test func anAnswerFromAttachGoesToTheRunsServerAndASecondAnswerIsRefusedInWords() async throws {
        let harness = try await ServerHarness.start(workflow: "approval")
        let starter = Task { try await harness.stream(RequestAnswerRouteTests.prompt) }
        let (runId, approval) = try await RequestAnswerRouteTests().pending(harness)
        let answers = try #require(FlowtopRequestAnswers(
            streamURL: harness.base + "/api/runs/\(runId)/events", headers: [], client: HTTPClient.shared))
        #expect(await answers.send(approval.id, .approval(.init(approved: true))) != nil, "no run id seen yet")
        answers.observe(WorkflowEvent(sequence: 1, timestamp: 0, kind: .runStarted(.init(
            runId: runId, workflow: "approval", participants: []))))
        #expect(await answers.send(approval.id, .approval(.init(approved: false, reason: "no"))) == nil)
        let again = await answers.send(approval.id, .approval(.init(approved: true)))
        #expect(again?.contains("already answered") == true)
        harness.server.registry.stopAll(reason: "test over")
        let events = try await starter.value.events
        let resolved = try #require(events.first { $0.type == "approval_resolved" })
        #expect(resolved.data.contains(#""approved":false"#))
        #expect(resolved.data.contains("attach"))
        try await harness.shutdown()
    }
}

import Foundation
import Testing
import Wire
import WorkflowCore
import WorkflowServer

@Suite("A served run that waits on a person")
struct RequestWaitTests {
    /// Waits until the run's desk holds a request and returns it.
    func pending(_ harness: ServerHarness) async throws -> (RunRecord, HumanRequest) {
        var found: (RunRecord, HumanRequest)?
        let seen = await eventually {
            guard let id = harness.server.registry.list().first?.id, let record = harness.server.registry.run(id: id),
                let request = record.desk.pending.first
            else { return false }
            found = (record, request)
            return true
        }
        try #require(seen, "no request reached the run's desk")
        return try #require(found)
    }

    @Test("time waiting for an answer does not count against the run timeout")
    func waitingIsNotActiveTime() async throws {
        let harness = try await ServerHarness.start({ $0.runTimeout = .milliseconds(300) }, workflow: "approval")
        let answer = Task {
            try await harness.stream(#"{"message":"Research the weather in Lisbon and send the report","workflow":"approval"}"#)
        }
        let (record, approval) = try await pending(harness)
        #expect(record.desk.isWaiting)
        // Several run timeouts pass while the person decides.
        try await Task.sleep(for: .seconds(1))
        #expect(record.isRunning)
        #expect(record.desk.answer(approval.id, with: .approval(.init(approved: true, answeredBy: "test"))) == .accepted)
        let (_, question) = try await pending(harness)
        #expect(record.desk.answer(question.id, with: .input(.init(text: "formal"))) == .accepted)
        let events = try await answer.value.events
        #expect(events.map(\.type).contains("approval_resolved"))
        #expect(events.last?.type == "done")
        try await harness.shutdown()
    }
}

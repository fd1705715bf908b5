import TestSupport
import Testing
@testable import WorkflowCore

@Suite("Approvals and people in every workflow kind")
struct HumanLoopWorkflowTests {
    let prompt = "Research the weather in Lisbon and send the report to the team"

    @Test func theApprovalPresetWaitsForTheCallAndTheToneThenFinishes() async throws {
        let events = await runAsking(try preset("approval"), prompt, answer: answering(approve: true))
        #expect(outline(events) == [
            "run approval",
            "started Researcher", "tool Researcher get_weather", "result Researcher get_weather",
            "tool Researcher send_report", "approval? Researcher send_report", "approval yes Researcher",
            "result Researcher send_report", "text Researcher", "completed Researcher",
            "transition Researcher Editor",
            "started Editor", "input? Editor", "input Editor", "text Editor", "completed Editor",
            "transition Editor Writer",
            "started Writer", "text Writer", "completed Writer",
            "output Writer", "done",
        ])
        let request = events.lazy.compactMap { event -> ApprovalRequest? in
            if case let .approvalRequested(request) = event.kind { return request }
            return nil
        }.first
        #expect(request?.arguments.contains("team@example.com") == true)
        #expect(toolResult("send_report", in: events)?.isError == false)
        // The Writer took the tone the person chose.
        #expect(text(of: "Writer", in: events).hasPrefix("Weather report for Lisbon"))
    }

    @Test func aQuestionWithChoicesCarriesThemAsAnEnumSchema() async throws {
        let events = await runAsking(try preset("approval"), prompt, answer: answering(approve: true, text: "poetic"))
        let question = events.lazy.compactMap { event -> InputRequest? in
            if case let .inputRequested(request) = event.kind { return request }
            return nil
        }.first
        #expect(question?.question == "Which tone should the Writer take?")
        #expect(question?.choices == ["cheerful", "formal", "poetic"])
        #expect(text(of: "Editor", in: events) == "poetic")
    }

    @Test func aRejectedCallReachesTheModelAsARejectionWithTheReason() async throws {
        let events = await runAsking(try preset("approval"), prompt, answer: answering(approve: false, reason: "not before Monday"))
        let result = toolResult("send_report", in: events)
        #expect(result?.isError == true)
        #expect(result?.result == "Error: Tool call invocation was rejected by user. Reason: not before Monday")
        #expect(text(of: "Researcher", in: events).hasPrefix("I did not send the report: you rejected it (not before Monday)."))
        #expect(outline(events).last == "done")
    }

    @Test func anUnansweredApprovalEndsTheRunWhenItsTimeRunsOut() async throws {
        let clock = TestClock()
        let events = await runAsking(try preset("approval"), prompt, clock: clock) { _ in nil }
        #expect(failure(in: events)
            == "no answer to the approval of Researcher's call of send_report within 10 min (--request-timeout); the run stops")
        #expect(clock.sleeps == [.seconds(600)])
        // The held call never ran.
        #expect(toolResult("send_report", in: events) == nil)
    }

    @Test func anUnansweredQuestionEndsTheRunWhenItsTimeRunsOut() async throws {
        let clock = TestClock()
        let events = await runAsking(try preset("approval"), prompt, clock: clock) { request in
            if case .approval = request { return .approval(ApprovalDecision(approved: true)) }
            return nil
        }
        #expect(failure(in: events)
            == "no answer to Editor's question \"Which tone should the Writer take?\" within 10 min (--request-timeout); the run stops")
    }

    @Test func aGroupChatAsksForApprovalAndGivesThePersonATurn() async throws {
        let events = await runAsking(try definition(groupChatWithPeople), prompt, answer: answering(approve: true, text: "Add the wind."))
        let labels = outline(events)
        #expect(labels.contains("approval yes Researcher"))
        #expect(labels.contains("input Editor"))
        #expect(labels.last == "done")
        #expect(text(of: "Editor", in: events) == "Add the wind.")
    }

    @Test func aGroupChatCarriesOnAfterARejection() async throws {
        let events = await runAsking(try definition(groupChatWithPeople), prompt, answer: answering(approve: false))
        #expect(toolResult("send_report", in: events)?.result == "Error: Tool call invocation was rejected by user.")
        #expect(text(of: "Researcher", in: events).contains("I did not send the report: you rejected it."))
        #expect(outline(events).last == "done")
    }

    @Test func aGroupChatFailsWhenTheApprovalExpires() async throws {
        let events = await runAsking(try definition(groupChatWithPeople), prompt, clock: TestClock()) { _ in nil }
        #expect(failure(in: events)?.hasPrefix("no answer to the approval of Researcher's call of get_weather") == true)
    }

    @Test func aHandoffStartsWithThePersonAndGoesOnToTheSpecialist() async throws {
        let events = await runAsking(try definition(handoffWithPeople), "What's the weather in Tokyo?", answer: answering(approve: true, text: "Tokyo, please"))
        let labels = outline(events)
        #expect(Array(labels.prefix(5)) == ["run handoff-approval", "started Customer", "input? Customer", "input Customer", "text Customer"])
        #expect(labels.contains("transition Customer Triage"))
        #expect(labels.contains("approval yes Weather"))
        #expect(toolResult("get_weather", in: events)?.isError == false)
        #expect(labels.last == "done")
    }

    @Test func aHandoffSpecialistHearsOfARejection() async throws {
        let events = await runAsking(try definition(handoffWithPeople), "What's the weather in Tokyo?", answer: answering(approve: false, reason: "no"))
        #expect(toolResult("get_weather", in: events)?.result == "Error: Tool call invocation was rejected by user. Reason: no")
        #expect(outline(events).last == "done")
    }

    @Test func aHandoffFailsWhenThePersonNeverAnswers() async throws {
        let events = await runAsking(try definition(handoffWithPeople), "What's the weather in Tokyo?", clock: TestClock()) { _ in nil }
        #expect(failure(in: events) == "no answer to Customer's question \"What do you need?\" within 10 min (--request-timeout); the run stops")
    }

    @Test func aRunWithNoOneToAskFailsAtTheFirstApproval() async throws {
        let events = await run(try preset("approval"), prompt)
        #expect(failure(in: events)?.contains("send_report needs approval, but no one can approve it here") == true)
    }

    @Test func fixedApprovalsDecideEveryCallButCannotAnswerAQuestion() async throws {
        let log = EventLog()
        await HumanLoop.$responder.withValue(FixedApprovals(approve: false, hint: "run on a terminal to answer it")) {
            await WorkflowRunner.run(try! preset("approval"), prompt: prompt) { log.append($0) }
        }
        #expect(toolResult("send_report", in: log.events)?.isError == true)
        #expect(failure(in: log.events) == "Editor asks \"Which tone should the Writer take?\", but no one can answer here; run on a terminal to answer it")
    }
}

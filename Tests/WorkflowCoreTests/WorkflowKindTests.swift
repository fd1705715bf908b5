import Foundation
import Testing
@testable import WorkflowCore

@Suite("Workflow kinds with the scripted model")
struct WorkflowKindTests {
    @Test func sequentialResearchWriterOrderAndAttribution() async throws {
        let events = await run(try preset("research-writer"), "Research the weather in Seattle and write a short poem about it")
        #expect(outline(events) == [
            "run research-writer",
            "started Researcher", "tool Researcher get_weather", "result Researcher get_weather", "text Researcher",
            "completed Researcher",
            "transition Researcher Writer",
            "started Writer", "text Writer", "completed Writer",
            "output Writer", "done",
        ])
        #expect(events.map(\.sequence) == Array(1...events.count))
        let weather = BuiltinTools.simulatedWeather(for: "Seattle")
        #expect(text(of: "Researcher", in: events).contains(weather))
        // The Writer saw the Researcher's findings: its poem names the place and the condition.
        #expect(text(of: "Writer", in: events).contains("Seattle"))
        guard case let .output(agent, answer) = events[events.count - 2].kind else {
            Issue.record("no output event")
            return
        }
        #expect(agent == "Writer")
        #expect(answer == text(of: "Writer", in: events))
        guard case let .runCompleted(finalAgent, usage, _) = events.last?.kind else { return }
        #expect(finalAgent == "Writer")
        #expect(usage.outputTokens > 0)
    }

    @Test func textDeltasOfOneResponseShareAMessageId() async throws {
        let events = await run(try preset("research-writer"), "Weather in Oslo, then a poem")
        var ids: [String: Set<String>] = [:]
        for event in events {
            if case let .textDelta(agent, messageId, _) = event.kind { ids[agent, default: []].insert(messageId) }
        }
        #expect(ids["Researcher"]?.count == 1)
        #expect(ids["Writer"]?.count == 1)
        #expect(ids["Researcher"] != ids["Writer"])
    }

    @Test func groupChatManagerPicksSpeakersUntilApproval() async throws {
        let events = await run(try preset("group-chat"), "A short poem about Oslo")
        let transitions = events.compactMap { event -> String? in
            if case let .transition(_, to, reason) = event.kind { return "\(to) (\(reason ?? ""))" }
            return nil
        }
        #expect(transitions == [
            "Writer (chosen by Manager)", "Critic (chosen by Manager)", "Writer (chosen by Manager)",
            "Critic (chosen by Manager)",
        ])
        #expect(text(of: "Critic", in: events).contains("APPROVED"))
        guard case let .output(agent, answer) = events[events.count - 2].kind else { return }
        #expect(agent == "Writer")
        #expect(answer.contains("(revised)"))
    }

    @Test func groupChatRoundRobinStopsAtTheRoundCap() async throws {
        let client = ScriptedChatClient()
        let workflow = GroupChatWorkflow(
            name: "rr",
            agents: [
                Agent(name: "A", instructions: "You are an analyst.", client: client),
                Agent(name: "B", instructions: "You are a builder.", client: client),
            ],
            selection: .roundRobin, maxRounds: 3)
        let events = await run(workflow, "Plan a bridge")
        let speakers = events.compactMap { event -> String? in
            if case let .agentStarted(agent) = event.kind { return agent }
            return nil
        }
        #expect(speakers == ["A", "B", "A"])
        #expect(events.last.map(label) == "done")
    }

    @Test func concurrentAgentsStayAttributedAndFanIn() async throws {
        let client = ScriptedChatClient(pace: .init(tokensPerSecond: 2000))
        let events = await run(try preset("concurrent", client: client), "What is Lisbon like in winter?")
        let experts = ["Meteorologist", "Historian", "Travel Guide"]
        for expert in experts {
            #expect(text(of: expert, in: events).contains("Lisbon"), "\(expert)")
        }
        // The experts streamed at the same time: their text deltas interleave.
        let order = events.compactMap { event -> String? in
            if case let .textDelta(agent, _, _) = event.kind, experts.contains(agent) { return agent }
            return nil
        }
        let switches = zip(order, order.dropFirst()).filter { $0 != $1 }.count
        #expect(switches > 2)
        let fanIn = events.filter { if case .transition(_, "Summarizer", "fan-in") = $0.kind { true } else { false } }
        #expect(fanIn.count == 3)
        let summary = text(of: "Summarizer", in: events)
        for expert in experts { #expect(summary.contains(expert)) }
        #expect(events.last.map(label) == "done")
    }

    @Test func handoffRoutesFromTriageToTheSpecialist() async throws {
        let events = await run(try preset("handoff"), "What's the weather in Tokyo right now?")
        #expect(outline(events) == [
            "run handoff",
            "started Triage", "text Triage", "tool Triage handoff_to_weather", "result Triage handoff_to_weather",
            "completed Triage",
            "transition Triage Weather",
            "started Weather", "tool Weather get_weather", "result Weather get_weather", "text Weather",
            "completed Weather",
            "output Weather", "done",
        ])
        let reason = events.compactMap { event -> String? in
            if case let .transition(_, _, reason) = event.kind { return reason }
            return nil
        }.first
        #expect(reason?.contains("weather") == true)
        #expect(text(of: "Weather", in: events).contains("Tokyo"))
    }

    @Test func handoffToTheTimeSpecialistUsesTheRealClock() async throws {
        let events = await run(try preset("handoff"), "What time is it in Tokyo?")
        let result = events.compactMap { event -> String? in
            if case let .toolResult(info) = event.kind, info.tool == "get_time" { return info.result }
            return nil
        }.first
        #expect(result?.contains("Asia/Tokyo") == true)
    }
}

import Foundation
import Synchronization
import Testing
@testable import WorkflowCore

@Suite("Agent loop: tools, caps, faults, cancellation")
struct AgentLoopTests {
    static func slowTool(_ name: String, delay: Duration, log: EventLog? = nil) -> Tool {
        Tool(name: name, description: "waits", parameters: ["type": "object"]) { arguments in
            try await Task.sleep(for: delay)
            return "\(name) done for \(arguments["location"]?.stringValue ?? "?")"
        }
    }

    @Test func parallelToolCallsRunAtOnce() async throws {
        // The scripted researcher asks for the weather in every place it finds, in one response.
        var weather = BuiltinTools.weather(latency: .zero)
        let inner = weather.body
        weather.body = { arguments in
            try await Task.sleep(for: .milliseconds(300))
            return try await inner(arguments)
        }
        let agent = Agent(
            name: "Researcher", instructions: "Research information using tools. Be brief.", tools: [weather],
            client: ScriptedChatClient())
        let events = await run(SequentialWorkflow(name: "p", agents: [agent]), "Compare Seattle, Paris and Lima")
        let labels = events.map(label)
        let starts = labels.indices.filter { labels[$0] == "tool Researcher get_weather" }
        let results = labels.indices.filter { labels[$0] == "result Researcher get_weather" }
        #expect(starts.count == 3)
        #expect(results.count == 3)
        // All three began before any finished: they ran concurrently, not one after another.
        #expect(starts.max()! < results.min()!)
        let findings = text(of: "Researcher", in: events)
        for place in ["Seattle", "Paris", "Lima"] { #expect(findings.contains(place)) }
    }

    @Test func toolResultsKeepTheModelsOrder() async throws {
        let seen = Mutex<[String]>([])
        let client = ClosureChatClient { request, call in
            if call == 1 {
                return ScriptedReplyForTest(text: "", toolCalls: [("slow", "{}"), ("fast", "{}")])
            }
            let results = request.messages.filter { $0.role == .tool }.flatMap(\.functionResults).map(\.name)
            seen.withLock { $0 = results }
            return ScriptedReplyForTest(text: "ok")
        }
        let agent = Agent(
            name: "A", instructions: "x",
            tools: [Self.slowTool("slow", delay: .milliseconds(150)), Self.slowTool("fast", delay: .zero)],
            client: client)
        _ = await run(SequentialWorkflow(name: "o", agents: [agent]), "go")
        #expect(seen.withLock { $0 } == ["slow", "fast"])
    }

    @Test func toolRoundCapFailsTheRunClearly() async throws {
        let client = ClosureChatClient { _, _ in ScriptedReplyForTest(text: "", toolCalls: [("get_weather", #"{"location":"Rome"}"#)]) }
        let agent = Agent(
            name: "Looper", instructions: "x", tools: [BuiltinTools.weather(latency: .zero)], client: client,
            maxToolRounds: 2)
        let events = await run(SequentialWorkflow(name: "cap", agents: [agent]), "go")
        // Two rounds of tools ran; the third request for tools ended the run.
        #expect(events.filter { label($0) == "result Looper get_weather" }.count == 2)
        guard case let .runFailed(error, agentName) = events.last?.kind else {
            Issue.record("expected a failed run, got \(events.last.map(label) ?? "nothing")")
            return
        }
        #expect(agentName == "Looper")
        #expect(error.contains("after 2 rounds"))
    }

    @Test func unknownToolAndFailingToolBecomeErrorResults() async throws {
        let failing = Tool(name: "lookup", description: "fails", parameters: ["type": "object"]) { _ in
            throw ToolError("the service is down")
        }
        let client = ClosureChatClient { request, call in
            if call == 1 { return ScriptedReplyForTest(text: "", toolCalls: [("lookup", "{}"), ("nonexistent", "{}")]) }
            let results = request.messages.flatMap(\.functionResults)
            return ScriptedReplyForTest(text: results.map(\.result).joined(separator: " | "))
        }
        let agent = Agent(name: "A", instructions: "x", tools: [failing], client: client)
        let events = await run(SequentialWorkflow(name: "t", agents: [agent]), "go")
        let errors = events.compactMap { event -> String? in
            if case let .toolResult(info) = event.kind, info.isError { return info.result }
            return nil
        }
        #expect(errors.count == 2)
        #expect(errors.contains("Error: the service is down"))
        #expect(errors.contains { $0.contains("no tool named nonexistent") && $0.contains("available: lookup") })
        #expect(events.last.map(label) == "done")
        #expect(text(of: "A", in: events).contains("the service is down"))
    }

    @Test func llamaCppStyleRepeatedFragmentsMergeOnce() {
        var accumulator = ToolCallAccumulator()
        accumulator.add(ToolCallDelta(index: 0, callId: "call_1", name: "get_weather", argumentsDelta: "{\""))
        accumulator.add(ToolCallDelta(index: 0, callId: "call_1", name: "get_weather", argumentsDelta: "location\": \"Se"))
        accumulator.add(ToolCallDelta(index: 1, callId: "call_2", name: "get_time", argumentsDelta: "{}"))
        accumulator.add(ToolCallDelta(index: 0, callId: "call_1", name: "get_weather", argumentsDelta: "attle\"}"))
        let calls = accumulator.finishedCalls(idPrefix: "x")
        #expect(calls == [
            FunctionCall(callId: "call_1", name: "get_weather", arguments: #"{"location": "Seattle"}"#),
            FunctionCall(callId: "call_2", name: "get_time", arguments: "{}"),
        ])
    }

    @Test func openAIStyleFragmentsWithoutIdsGetGeneratedIds() {
        var accumulator = ToolCallAccumulator()
        accumulator.add(ToolCallDelta(index: 0, name: "f", argumentsDelta: "{"))
        accumulator.add(ToolCallDelta(index: 0, argumentsDelta: "}"))
        #expect(accumulator.finishedCalls(idPrefix: "call_m") == [FunctionCall(callId: "call_m_0", name: "f", arguments: "{}")])
    }

    @Test func injectedRateLimitFailsTheRunWithTheStatus() async throws {
        let client = ScriptedChatClient(faults: .init(rateLimitOnCall: 2))
        let events = await run(try preset("research-writer", client: client), "Weather in Seattle")
        guard case let .runFailed(error, _) = events.last?.kind else {
            Issue.record("expected failure")
            return
        }
        #expect(error.contains("429"))
        // The first call (the tool request) went through before the fault.
        #expect(events.contains { label($0) == "result Researcher get_weather" })
    }

    @Test func injectedDroppedStreamFailsAfterPartialText() async throws {
        let client = ScriptedChatClient(faults: .init(dropStreamAfterTokens: 3))
        let events = await run(try preset("group-chat", client: client), "A poem about rain")
        // The Manager's one-word answer, then the Writer's stream cut after three tokens.
        #expect(text(of: "Manager", in: events) == "Writer")
        #expect(events.filter { if case .textDelta("Writer", _, _) = $0.kind { true } else { false } }.count == 3)
        guard case let .runFailed(error, _) = events.last?.kind else {
            Issue.record("expected failure")
            return
        }
        #expect(error.contains("cut off"))
    }

    @Test func injectedMalformedArgumentsBecomeAToolError() async throws {
        let client = ScriptedChatClient(faults: .init(malformedToolArguments: true))
        let events = await run(try preset("research-writer", client: client), "Weather in Seattle")
        let result = events.compactMap { event -> WorkflowEvent.ToolResultInfo? in
            if case let .toolResult(info) = event.kind { return info }
            return nil
        }.first
        #expect(result?.isError == true)
        #expect(result?.result.contains("not valid JSON") == true)
        #expect(text(of: "Researcher", in: events).contains("failed"))
        #expect(events.last.map(label) == "done")
    }

    @Test func invalidManagerChoiceFallsBackToRoundRobin() async throws {
        let manager = ClosureChatClient { _, call in ScriptedReplyForTest(text: call == 1 ? "Bob" : "DONE") }
        let scripted = ScriptedChatClient()
        let workflow = GroupChatWorkflow(
            name: "g",
            agents: [
                Agent(name: "Writer", instructions: "Write a poem.", client: scripted),
                Agent(name: "Critic", instructions: "Review as a critic.", client: scripted),
            ],
            selection: .manager(Agent(name: "Manager", instructions: "Pick.", client: manager)))
        let events = await run(workflow, "A poem about snow")
        let warnings = events.compactMap { event -> String? in
            if case let .warning(agent, message) = event.kind, agent == "Manager" { return message }
            return nil
        }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("\"Bob\"") == true)
        #expect(warnings.first?.contains("round-robin (Writer)") == true)
        #expect(outline(events).contains("transition - Writer"))
        #expect(events.last.map(label) == "done")
    }

    @Test func managerReplyMentioningOneParticipantIsAccepted() {
        let client = ScriptedChatClient()
        let chat = GroupChatWorkflow(
            name: "g",
            agents: [Agent(name: "Writer", instructions: "w", client: client), Agent(name: "Critic", instructions: "c", client: client)],
            selection: .roundRobin)
        if case let .speaker(agent) = chat.interpret("I think the Critic should go next.") {
            #expect(agent.name == "Critic")
        } else {
            Issue.record("not accepted")
        }
        if case .invalid = chat.interpret("Either the Writer or the Critic") {} else { Issue.record("ambiguous accepted") }
        if case .end = chat.interpret(" done. ") {} else { Issue.record("done not understood") }
    }
}

@Suite("Cancellation")
struct CancellationTests {
    /// Counts model calls in flight, to prove none outlives a cancelled run.
    final class InFlight: Sendable {
        let count = Mutex(0)
        let started = Mutex(0)
    }

    static func endlessClient(_ inFlight: InFlight) -> ClosureChatClient {
        ClosureChatClient { _, _ in
            inFlight.count.withLock { $0 += 1 }
            inFlight.started.withLock { $0 += 1 }
            defer { inFlight.count.withLock { $0 -= 1 } }
            try await Task.sleep(for: .seconds(60))
            return ScriptedReplyForTest(text: "never")
        }
    }

    @Test func droppingTheStreamCancelsModelCallsPromptly() async throws {
        let inFlight = InFlight()
        let client = Self.endlessClient(inFlight)
        let workflow = ConcurrentWorkflow(
            name: "c", agents: (1...3).map { Agent(name: "E\($0)", instructions: "x", client: client) }, aggregator: nil)
        let clock = ContinuousClock()
        let start = clock.now
        for await event in WorkflowRunner.events(of: workflow, prompt: "go") {
            if inFlight.started.withLock({ $0 }) == 3, case .agentStarted = event.kind { break }
            if case .agentStarted = event.kind, inFlight.started.withLock({ $0 }) >= 1 { break }
        }
        // The consumer left: the run must wind down by itself. The model calls sleep for 60 s, so all of them
        // ending well before that proves they were cancelled (no wall-clock bound: the test pool may be busy).
        while inFlight.count.withLock({ $0 }) > 0, clock.now - start < .seconds(30) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(inFlight.count.withLock { $0 } == 0)
        #expect(clock.now - start < .seconds(30))
    }

    @Test func cancellingTheRunningTaskEndsWithACancelledEvent() async throws {
        let inFlight = InFlight()
        let log = EventLog()
        let workflow = SequentialWorkflow(
            name: "s", agents: [Agent(name: "A", instructions: "x", client: Self.endlessClient(inFlight))])
        let task = Task { await WorkflowRunner.run(workflow, prompt: "go") { log.append($0) } }
        while inFlight.started.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await task.value
        #expect(inFlight.count.withLock { $0 } == 0)
        #expect(log.events.last?.kind == .runCancelled(reason: nil))
    }

    @Test func scriptedModelAtRealisticPaceStopsWhenCancelled() async throws {
        let client = ScriptedChatClient(pace: .realistic)
        let workflow = try preset("research-writer", client: client)
        let log = EventLog()
        let task = Task { await WorkflowRunner.run(workflow, prompt: "Weather in Seattle") { log.append($0) } }
        while !log.events.contains(where: { label($0) == "text Researcher" }) { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await task.value
        // Stopped mid-run: the Writer never got to write, and the run says it was cancelled.
        #expect(!log.events.contains { label($0) == "started Writer" })
        #expect(log.events.last?.kind == .runCancelled(reason: nil))
    }
}

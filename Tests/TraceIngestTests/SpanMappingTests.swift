import Dashboard
import Testing
import TestSupport
import TraceIngest
import TraceRunBuilder
import WorkflowCore

/// Agent Framework's captured spans become a run as the dashboard shows it.
@Suite("Spans become runs")
struct SpanMappingTests {
    private func capturedRun() throws -> (Feed, DashboardState) {
        var feed = Feed()
        for batch in try Capture.protobufSpans() { _ = feed.add(batch) }
        feed.settle()
        return (feed, feed.state(of: Capture.runTraceId))
    }

    @Test("the captured workflow is one run named by its workflow, with a pane per executor and agent, completed")
    func panesAndEndState() throws {
        let (feed, state) = try capturedRun()
        #expect(feed.events.keys.sorted() == [Capture.runTraceId])
        #expect(state.runId == Capture.runTraceId)
        #expect(state.workflow == "peers-research-writer")
        #expect(state.model == "gemma-3-270m")
        #expect(state.agents.map(\.name) == ["input-conversation", "Researcher", "Writer"])
        #expect(state.agents.allSatisfy { $0.status == .done })
        #expect(state.runStatus == .completed)
        #expect(feed.sequencesAreGapFree(Capture.runTraceId))
        #expect(feed.events[Capture.runTraceId]?.last?.isTerminal == true)
    }

    @Test("the tool span is a tool call of the Researcher with its arguments, result and duration")
    func toolCall() throws {
        let (_, state) = try capturedRun()
        let call = try #require(state.timeline.first)
        #expect(state.timeline.count == 1)
        #expect(call.agent == "Researcher")
        #expect(call.tool == "get_weather")
        #expect(call.callId == "call__0_get_weather_cmpl-b4fe5b76-17d8-4e25-9a10-b4fc505011ba")
        #expect(call.arguments == #"{"location": "Seattle, WA, USA "}"#)
        #expect(call.result == "Weather in Seattle, WA, USA : sunny, 21°C, light breeze from the west.")
        #expect(call.status == .succeeded)
        let duration = try #require(call.durationMs)
        #expect(duration > 1 && duration < 3)  // the span's 1.7 ms
    }

    @Test("message.send spans linked from the next executor are transitions between the panes")
    func transitions() throws {
        let (feed, _) = try capturedRun()
        let transitions = (feed.events[Capture.runTraceId] ?? []).compactMap { event -> String? in
            guard case let .transition(from, to, _) = event.kind else { return nil }
            return "\(from ?? "-") → \(to)"
        }
        #expect(transitions == ["input-conversation → Researcher", "Researcher → Writer"])
    }

    @Test("the agents' output messages are their panes' text and the last agent's is the run's answer")
    func text() throws {
        let (_, state) = try capturedRun()
        let writer = try #require(state.agents.first { $0.name == "Writer" })
        #expect(writer.lines.contains { $0.kind == .text && $0.text.contains("Training user") })
        let researcher = try #require(state.agents.first { $0.name == "Researcher" })
        #expect(researcher.lines.contains { $0.kind == .text && $0.text.contains("Training data: 2016-09-") })
        #expect(state.output?.agent == "Writer")
        #expect(state.output?.text.hasPrefix("Training user\nTraining model: 2016-10") == true)
    }

    @Test("spans delivered in reverse, one by one, or in random batches give the same run")
    func deliveryOrder() throws {
        let spans = try Capture.protobufSpans().flatMap { $0 }
        let (_, reference) = try capturedRun()
        var orders: [[[TraceSpan]]] = [spans.reversed().map { [$0] }, [spans.reversed()], spans.map { [$0] }]
        var random = SplitMix64(seed: 11)
        for _ in 0..<20 {
            let shuffled = spans.shuffled(using: &random)
            var batches: [[TraceSpan]] = []
            var index = 0
            while index < shuffled.count {
                let size = Int(random.next() % 5) + 1
                batches.append(Array(shuffled[index..<min(shuffled.count, index + size)]))
                index += size
            }
            orders.append(batches)
        }
        for batches in orders {
            var feed = Feed()
            for batch in batches { _ = feed.add(batch) }
            feed.settle()
            #expect(RunPicture(feed.state(of: Capture.runTraceId)) == RunPicture(reference))
            #expect(feed.sequencesAreGapFree(Capture.runTraceId))
            #expect(feed.events[Capture.runTraceId]?.last?.isTerminal == true)
            #expect(feed.events[Capture.runTraceId]?.first.map { if case .runStarted = $0.kind { true } else { false } } == true)
        }
    }

    @Test("a trace whose root has not arrived is a run in progress, an agent whose children came first is running, and the root ends it")
    func inProgress() throws {
        let batches = try Capture.protobufSpans()
        var feed = Feed()
        _ = feed.add(batches[0])
        // Batch 2 without the Researcher's executor span: its agent span has ended, the executor has not.
        _ = feed.add(batches[1].filter { $0.name != "executor.process Researcher" })
        let state = feed.state(of: Capture.runTraceId)
        #expect(state.runStatus == .running)
        let researcher = try #require(state.agents.first { $0.name == "Researcher" })
        #expect(researcher.status == .streaming)
        #expect(state.timeline.map(\.tool) == ["get_weather"])
        _ = feed.add(batches[1].filter { $0.name == "executor.process Researcher" })
        #expect(feed.state(of: Capture.runTraceId).agents.first { $0.name == "Researcher" }?.status == .done)
        feed.settle()
        #expect(feed.state(of: Capture.runTraceId).runStatus == .running)
        // With its root the trace is complete, and a moment later the run ends.
        _ = feed.add(batches[2])
        #expect(feed.state(of: Capture.runTraceId).runStatus == .running)
        feed.settle()
        #expect(feed.state(of: Capture.runTraceId).runStatus == .completed)
    }

    @Test("workflow.build is a trace of its own and not a run")
    func buildTraceIsNotARun() throws {
        var feed = Feed()
        let outcome = feed.add(try Capture.protobufSpans()[0])
        #expect(outcome.ignored == 1)
        #expect(feed.events["354ebc99f7505269799ea615b6a43904"] == nil)
    }

    @Test("token usage of the model calls is summed per agent and for the run")
    func usage() throws {
        var feed = Feed()
        for batch in try Capture.protobufSpans() {
            _ = feed.add(batch.map { span in
                var span = span
                if span.name.hasPrefix("chat ") {
                    span.attributes["gen_ai.usage.input_tokens"] = .int(100)
                    span.attributes["gen_ai.usage.output_tokens"] = .int(20)
                    span.attributes["gen_ai.usage.cache_read.input_tokens"] = .int(64)
                }
                return span
            })
        }
        feed.settle()
        let state = feed.state(of: Capture.runTraceId)
        #expect(state.agents.first { $0.name == "Researcher" }?.usage == Usage(inputTokens: 200, outputTokens: 40))
        #expect(state.agents.first { $0.name == "Writer" }?.usage == Usage(inputTokens: 100, outputTokens: 20))
        #expect(state.usage == Usage(inputTokens: 300, outputTokens: 60))
    }

    @Test("an error status on the root fails the run with its message, on an agent it says the agent failed")
    func errors() throws {
        var feed = Feed()
        for batch in try Capture.protobufSpans() {
            _ = feed.add(batch.map { span in
                var span = span
                if span.name == "workflow.run" { span.status = .error("Writer: the model refused") }
                if span.name == "invoke_agent Writer" { span.status = .error("the model refused") }
                return span
            })
        }
        feed.settle()
        let state = feed.state(of: Capture.runTraceId)
        #expect(state.runStatus == .failed("Writer: the model refused"))
        #expect(state.warnings.contains("Writer: failed: the model refused"))
    }

    @Test("an edge group that dropped its message is a warning saying why it was not routed")
    func droppedEdge() throws {
        var feed = Feed()
        for batch in try Capture.protobufSpans() {
            _ = feed.add(batch.map { span in
                var span = span
                if span.name == "edge_group.process SingleEdgeGroup", span.string("message.source_id") == "Researcher" {
                    span.attributes["edge_group.delivered"] = .bool(false)
                    span.attributes["edge_group.delivery_status"] = .string("dropped: condition evaluated to false")
                    span.attributes["message.target_id"] = .string("Writer")
                }
                return span
            })
        }
        feed.settle()
        let state = feed.state(of: Capture.runTraceId)
        #expect(state.warnings == ["Researcher: a message from Researcher was not routed to Writer: dropped: condition evaluated to false"])
    }
}

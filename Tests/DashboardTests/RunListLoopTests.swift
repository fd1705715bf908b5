import Dashboard
import DashboardApp
import Foundation
import Testing
import WorkflowCore

/// A source of runs in memory, as an in-process receiver would be one: the test pushes feed events; a run's
/// events are a scripted run's.
final class PushedRunSource: RunSource {
    let label = "in memory"
    private let stream: AsyncStream<RunFeedEvent>
    let push: AsyncStream<RunFeedEvent>.Continuation
    let runEvents: [WorkflowEvent]

    init(runEvents: [WorkflowEvent]) {
        (stream, push) = AsyncStream<RunFeedEvent>.makeStream()
        self.runEvents = runEvents
    }

    func feed(onEvent: @escaping @Sendable (RunFeedEvent) -> Void,
              onConnection: @escaping @Sendable (ConnectionState) -> Void) async {
        onConnection(.live)
        for await event in stream { onEvent(event) }
    }

    func events(ofRun id: String, onEvent: @escaping @Sendable (WorkflowEvent) -> Void,
                onConnection: @escaping @Sendable (ConnectionState) -> Void) async {
        for event in runEvents { onEvent(event) }
    }
}

@Suite("The runs list loop on an in-memory terminal", .timeLimit(.minutes(1)))
struct RunListLoopTests {
    @Test func enterOpensTheRunsDashboardEscReturnsAndTheListStayedLive() async throws {
        let events = try await scriptedEvents("research-writer", prompt: "Seattle weather")
        let source = PushedRunSource(runEvents: events)
        let terminal = InMemoryTerminal(width: 100, height: 24)
        let loop = RunListLoop(backend: terminal, theme: .fallback, source: source)
        let run = Task { await loop.run() }
        source.push.yield(.snapshot([RunListTests.run(1, state: .completed)]))
        _ = await terminal.frame(showing: RunListTests.run(1).id)
        terminal.send(.key(.enter))
        let dashboard = await terminal.frame(showing: "│ research-writer │ ✓ completed │")
        #expect(dashboard.contains("q back"))
        // While the dashboard is open, a new run starts: the list learns of it.
        source.push.yield(.started(RunListTests.run(2, workflow: "handoff")))
        #expect(await eventually { loop.inbox.pendingCount == 0 })
        terminal.send(.key(.escape))
        let list = await terminal.frame(showing: RunListTests.run(2).id)
        #expect(list.contains("2 runs · 1 running"))
        #expect(list.contains(RunListTests.run(1).id))
        terminal.send(.key(.character("q")))
        let outcome = await run.value
        #expect(outcome.reason == .quit)
        #expect(loop.opened == 1)
        source.push.finish()
    }

    @Test func theInboxKeepsOnlyTheLatestSummaryOfEachRunAndASnapshotReplacesWhatCameBefore() {
        let inbox = RunFeedInbox(wake: {})
        for count in 1...1_000 {
            var run = RunListTests.run(1)
            run.events = count
            inbox.post(.progress(run))
        }
        inbox.post(.started(RunListTests.run(2)))
        #expect(inbox.pendingCount == 2)
        guard case let .changed(runs)? = inbox.drain().first else {
            Issue.record("no changed runs drained")
            return
        }
        #expect(runs.count == 2)
        #expect(runs.first { $0.id == RunListTests.run(1).id }?.events == 1_000)
        inbox.post(.progress(RunListTests.run(3)))
        inbox.post(.snapshot([RunListTests.run(4)]))
        inbox.setConnection(.live)
        let inputs = inbox.drain()
        #expect(inputs.count == 2)
        guard case let .feed(.snapshot(snapshot)) = inputs.first else {
            Issue.record("the snapshot did not come first")
            return
        }
        #expect(snapshot.map(\.id) == [RunListTests.run(4).id])
        #expect(inbox.pendingCount == 0)
    }

    @Test func qInADashboardOpenedFromTheListGoesBackAndCtrlCQuits() {
        var state = DashboardState()
        state.openedFromList = true
        #expect(state.update(.key(.character("q"))) == [.back])
        #expect(state.update(.key(.escape)) == [.back])
        _ = state.update(.key(.character("z")))
        #expect(state.update(.key(.escape)) == [])
        #expect(state.update(.key(.control("c"))) == [.quit])
        var alone = DashboardState()
        #expect(alone.update(.key(.character("q"))) == [.quit])
        #expect(alone.update(.key(.escape)) == [])
    }
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(_ seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

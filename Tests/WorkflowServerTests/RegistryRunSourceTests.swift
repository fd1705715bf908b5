import Logging
import Synchronization
import Testing
import WorkflowCore
@testable import WorkflowServer

@Suite("A registry's runs as an in-process run source (flowtop otel's list)")
struct RegistryRunSourceTests {
    static func traced(_ sequence: Int, _ kind: WorkflowEvent.Kind) -> WorkflowEvent {
        WorkflowEvent(sequence: sequence, timestamp: Double(sequence), kind: kind)
    }

    static let run = [
        traced(1, .runStarted(.init(runId: "t1", workflow: "Sequential", participants: []))),
        traced(2, .agentStarted(agent: "Researcher")),
        traced(3, .textDelta(agent: "Researcher", messageId: "m", text: "notes")),
        traced(4, .agentCompleted(agent: "Researcher", usage: Usage(inputTokens: 5, outputTokens: 7))),
        traced(5, .runCompleted(finalAgent: "Researcher", usage: Usage(inputTokens: 5, outputTokens: 7), durationMs: 4)),
    ]

    @Test func theFeedSendsASnapshotThenATracedRunsStartAndEndAsItsSpansArrive() async {
        let registry = RunRegistry(
            configuration: ServerConfiguration(feedInterval: .milliseconds(20)), logger: Logger(label: "test"))
        let source = RegistryRunSource(registry: registry, label: "OTLP", interval: .milliseconds(20))
        let seen = Mutex<[RunFeedEvent]>([])
        let feeding = Task { await source.feed(onEvent: { event in seen.withLock { $0.append(event) } }, onConnection: { _ in }) }
        #expect(await eventually { seen.withLock { $0.first == .snapshot([]) } })
        registry.publishTraced(runId: "t1", events: Array(Self.run.prefix(3)))
        #expect(await eventually { seen.withLock { $0.contains { if case .started = $0 { true } else { false } } } })
        registry.publishTraced(runId: "t1", events: Array(Self.run.dropFirst(3)))
        #expect(await eventually {
            seen.withLock { $0.contains { if case let .ended(run) = $0 { run.state == .completed && run.usage.outputTokens == 7 } else { false } } }
        })
        feeding.cancel()
        await feeding.value
    }

    @Test func aRunsEventsAreGivenFromItsStartAndEndWithItsTerminalEvent() async {
        let registry = RunRegistry(configuration: ServerConfiguration(), logger: Logger(label: "test"))
        registry.publishTraced(runId: "t1", events: Self.run)
        let source = RegistryRunSource(registry: registry, label: "OTLP")
        let events = Mutex<[Int]>([])
        let connection = Mutex<ConnectionState?>(nil)
        await source.events(
            ofRun: "t1", onEvent: { event in events.withLock { $0.append(event.sequence) } },
            onConnection: { state in connection.withLock { $0 = state } })
        #expect(events.withLock { $0 } == [1, 2, 3, 4, 5])
        #expect(connection.withLock { $0 } == .ended)
    }

    @Test func anUnknownRunIsClosedWithAReason() async {
        let registry = RunRegistry(configuration: ServerConfiguration(), logger: Logger(label: "test"))
        let connection = Mutex<ConnectionState?>(nil)
        await RegistryRunSource(registry: registry, label: "OTLP").events(
            ofRun: "nope", onEvent: { _ in }, onConnection: { state in connection.withLock { $0 = state } })
        #expect(connection.withLock { $0 } == .closed("no run nope (it may have been let go)"))
    }
}

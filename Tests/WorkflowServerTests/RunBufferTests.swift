import Testing
import WorkflowCore
@testable import WorkflowServer

@Suite("The per-run event buffer")
struct RunBufferTests {
    static func event(_ sequence: Int, terminal: Bool = false) -> WorkflowEvent {
        WorkflowEvent(
            sequence: sequence, timestamp: 0,
            kind: terminal ? .runCompleted(finalAgent: nil, usage: Usage(inputTokens: 0, outputTokens: 0), durationMs: 0)
                : .textDelta(agent: "A", messageId: "m", text: "t\(sequence)"))
    }

    @Test("without watchers it keeps about the limit's newest events; a late watcher starts from the oldest kept")
    func bounded() {
        let record = RunRecord(id: "r", workflow: "w", detached: false, bufferLimit: 8)
        for sequence in 1...100 { record.publish(Self.event(sequence)) }
        let kept = record.bufferedEvents
        #expect(kept.count <= 10 && kept.count >= 8)
        #expect(kept.last?.sequence == 100)
        let (events, ended) = record.events(after: 0, limit: 100, watcher: -1)
        #expect(events.first?.sequence == kept.first?.sequence)
        #expect(!ended)
        #expect(record.summary.events == 100)
    }

    @Test("a live watcher's unread events are kept past the limit (up to a hard cap)")
    func keepsUnreadEvents() {
        let record = RunRecord(id: "r", workflow: "w", detached: false, bufferLimit: 8)
        let (_, watcher) = record.watch(after: 0)
        for sequence in 1...300 { record.publish(Self.event(sequence)) }
        #expect(record.bufferedEvents.first?.sequence == 1)
        let (batch, _) = record.events(after: 0, limit: 1000, watcher: watcher)
        #expect(batch.map(\.sequence) == Array(1...300))
        // Once read, they may go.
        _ = record.events(after: 300, limit: 1000, watcher: watcher)
        for sequence in 301...320 { record.publish(Self.event(sequence)) }
        let kept = record.bufferedEvents.map(\.sequence)
        #expect(kept.first! >= 290)
        #expect(Array(kept.suffix(20)) == Array(301...320))
        // Past the hard cap (50 × the limit) even a watcher's unread events are dropped.
        for sequence in 321...900 { record.publish(Self.event(sequence)) }
        #expect(record.bufferedEvents.count <= 401)
        record.publish(Self.event(901, terminal: true))
        #expect(!record.isRunning)
        record.unwatch(watcher)
    }
}

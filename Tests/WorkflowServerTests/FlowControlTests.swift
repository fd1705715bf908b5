import Synchronization
import Testing
@testable import WorkflowServer
import WorkflowCore

/// The stream that started a run paces its models: far behind, they wait; caught up, they go on; nothing is lost.
@Suite("Flow control: the starting stream paces its run")
struct FlowControlTests {
    /// A producer as a model stream is one: publish, then `FlowControl.pace()`, under the record's gate.
    /// How many events the producer has got past the gate with.
    final class Progress: Sendable {
        private let value = Mutex(0)
        var count: Int { value.withLock { $0 } }
        func set(_ count: Int) { value.withLock { $0 = count } }
    }

    static func produce(_ count: Int, into record: RunRecord, progress: Progress) -> Task<Void, Never> {
        Task {
            await FlowControl.$gate.withValue(record) {
                for sequence in 1...count {
                    record.publish(WorkflowEvent(sequence: sequence, timestamp: 0, kind: .textDelta(agent: "A", messageId: "m", text: " w")))
                    await FlowControl.pace()
                    progress.set(sequence)
                }
            }
        }
    }

    static func waitUntil(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }

    @Test func aStarterFarBehindPausesTheModelAndCatchingUpResumesIt() async throws {
        let record = RunRecord(id: "r", workflow: "w", detached: false, bufferLimit: 10_000)
        let (_, watcher) = record.watch(after: 0, paces: true)
        let total = RunRecord.pauseLag * 3
        let progress = Progress()
        let producer = Self.produce(total, into: record, progress: progress)

        // One past the pause lag, the producer's next pace() must not return while nothing is read.
        await Self.waitUntil { record.summary.events > RunRecord.pauseLag }
        try await Task.sleep(for: .milliseconds(200))
        #expect(progress.count == RunRecord.pauseLag, "the producer's pace() returned with nobody reading")
        #expect(record.summary.events == RunRecord.pauseLag + 1, "the model went on with nobody reading")
        #expect(record.pacingLag == RunRecord.pauseLag + 1)

        // Reading everything as it comes lets the run finish, every event in order, none dropped.
        var cursor = 0
        var read: [Int] = []
        while cursor < total {
            let (batch, _) = record.events(after: cursor, limit: 512, watcher: watcher)
            read += batch.map(\.sequence)
            cursor = batch.last?.sequence ?? cursor
            if batch.isEmpty { await Task.yield() }
        }
        await producer.value
        #expect(read == Array(1...total))
        record.unwatch(watcher)
    }

    @Test func theModelGoesOnWhenTheStarterStopsReadingAndOnCancellation() async throws {
        let record = RunRecord(id: "r", workflow: "w", detached: true, bufferLimit: 10_000)
        let (_, watcher) = record.watch(after: 0, paces: true)
        let progress = Progress()
        let producer = Self.produce(RunRecord.pauseLag * 2, into: record, progress: progress)
        await Self.waitUntil { record.summary.events > RunRecord.pauseLag }
        // A detached run whose client went away: nothing paces it any more, so it runs to its end.
        record.unwatch(watcher)
        await producer.value
        #expect(progress.count == RunRecord.pauseLag * 2)
        #expect(record.pacingLag == 0)

        let second = RunRecord(id: "s", workflow: "w", detached: false, bufferLimit: 10_000)
        _ = second.watch(after: 0, paces: true)
        let stalled = Progress()
        let task = Self.produce(RunRecord.pauseLag * 2, into: second, progress: stalled)
        await Self.waitUntil { second.summary.events > RunRecord.pauseLag }
        // Stopping the run (a timeout, shutdown) must not leave its model waiting at the gate.
        task.cancel()
        await task.value
        #expect(stalled.count > RunRecord.pauseLag)
    }

    @Test func watchersOtherThanTheStarterNeverPaceTheRun() async throws {
        let record = RunRecord(id: "r", workflow: "w", detached: false, bufferLimit: 100_000)
        _ = record.watch(after: 0)
        record.unwatch(record.watch(after: 0, paces: true).1)
        let progress = Progress()
        await Self.produce(RunRecord.pauseLag * 2, into: record, progress: progress).value
        #expect(progress.count == RunRecord.pauseLag * 2)
    }
}

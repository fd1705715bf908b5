import Foundation
import Logging
import Synchronization
import WorkflowCore

/// Starts runs, enforces the concurrency limit and the run timeout, and keeps recent runs for watchers.
public final class RunRegistry: Sendable {
    public enum StartError: Error, Sendable {
        case tooManyRuns
        case shuttingDown
    }

    private let configuration: ServerConfiguration
    private let logger: Logger
    private let state = Mutex(Inner())

    private struct Inner {
        var runs: [String: RunRecord] = [:]
        /// Ids in start order, to list runs and evict the oldest finished ones.
        var order: [String] = []
        var active = 0
        var draining = false
        var idle: [CheckedContinuation<Void, Never>] = []
    }

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts `workflow` on `prompt` in its own task; the run outlives the request that started it only when the
    /// caller does not stop it (the stream handler stops it on disconnect unless detached).
    func start(workflow: any Workflow, prompt: String, model: String?, detached: Bool) throws(StartError) -> RunRecord {
        let record = try state.withLock { inner throws(StartError) -> RunRecord in
            if inner.draining { throw .shuttingDown }
            if inner.active >= configuration.maxConcurrentRuns { throw .tooManyRuns }
            inner.active += 1
            let record = RunRecord(
                id: "run_" + RandomID.make(), workflow: workflow.name, detached: detached,
                bufferLimit: configuration.eventBufferLimit)
            inner.runs[record.id] = record
            inner.order.append(record.id)
            evictFinished(&inner)
            return record
        }
        let timeout = configuration.runTimeout
        let logger = logger
        // The first event now, so the response can start with it before the run's task gets a thread.
        let pending = WorkflowRunner.begin(workflow, runId: record.id, model: model) { event in record.publish(event) }
        // Runs stream at a lower priority than request handling, so new requests are answered promptly however
        // busy the running ones keep the threads.
        let task = Task(priority: .low) {
            let timer = Task {
                try await Task.sleep(for: timeout)
                record.stop(reason: "the run timed out after \(Self.seconds(timeout)) s")
            }
            // The stream of the request that started the run paces its models (see RunRecord.waitUntilOpen).
            await FlowControl.$gate.withValue(record) {
                await WorkflowRunner.execute(pending, prompt: prompt)
            }
            timer.cancel()
            let summary = record.summary
            logger.info("run ended", metadata: [
                "run_id": .string(record.id), "state": .string(summary.state.rawValue), "events": .stringConvertible(summary.events),
            ])
            self.finished()
        }
        record.attach(task: task)
        logger.info("run started", metadata: [
            "run_id": .string(record.id), "workflow": .string(workflow.name), "detached": .stringConvertible(detached),
        ])
        return record
    }

    /// "230" or "0.3": whole seconds without a fraction, others to a tenth of a millisecond.
    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if value == value.rounded() { return String(Int(value)) }
        return String((value * 10_000).rounded() / 10_000)
    }

    private func finished() {
        let waiters = state.withLock { inner -> [CheckedContinuation<Void, Never>] in
            inner.active -= 1
            guard inner.active == 0 else { return [] }
            defer { inner.idle.removeAll() }
            return inner.idle
        }
        for waiter in waiters { waiter.resume() }
    }

    private func evictFinished(_ inner: inout Inner) {
        var finished = inner.order.filter { inner.runs[$0]?.isRunning == false }
        while finished.count > configuration.finishedRunsKept, let oldest = finished.first {
            finished.removeFirst()
            inner.runs[oldest] = nil
            inner.order.removeAll { $0 == oldest }
        }
    }

    public func run(id: String) -> RunRecord? {
        state.withLock { $0.runs[id] }
    }

    /// Recent runs, newest first.
    public func list() -> [RunRecord.Summary] {
        let records = state.withLock { inner in inner.order.reversed().compactMap { inner.runs[$0] } }
        return records.map(\.summary)
    }

    public var activeRuns: Int { state.withLock { $0.active } }

    /// Refuses new runs from now on (shutdown).
    public func beginDraining() {
        state.withLock { $0.draining = true }
    }

    /// Stops every running run with `reason`.
    public func stopAll(reason: String) {
        let records = state.withLock { Array($0.runs.values) }
        for record in records { record.stop(reason: reason) }
    }

    /// Returns when no run is active.
    public func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { inner -> Bool in
                if inner.active == 0 { return true }
                inner.idle.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}

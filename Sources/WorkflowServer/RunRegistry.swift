import Foundation
import Logging
import RunStore
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
    /// One clock for every run: it stops runs past their deadline and wakes watchers to send keepalives. A timer
    /// task per run (or per stream) would cost memory long after its run: a cancelled `Task.sleep` keeps ~0.8 KB
    /// until its deadline passes, so under a steady load memory grew with `--run-timeout`.
    private let clock = Mutex<Task<Void, Never>?>(nil)
    /// The runs feed's watchers, woken by starts, ends and the clock.
    let feed = RunFeed()
    /// Where runs' events are written to outlive the process (nil: `--store memory`).
    let journal: StoreWriter?

    private struct Inner {
        var runs: [String: RunRecord] = [:]
        /// Ids in start order, to list runs; evicted ids are dropped from it in one pass now and then
        /// (`evictFinished`), so `list` skips ids no longer kept and repeats of an id started again.
        var order: [String] = []
        /// Ids of finished runs in the order they finished, the oldest evicted first: a queue, so a server with
        /// thousands of traced runs in progress does not scan them all each time one ends.
        var finished: [String] = []
        var finishedHead = 0
        var active = 0
        /// When each running run times out.
        var deadlines: [String: ContinuousClock.Instant] = [:]
        /// The previous beat: a run waiting on a person has its deadline moved on by the time since, so the run
        /// timeout counts active time only.
        var lastBeat: ContinuousClock.Instant?
        var draining = false
        var idle: [CheckedContinuation<Void, Never>] = []
    }

    public init(configuration: ServerConfiguration, logger: Logger, journal: StoreWriter? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.journal = journal
        let runTick = Self.tickInterval(runTimeout: configuration.runTimeout, keepalive: configuration.keepaliveInterval)
        // The feed may want a faster beat than the runs: the runs' work is done only once per run tick, so a 250 ms
        // feed does not wake every stream's watcher four times as often.
        let tick = min(runTick, max(.milliseconds(10), configuration.feedInterval))
        let task = Task { [weak self] in
            var lastRunBeat = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                guard let self else { return }
                let now = ContinuousClock.now
                if now - lastRunBeat >= runTick {
                    lastRunBeat = now
                    self.beat(now: now)
                }
                self.feed.wake()
            }
        }
        clock.withLock { $0 = task }
    }

    deinit {
        clock.withLock { $0?.cancel() }
    }

    /// How often the clock beats: a quarter of the shorter of the run timeout and the keepalive interval, between
    /// 10 ms and 1 s, so both are honoured to within a quarter of their length.
    static func tickInterval(runTimeout: Duration, keepalive: Duration) -> Duration {
        min(.seconds(1), max(.milliseconds(10), min(runTimeout, keepalive) / 4))
    }

    /// One beat of the runs: stops the runs past their deadline and wakes every watcher to check whether a
    /// keepalive is due (the clock wakes the runs feed's watchers on every tick).
    private func beat(now: ContinuousClock.Instant) {
        let (expired, running) = state.withLock { inner -> ([RunRecord], [RunRecord]) in
            let step = inner.lastBeat.map { now - $0 } ?? .zero
            inner.lastBeat = now
            for (id, deadline) in inner.deadlines where inner.runs[id]?.desk.isWaiting == true {
                inner.deadlines[id] = deadline + step
            }
            let expired = inner.deadlines.filter { $0.value <= now }.keys.compactMap { inner.runs[$0] }
            for record in expired { inner.deadlines[record.id] = nil }
            return (expired, inner.deadlines.keys.compactMap { inner.runs[$0] })
        }
        let limit = Self.seconds(configuration.runTimeout)
        for record in expired { record.stop(reason: "the run timed out after \(limit) s") }
        for record in running { record.wakeWatchers() }
    }

    /// Starts `workflow` on `prompt` in its own task; the run outlives the request that started it only when the
    /// caller does not stop it (the stream handler stops it on disconnect unless detached).
    /// `responder` answers the run's requests for a person; nil: its desk (the answer route).
    func start(
        workflow: any Workflow, prompt: String, model: String?, detached: Bool, responder: (any HumanResponder)? = nil
    ) throws(StartError) -> RunRecord {
        let record = try register(RunRecord(
            id: "run_" + RandomID.make(), workflow: workflow.name, detached: detached,
            bufferLimit: configuration.eventBufferLimit, desk: RequestDesk(timeout: configuration.requestTimeout),
            prompt: prompt, model: model, journal: journal))
        // The first event now, so the response can start with it before the run's task gets a thread. With a
        // store, each completed agent turn is checkpointed there, so the run can be resumed if this server dies.
        let pending = WorkflowRunner.begin(
            workflow, runId: record.id, model: model, onCheckpoint: checkpointing(record)
        ) { event in record.publish(event) }
        launch(record, pending, workflow: workflow, prompt: prompt, responder: responder)
        logger.info("run started", metadata: [
            "run_id": .string(record.id), "workflow": .string(workflow.name), "detached": .stringConvertible(detached),
        ])
        return record
    }

    /// Takes up a run whose server died (`stored`, state `interrupted`, its lease now this instance's) from
    /// `checkpoint`, its last completed agent turn (nil: from the start): same id, the event numbering going on after
    /// the last stored event, a `runResumed` marker first. It runs detached, as nothing started it here.
    func resume(
        _ stored: StoredRun, workflow: any Workflow, from checkpoint: WorkflowCheckpoint?,
        responder: (any HumanResponder)? = nil
    ) throws(StartError) -> RunRecord {
        let record = try register(RunRecord(
            id: stored.id, workflow: stored.workflow, detached: true, bufferLimit: configuration.eventBufferLimit,
            desk: RequestDesk(timeout: configuration.requestTimeout), prompt: stored.prompt, model: stored.model,
            journal: journal, resuming: stored))
        let pending = WorkflowRunner.resume(
            workflow, from: checkpoint ?? WorkflowCheckpoint(turns: [], sequence: 0), lastSequence: stored.lastSequence,
            onCheckpoint: checkpointing(record)
        ) { event in record.publish(event) }
        launch(record, pending, workflow: workflow, prompt: stored.prompt, responder: responder)
        logger.info("run resumed", metadata: [
            "run_id": .string(record.id), "workflow": .string(stored.workflow),
            "completed_turns": .stringConvertible(checkpoint?.turns.count ?? 0),
        ])
        return record
    }

    /// Counts a new run against `--max-runs` and keeps it, with its deadline; refused while draining or full. The
    /// record is made only once the run is let in.
    private func register(_ make: @autoclosure () -> RunRecord) throws(StartError) -> RunRecord {
        try state.withLock { inner throws(StartError) -> RunRecord in
            if inner.draining { throw .shuttingDown }
            if inner.active >= configuration.maxConcurrentRuns { throw .tooManyRuns }
            inner.active += 1
            let record = make()
            inner.runs[record.id] = record
            inner.deadlines[record.id] = .now + configuration.runTimeout
            inner.order.append(record.id)
            return record
        }
    }

    private func checkpointing(_ record: RunRecord) -> (@Sendable (WorkflowCheckpoint) -> Void)? {
        guard let journal else { return nil }
        return { @Sendable (checkpoint: WorkflowCheckpoint) in journal.enqueueCheckpoint(checkpoint, of: record) }
    }

    /// Runs a begun (or resumed) run in its own task until it ends.
    private func launch(
        _ record: RunRecord, _ pending: WorkflowRunner.PendingRun, workflow: any Workflow, prompt: String,
        responder: (any HumanResponder)?
    ) {
        let logger = logger
        // Runs stream at a lower priority than request handling, so new requests are answered promptly however
        // busy the running ones keep the threads.
        let task = Task(priority: .low) {
            // The stream of the request that started the run paces its models (see RunRecord.waitUntilOpen).
            // Its requests for a person wait at its desk (answered by the answer route).
            await FlowControl.$gate.withValue(record) {
                await HumanLoop.$responder.withValue(responder ?? record.desk) {
                    await WorkflowRunner.execute(pending, prompt: prompt)
                }
            }
            let summary = record.summary
            logger.info("run ended", metadata: [
                "run_id": .string(record.id), "state": .string(summary.state.rawValue), "events": .stringConvertible(summary.events),
            ])
            self.finished(record.id)
        }
        record.attach(task: task)
        feed.wake()
    }

    /// "230" or "0.3": whole seconds without a fraction, others to a tenth of a millisecond.
    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if value == value.rounded() { return String(Int(value)) }
        return String((value * 10_000).rounded() / 10_000)
    }

    private func finished(_ id: String) {
        let waiters = state.withLock { inner -> [CheckedContinuation<Void, Never>] in
            inner.active -= 1
            inner.deadlines[id] = nil
            inner.finished.append(id)
            evictFinished(&inner)
            guard inner.active == 0 else { return [] }
            defer { inner.idle.removeAll() }
            return inner.idle
        }
        feed.wake()
        for waiter in waiters { waiter.resume() }
    }

    /// Lets go of the oldest finished runs past `finishedRunsKept`.
    private func evictFinished(_ inner: inout Inner) {
        while inner.finished.count - inner.finishedHead > configuration.finishedRunsKept {
            inner.runs[inner.finished[inner.finishedHead]] = nil
            inner.finishedHead += 1
        }
        if inner.finishedHead > 1_024, inner.finishedHead * 2 > inner.finished.count {
            inner.finished.removeFirst(inner.finishedHead)
            inner.finishedHead = 0
        }
        // Evicted ids leave `order` in one pass once they are as many as the runs kept.
        if inner.order.count > 2 * inner.runs.count + 64 {
            inner.order.removeAll { inner.runs[$0] == nil }
        }
    }

    /// Publishes a traced run's new events (run id = trace id), opening its record on the first ones. A traced run
    /// is not counted against `--max-runs`, has no deadline and no task: nothing here stops it, and a shutdown does
    /// not wait for it. Its record is let go like any finished run's once its trace ends.
    public func publishTraced(runId: String, events: [WorkflowEvent]) {
        guard !events.isEmpty else { return }
        let record = state.withLock { inner -> RunRecord in
            if let existing = inner.runs[runId] { return existing }
            var workflow = "trace"
            if case let .runStarted(info)? = events.first?.kind { workflow = info.workflow }
            let record = RunRecord(id: runId, workflow: workflow, detached: true,
                                   bufferLimit: configuration.eventBufferLimit, source: .trace, journal: journal)
            inner.runs[runId] = record
            inner.order.append(runId)
            return record
        }
        guard record.source == .trace else { return }
        for event in events { record.publish(event) }
        if events.last?.isTerminal == true {
            state.withLock { inner in
                inner.finished.append(runId)
                evictFinished(&inner)
            }
        }
    }

    /// Ends the runs feed's streams (shutdown, or a receiver that stopped): watchers get the last changes, then
    /// their streams finish.
    public func closeFeed() {
        feed.close()
    }

    public func run(id: String) -> RunRecord? {
        state.withLock { $0.runs[id] }
    }

    /// Recent runs, newest first.
    public func list() -> [RunRecord.Summary] {
        records().map(\.summary)
    }

    /// The runs held, newest first.
    func records() -> [RunRecord] {
        // The start order may name a run twice or one let go (eviction leaves it for the next compaction).
        state.withLock { inner in
            var seen: Set<String> = []
            return inner.order.reversed().compactMap { id in seen.insert(id).inserted ? inner.runs[id] : nil }
        }
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

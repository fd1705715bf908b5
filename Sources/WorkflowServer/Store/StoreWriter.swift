import Foundation
import HTTPExchange
import Logging
import RunStore
import Synchronization
import Wire
import WorkflowCore

/// Writes every run's events to the store beside the streams, never on their path: `RunRecord.publish` only queues
/// an event here (under a lock, no I/O); a task of its own drains the queue every `interval` (at once while events
/// keep coming) into one `appendEvents` of every run's batch, one transaction. A store that went away
/// (`.unavailable`) is retried with backoff while the streams go on from memory; the queue is bounded, and a run
/// that loses events past the bound is marked `incompletelyStored` and logged, never silently. While the store
/// answers, `backlogLimit` events queued behind the pass in flight (more at many runs) hold the runs' models
/// (`waitForRoom`, through the runs' flow gates) until the queue is down to half, so a server busier than its store
/// slows down instead of losing events; during an outage nothing waits. The pass in flight does not count: the
/// models go on while it writes (taking the queue lets them go), so the writing overlaps the runs instead of
/// alternating with them. The same task renews this instance's leases on its live runs, marks runs whose owner died
/// as `interrupted`, and prunes by the retention settings.
public final class StoreWriter: Sendable {
    public let store: any RunStore
    /// This server's id in the store's leases.
    public let instance: String
    let settings: StoreSettings
    private let logger: Logger
    private let state = Mutex(Inner())
    private let loop = Mutex<Task<Void, Never>?>(nil)

    private struct Pending {
        var record: RunRecord
        var events: [WorkflowEvent] = []
        var progress = RunProgress()
        var finished: Date?
        /// Events dropped past the bound: the run is stored incompletely.
        var lost = 0
        /// The run's latest checkpoint, written after the events it follows (so a resume never skips a turn whose
        /// end was not stored).
        var checkpoint: WorkflowCheckpoint?

        /// Queues `event` (or, `full`, counts it lost).
        mutating func add(_ event: WorkflowEvent, progress: RunProgress, finished: Date?, full: Bool) {
            if full { lost += 1 } else { events.append(event) }
            self.progress = progress
            self.finished = finished
        }

        /// Keeps the later of two checkpoints (the one with more turns).
        mutating func keep(_ newer: WorkflowCheckpoint) {
            if (checkpoint?.turns.count ?? -1) < newer.turns.count { checkpoint = newer }
        }
    }

    private struct Inner {
        var pending: [String: Pending] = [:]
        var buffered = 0
        /// Events taken by the pass in flight and not yet written: still waiting, as health reports them.
        var inFlight = 0
        /// Runs whose row exists in the store.
        var created: Set<String> = []
        /// Runs this instance writes and renews the lease of, until their terminal event is stored.
        var live: Set<String> = []
        var outage: String?
        /// Runs that lost events past the bound (a set: a run losing events over several passes is one run).
        var incompleteRuns: Set<String> = []
        /// Set by `finish`: the task ends after its pass in flight (never cancelled mid-write).
        var stopping = false
        /// Runs' models waiting for the backlog to shrink (`waitForRoom`).
        var waiting: [CheckedContinuation<Void, Never>] = []

        /// The queue at which models wait: `backlogLimit`, or `backlogPerRun` events for each run queued when
        /// that is more, up to a quarter of `bufferLimit`: with the pass in flight (as much again) put back by a
        /// failed write, half the bound is left for the outage before events are lost. A pass costs per run as well
        /// as per event: at a thousand live runs, 20 events a run made a pass mostly the runs' rows.
        func limit(_ settings: StoreSettings) -> Int {
            min(max(settings.backlogLimit, pending.count * settings.backlogPerRun), settings.bufferLimit / 4)
        }

        /// Whether a model may go on: fewer than `limit` events wait for the next pass, or the store is away (the
        /// streams go on from memory), or the writer is stopping.
        func hasRoom(below limit: Int) -> Bool { buffered < limit || outage != nil || stopping }

        /// Takes the waiting models when the queue is down to half its limit (or waiting is pointless now).
        mutating func modelsToResume(_ settings: StoreSettings, all: Bool) -> [CheckedContinuation<Void, Never>] {
            guard all || buffered <= limit(settings) / 2 || outage != nil || stopping else { return [] }
            defer { waiting.removeAll() }
            return waiting
        }
    }

    public init(store: any RunStore, instance: String = "flowtop-" + RandomID.make(), settings: StoreSettings,
                logger: Logger) {
        self.store = store
        self.instance = instance
        self.settings = settings
        self.logger = logger
    }

    /// At start-up, before runs start: runs left `running` by a server that died are marked `interrupted`, and
    /// the store is pruned; then the writer's task starts.
    public func start() async throws(RunStoreError) {
        let interrupted = try await store.markInterrupted(leasesExpiredBefore: Date())
        if !interrupted.isEmpty {
            logger.warning("runs interrupted by a server that stopped", metadata: [
                "store": .string(store.description), "runs": .string(interrupted.joined(separator: ",")),
            ])
        }
        try await prune()
        // At the runs' own priority: above them, the writer's encoding and binding took the cores the streams
        // needed whenever it had a backlog; below them, it would wait for every run (`waitForRoom` holds the runs
        // when it falls far behind). A thread of its own measured no better.
        let task = Task(priority: .low) { [self] in await run() }
        loop.withLock { $0 = task }
    }

    /// Queues one published event (called in the record's lock, so each run's events arrive in order).
    func enqueue(_ event: WorkflowEvent, progress: RunProgress, finished: Date?, of record: RunRecord) {
        state.withLock { inner in
            let full = inner.buffered >= settings.bufferLimit
            if !full { inner.buffered += 1 }
            // Changed in place: a copy of the entry would copy its queue of events on every append.
            inner.pending[record.id, default: Pending(record: record)]
                .add(event, progress: progress, finished: finished, full: full)
            if full { inner.incompleteRuns.insert(record.id) }
        }
    }

    /// Returns at once while the queue is under its limit (`backlogLimit`, more at many runs); past it, waits until it
    /// is down to half (a pass takes it), the store is found away, the writer stops, or the task is cancelled.
    func waitForRoom() async {
        guard !state.withLock({ $0.hasRoom(below: $0.limit(settings)) }) else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let goOn = state.withLock { inner -> Bool in
                    guard !inner.hasRoom(below: inner.limit(settings) / 2 + 1), !Task.isCancelled else { return true }
                    inner.waiting.append(continuation)
                    return false
                }
                if goOn { continuation.resume() }
            }
        } onCancel: {
            resumeWaiting(all: true)
        }
    }

    /// Resumes the waiting models once the queue is down to half its limit (`all`: whatever it is).
    private func resumeWaiting(all: Bool = false) {
        for model in state.withLock({ $0.modelsToResume(settings, all: all) }) { model.resume() }
    }

    /// Queues a run's checkpoint (the end of an agent turn); it is written with the run's next batch.
    func enqueueCheckpoint(_ checkpoint: WorkflowCheckpoint, of record: RunRecord) {
        state.withLock { inner in
            inner.pending[record.id, default: Pending(record: record)].keep(checkpoint)
        }
    }

    /// What `GET /api/health` says about the store.
    public var health: StoreHealth {
        state.withLock {
            StoreHealth(store: store.description, state: $0.outage == nil ? .ok : .retrying, buffered: $0.buffered + $0.inFlight,
                        incompleteRuns: $0.incompleteRuns.count, lastError: $0.outage)
        }
    }

    /// Writes what is queued (shutdown: after the runs ended), then stops the task and closes the store.
    public func finish() async {
        // The task's pass in flight ends first: two passes at once could write a run's batches out of order, and a
        // cancelled task would cut a transaction short.
        let task = loop.withLock { $0 }
        state.withLock { $0.stopping = true }
        resumeWaiting(all: true)
        await task?.value
        for _ in 0..<20 where state.withLock({ !$0.pending.isEmpty }) {
            if await drain() == nil { try? await Task.sleep(for: .milliseconds(100)) }
        }
        await store.close()
    }

    // MARK: The writer's task

    private func run() async {
        let clock = ContinuousClock()
        var lastLease = clock.now
        var lastPrune = clock.now
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(5))
        var failures = 0
        while !state.withLock({ $0.stopping }) {
            let passStarted = clock.now
            // Held models go on when the pass takes the queue (`drain`), or at once if the store is away.
            guard let written = await drain() else {
                if state.withLock({ $0.stopping }) { return }
                failures += 1
                try? await Task.sleep(for: backoff.delay(attempt: failures))
                continue
            }
            failures = 0
            if clock.now - lastLease >= settings.leaseDuration / 3 {
                lastLease = clock.now
                await renewLeases()
            }
            if clock.now - lastPrune >= settings.pruneInterval {
                lastPrune = clock.now
                try? await prune()
            }
            // From the pass's start: an event published just after a pass began waits at most one interval, plus
            // the pass that writes it.
            if written < settings.batchEvents { try? await Task.sleep(until: passStarted + settings.interval, clock: clock) }
        }
    }

    /// One pass over the queue: every run's events in one transaction, each run's as one batch. Returns the events
    /// written, or nil when the store is unavailable (what could not be written stays queued, in order).
    private func drain() async -> Int? {
        var taken = state.withLock { inner -> [(id: String, pending: Pending)] in
            defer {
                inner.pending.removeAll(keepingCapacity: true)
                inner.inFlight = inner.buffered
                inner.buffered = 0
            }
            return inner.pending.map { ($0.key, $0.value) }
        }
        // The queue is empty now: held models go on while this pass writes.
        resumeWaiting()
        guard !taken.isEmpty else {
            guard state.withLock({ $0.outage != nil }) else { return 0 }
            // Nothing to write, but an outage to see the end of (a lease renewal that failed): ask the store.
            do throws(RunStoreError) {
                _ = try await store.runs(StoredRunQuery(limit: 1))
            } catch {
                noteOutage(error.description)
                return nil
            }
            noteBack()
            return 0
        }
        // However the pass ends, what it took is written, refused, or back in the queue.
        defer { state.withLock { $0.inFlight = 0 } }
        do throws(RunStoreError) {
            try await createRows(&taken)
            let batches = taken.compactMap { batch(of: $0.id, $0.pending) }
            let refused = try await store.appendEvents(batches)
            for (id, error) in refused { refuse(id, error) }
            taken.removeAll { refused[$0.id] != nil }
        } catch {
            // `.unavailable`: nothing of the pass was committed (or a lost reply's commit is stored once anyway).
            requeue(taken)
            if case let .unavailable(_, reason) = error { noteOutage(reason) } else { noteOutage(error.description) }
            return nil
        }
        let written = taken.reduce(0) { $0 + $1.pending.events.count }
        state.withLock { inner in
            inner.inFlight -= written
            for (id, pending) in taken where pending.events.last?.isTerminal == true || pending.progress.state.isFinished {
                inner.live.remove(id)
            }
        }
        // A run's checkpoint follows the events it was taken with (a resume never skips a turn whose end was not
        // stored); one that cannot be written now waits for the next pass.
        for (index, (id, pending)) in taken.enumerated() {
            guard let checkpoint = pending.checkpoint else { continue }
            do throws(RunStoreError) {
                try await store.saveCheckpoint(RunCheckpoint(runId: id, sequence: checkpoint.sequence, json: checkpoint.json))
            } catch .unavailable(_, let reason) {
                // Their events are stored: only the checkpoints go back.
                requeue(taken[index...].lazy.filter { $0.pending.checkpoint != nil }.map { entry in
                    var left = entry.pending
                    left.events = []
                    left.lost = 0
                    return (entry.id, left)
                })
                noteOutage(reason)
                return nil
            } catch {
                refuse(id, error)
            }
        }
        noteBack()
        return written
    }

    /// Creates the rows of the runs taken for the first time (a run's first batch needs its row); a run whose row
    /// is refused leaves the pass.
    private func createRows(_ taken: inout [(id: String, pending: Pending)]) async throws(RunStoreError) {
        let created = state.withLock { $0.created }
        var refused: Set<String> = []
        for (id, pending) in taken where !created.contains(id) {
            var run = storedRun(id, pending)
            run.state = .running
            run.ended = nil
            do throws(RunStoreError) {
                try await store.createRun(run)
            } catch .duplicateRun {
                // Created by an attempt whose reply was lost.
            } catch {
                if case .unavailable = error { throw error }
                refuse(id, error)
                refused.insert(id)
                continue
            }
            state.withLock { inner in
                inner.created.insert(id)
                _ = inner.live.insert(id)
            }
        }
        if !refused.isEmpty { taken.removeAll { refused.contains($0.id) } }
    }

    /// The run's batch of this pass: its events and its metadata as of the last (nil when there is only a
    /// checkpoint to write).
    private func batch(of id: String, _ pending: Pending) -> StoredEventBatch? {
        guard !pending.events.isEmpty || pending.checkpoint == nil else { return nil }
        if pending.lost > 0 {
            logger.error("the run store was away longer than the buffer holds; the run is stored incompletely",
                         metadata: ["run_id": .string(id), "events_lost": .stringConvertible(pending.lost)])
        }
        var run = storedRun(id, pending)
        // One buffer for the run's events, reused: a buffer an event was a tenth of the encoding.
        var scratch: [UInt8] = []
        scratch.reserveCapacity(512)
        let events = pending.events.map { event in
            scratch.removeAll(keepingCapacity: true)
            FlowtopWireFormat.appendJSON(for: event, to: &scratch)
            return StoredEvent(sequence: event.sequence, json: String(decoding: scratch, as: UTF8.self))
        }
        run.lastSequence = events.last?.sequence ?? 0
        return StoredEventBatch(run: run, events: events)
    }

    private func storedRun(_ id: String, _ pending: Pending) -> StoredRun {
        let record = pending.record
        return StoredRun(
            id: id, workflow: record.workflow, prompt: record.prompt, model: record.model, state: pending.progress.state,
            started: record.started, ended: pending.finished, agents: pending.progress.agents,
            currentAgent: pending.progress.currentAgent, usage: pending.progress.usage,
            toolCalls: pending.progress.toolCalls, source: record.source.rawValue, owner: instance,
            leaseExpires: Date().addingTimeInterval(settings.leaseDuration.seconds),
            incompletelyStored: pending.lost > 0)
    }

    /// A run the store refused (another instance owns it, or its row is gone): its events stay in memory only.
    private func refuse(_ id: String, _ error: RunStoreError) {
        logger.error("the run store refused a run's events; they are kept in memory only", metadata: [
            "store": .string(store.description), "run_id": .string(id), "error": .string(error.description),
        ])
        state.withLock { _ = $0.live.remove(id) }
    }

    /// Puts runs' events back in front of anything queued since.
    private func requeue(_ runs: some Sequence<(id: String, pending: Pending)>) {
        state.withLock { inner in
            for (id, old) in runs {
                var merged = old
                if let newer = inner.pending[id] {
                    merged.events += newer.events
                    merged.progress = newer.progress
                    merged.finished = newer.finished
                    merged.lost += newer.lost
                    merged.checkpoint = newer.checkpoint ?? old.checkpoint
                }
                inner.buffered += old.events.count
                inner.inFlight -= old.events.count
                inner.pending[id] = merged
            }
        }
    }

    /// The store answered: an outage noted before is over.
    private func noteBack() {
        let wasAway = state.withLock { inner -> Bool in
            defer { inner.outage = nil }
            return inner.outage != nil
        }
        if wasAway {
            logger.notice("the run store is back; writes go on", metadata: ["store": .string(store.description)])
        }
    }

    private func noteOutage(_ reason: String) {
        let first = state.withLock { inner -> Bool in
            defer { inner.outage = reason }
            return inner.outage == nil
        }
        // Models held for room go on: while the store is away, the streams do not wait for it.
        resumeWaiting(all: true)
        if first {
            logger.warning("the run store is unavailable; streams go on from memory, writes are retried", metadata: [
                "store": .string(store.description), "reason": .string(reason),
            ])
        }
    }

    private func renewLeases() async {
        let live = state.withLock { Array($0.live) }
        let expires = Date().addingTimeInterval(settings.leaseDuration.seconds)
        do throws(RunStoreError) {
            let held = try await store.acquireLeases(runIds: live, owner: instance, expires: expires)
            for id in live where !held.contains(id) {
                logger.error("another instance took a run's lease, or its row is gone", metadata: ["run_id": .string(id)])
                state.withLock { _ = $0.live.remove(id) }
            }
            if !live.isEmpty { noteBack() }
        } catch {
            noteOutage(error.description)
            return
        }
        _ = try? await store.markInterrupted(leasesExpiredBefore: Date())
    }

    private func prune() async throws(RunStoreError) {
        guard settings.retainAge != nil || settings.retainRuns != nil else { return }
        let cutoff = settings.retainAge.map { Date().addingTimeInterval(-$0.seconds) }
        let removed = try await store.prune(olderThan: cutoff, keepingAtMost: settings.retainRuns)
        if removed > 0 {
            logger.info("pruned stored runs", metadata: ["runs": .stringConvertible(removed)])
        }
    }
}

/// How the writer batches, how long leases last, and what the store keeps.
public struct StoreSettings: Sendable {
    /// The longest an event waits in the queue when events are few (a watcher on another instance sees it that
    /// much later at most, plus the pass that writes it).
    public var interval: Duration = .milliseconds(10)
    /// At this many events a pass follows the last at once.
    public var batchEvents = 256
    /// Events queued at most while the store is away; past it, runs are stored incompletely.
    public var bufferLimit = 200_000
    /// Events queued for the next pass (the one in flight apart) at which, while the store answers, the runs'
    /// models wait for the writer (and go on at half); more at many runs (`backlogPerRun`). With the pass in
    /// flight, at most about twice the limit is held, half `bufferLimit` at most, so a busy server loses nothing to a
    /// store that is only slower, nor to a short outage after it.
    public var backlogLimit = 20_000
    /// At many runs, the backlog limit is this many events for each run queued (500 runs: 50,000), up to a quarter
    /// of `bufferLimit`.
    public var backlogPerRun = 100
    /// How long a run's lease holds unless renewed (renewed every third of it).
    public var leaseDuration: Duration = .seconds(30)
    /// Finished runs older than this are pruned (nil: kept).
    public var retainAge: Duration?
    /// At most this many runs are kept (nil: no limit).
    public var retainRuns: Int?
    public var pruneInterval: Duration = .seconds(600)

    public init(leaseDuration: Duration = .seconds(30), retainAge: Duration? = nil, retainRuns: Int? = nil) {
        self.leaseDuration = leaseDuration
        self.retainAge = retainAge
        self.retainRuns = retainRuns
    }
}

/// The store as `GET /api/health` shows it.
public struct StoreHealth: Sendable, Encodable {
    public enum State: String, Sendable, Encodable { case ok, retrying }
    public var store: String
    public var state: State
    public var buffered: Int
    public var incompleteRuns: Int
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case store, state, buffered
        case incompleteRuns = "incomplete_runs"
        case lastError = "last_error"
    }
}


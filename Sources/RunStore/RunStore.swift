import Foundation
import WorkflowCore

/// Where a server's runs outlive its process: every run's metadata and all its events, so history survives a
/// restart, a watcher's `Last-Event-ID` means the same thing to the next process, and servers that share one store
/// see each other's runs. Two implementations: SQLite (embedded, the default) and PostgreSQL (shared). "No store"
/// (`--store memory`) is not an implementation: the registry then keeps runs in memory only, as it always did.
///
/// Writes come in batches from a writer that runs beside the streams (`appendEvents`), never on a stream's path.
/// Every method may throw `RunStoreError`; a store that went away mid-run throws `.unavailable` and the caller
/// retries with backoff.
public protocol RunStore: Sendable {
    /// What the store is, for logs and errors, with any password redacted ("sqlite:/path", "postgres://u:***@h/db").
    var description: String { get }

    /// Creates a run's row (state `running`, `owner` holding its lease until `leaseExpires`). A run id that is
    /// already stored is refused with `.duplicateRun`.
    func createRun(_ run: StoredRun) async throws(RunStoreError)

    /// Appends batches of several runs' events in one transaction, each in sequence order with its run's metadata
    /// as of the batch's last event: a writer's whole pass commits once (PostgreSQL commits notifying transactions
    /// one at a time, so a hundred live runs each committing alone queued behind one another). Idempotent per
    /// (run, sequence): a batch retried after a lost reply stores nothing twice. Only the lease owner writes: a
    /// batch refused (`.notOwner`, `.unknownRun`) stores nothing and is returned by run id, the others are stored.
    /// Throws `.unavailable` when nothing could be written.
    func appendEvents(_ batches: [StoredEventBatch]) async throws(RunStoreError) -> [String: RunStoreError]

    /// One run's metadata, or nil.
    func run(id: String) async throws(RunStoreError) -> StoredRun?

    /// Runs, newest first (by `started`, then id), filtered and paged.
    func runs(_ query: StoredRunQuery) async throws(RunStoreError) -> [StoredRun]

    /// Up to `limit` of a run's events with sequence numbers after `after`, oldest first.
    func events(ofRun id: String, after: Int, limit: Int) async throws(RunStoreError) -> [StoredEvent]

    /// Takes or renews the leases on runs for `owner` until `expires`, in one statement (a writer renewing its live
    /// runs' leases did a round trip per run, and its writes waited meanwhile): the ids among `runIds` that `owner`
    /// holds now (each was free, expired, or already `owner`'s). A run whose lease another owner still holds, or
    /// that is not stored, is left out. Atomic across instances.
    func acquireLeases(runIds: [String], owner: String, expires: Date) async throws(RunStoreError) -> Set<String>

    /// Marks every run still `running` whose lease expired before `now` as `interrupted` (a server that died
    /// mid-run: `kill -9`, a crash, a lost machine); returns their ids.
    func markInterrupted(leasesExpiredBefore now: Date) async throws(RunStoreError) -> [String]

    /// The conversation and workflow position at a run's last completed agent turn (written at each turn's end), and
    /// the latest one back; `resume` continues from it.
    func saveCheckpoint(_ checkpoint: RunCheckpoint) async throws(RunStoreError)
    func checkpoint(ofRun id: String) async throws(RunStoreError) -> RunCheckpoint?

    /// Deletes finished runs older than `olderThan` and, past `keepingAtMost` runs, the oldest finished ones, with
    /// their events and checkpoints; returns how many runs went.
    func prune(olderThan: Date?, keepingAtMost: Int?) async throws(RunStoreError) -> Int

    /// Stored runs and events, and bytes on disk where the store can tell (health, benchmarks).
    func statistics() async throws(RunStoreError) -> RunStoreStatistics

    /// Closes connections and files; calls after this throw `.unavailable`.
    func close() async
}

extension RunStore {
    /// Appends one run's batch (see `appendEvents(_:)` for many): its refusal is thrown.
    public func appendEvents(_ batch: StoredEventBatch) async throws(RunStoreError) {
        if let refused = try await appendEvents([batch])[batch.run.id] { throw refused }
    }

    /// Takes or renews the lease on one run (see `acquireLeases`): true when `owner` holds it now, false when
    /// another owner's lease is still valid; a run that is not stored is `.unknownRun`.
    public func acquireLease(runId: String, owner: String, expires: Date) async throws(RunStoreError) -> Bool {
        if try await acquireLeases(runIds: [runId], owner: owner, expires: expires).contains(runId) { return true }
        guard try await run(id: runId) != nil else { throw .unknownRun(runId) }
        return false
    }
}

/// A run as stored: what `GET /api/runs` lists and `flowtop top` shows for history.
public struct StoredRun: Sendable, Hashable {
    public var id: String
    public var workflow: String
    public var prompt: String
    public var model: String?
    public var state: StoredRunState
    public var started: Date
    public var ended: Date?
    public var agents: [String]
    public var currentAgent: String?
    public var usage: Usage
    public var toolCalls: Int
    /// The sequence of the last event stored (0 before any).
    public var lastSequence: Int
    /// "workflow" or "trace" (`RunRecord.Source`'s raw value).
    public var source: String
    /// The instance that owns (writes) the run, and until when its lease holds.
    public var owner: String?
    public var leaseExpires: Date?
    /// Set when events were lost because the store was away longer than the writer's buffer held: never silent.
    public var incompletelyStored: Bool

    public init(
        id: String, workflow: String, prompt: String, model: String? = nil, state: StoredRunState = .running,
        started: Date, ended: Date? = nil, agents: [String] = [], currentAgent: String? = nil, usage: Usage = .zero,
        toolCalls: Int = 0, lastSequence: Int = 0, source: String = "workflow", owner: String? = nil,
        leaseExpires: Date? = nil, incompletelyStored: Bool = false
    ) {
        self.id = id
        self.workflow = workflow
        self.prompt = prompt
        self.model = model
        self.state = state
        self.started = started
        self.ended = ended
        self.agents = agents
        self.currentAgent = currentAgent
        self.usage = usage
        self.toolCalls = toolCalls
        self.lastSequence = lastSequence
        self.source = source
        self.owner = owner
        self.leaseExpires = leaseExpires
        self.incompletelyStored = incompletelyStored
    }
}

/// A stored run's state is WorkflowCore's `RunState` (the feed and `flowtop top` show the same states), whose
/// `interrupted` marks a run whose server died before it ended.
public typealias StoredRunState = RunState

/// One event as stored: its sequence and its flowtop wire JSON (`FlowtopWireFormat.json(for:)`, decoded back with
/// `FlowtopWireDecoder.decode(json:)`), so a stored run replays byte for byte as it was streamed.
public struct StoredEvent: Sendable, Hashable {
    public var sequence: Int
    public var json: String

    public init(sequence: Int, json: String) {
        self.sequence = sequence
        self.json = json
    }
}

/// A batch of one run's events and the run's metadata after them (state, agents, usage, …), written together.
public struct StoredEventBatch: Sendable, Hashable {
    public var run: StoredRun
    public var events: [StoredEvent]

    public init(run: StoredRun, events: [StoredEvent]) {
        self.run = run
        self.events = events
    }

    /// A pass's batches with each run's as one (its events in order, its metadata as of the last, its last sequence
    /// and whether it is stored incompletely over all of them): a store updates each run's row once.
    public static func onePerRun(_ batches: [StoredEventBatch]) -> [StoredEventBatch] {
        var merged: [StoredEventBatch] = []
        var index: [String: Int] = [:]
        for batch in batches {
            guard let at = index[batch.run.id] else {
                index[batch.run.id] = merged.count
                merged.append(batch)
                continue
            }
            let earlier = merged[at].run
            merged[at].events += batch.events
            merged[at].run = batch.run
            merged[at].run.lastSequence = max(earlier.lastSequence, batch.run.lastSequence)
            merged[at].run.incompletelyStored = earlier.incompletelyStored || batch.run.incompletelyStored
        }
        return merged
    }
}

/// `GET /api/runs?limit&before&state&workflow`: newest first; `before` is a run id, the page starts after it.
public struct StoredRunQuery: Sendable, Hashable {
    public var limit: Int
    public var before: String?
    public var state: StoredRunState?
    public var workflow: String?

    public init(limit: Int = 100, before: String? = nil, state: StoredRunState? = nil, workflow: String? = nil) {
        self.limit = limit
        self.before = before
        self.state = state
        self.workflow = workflow
    }
}

/// A run's position at the end of an agent turn: the conversation so far and where the workflow is, as JSON the
/// workflow writes and reads back (the store does not look inside), and the event sequence it was taken at.
public struct RunCheckpoint: Sendable, Hashable {
    public var runId: String
    public var sequence: Int
    public var json: String

    public init(runId: String, sequence: Int, json: String) {
        self.runId = runId
        self.sequence = sequence
        self.json = json
    }
}

public struct RunStoreStatistics: Sendable, Hashable {
    public var runs: Int
    public var events: Int
    public var bytes: Int?

    public init(runs: Int, events: Int, bytes: Int?) {
        self.runs = runs
        self.events = events
        self.bytes = bytes
    }
}

/// Why a store refused or failed; each says what to do, and none carries a password.
public enum RunStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store cannot be opened or reached (start-up), or went away (mid-run: retry).
    case unavailable(store: String, reason: String)
    /// The file or database is not a flowtop store (a foreign or corrupt SQLite file): refused, never overwritten.
    case notAStore(store: String, reason: String)
    /// The store's schema is newer than this flowtop knows.
    case newerSchema(store: String, found: Int, known: Int)
    case duplicateRun(String)
    case unknownRun(String)
    /// Another instance holds the run's lease.
    case notOwner(runId: String, owner: String?)

    public var description: String {
        switch self {
        case let .unavailable(store, reason): return "the run store \(store) is unavailable: \(reason)"
        case let .notAStore(store, reason): return "\(store) is not a flowtop run store (\(reason)); it was left untouched"
        case let .newerSchema(store, found, known):
            return "the run store \(store) has schema version \(found), newer than this flowtop's \(known); upgrade flowtop"
        case let .duplicateRun(id): return "run \(id) is already stored"
        case let .unknownRun(id): return "no stored run \(id)"
        case let .notOwner(runId, owner): return "run \(runId) is owned by \(owner ?? "another instance")"
        }
    }
}

import Foundation

/// A store shared by several servers that tells each of them, as it happens, that another one stored a run's events
/// (PostgreSQL: LISTEN/NOTIFY, the notice sent in the append's own transaction). A watcher on instance B of a run
/// that lives on instance A follows it with `StoredRunFollower`, which turns these signals into the run's events.
/// A separate protocol: an embedded store has one server, whose own registry already has its runs live.
public protocol LiveRunStore: RunStore {
    /// Signals about run `id` from every instance, from this call until the stream is dropped or the store closes.
    /// Signals may be merged (only the latest is kept while nobody reads); a reader reads the store after its own
    /// cursor on each, so a merged or missed notice loses nothing.
    func signals(ofRun id: String) -> AsyncStream<StoredEventsSignal>

    /// The same signals about every run, by any instance (a server's runs feed shows the runs others write).
    func signalsOfEveryRun() -> AsyncStream<StoredEventsSignal>

    /// False once `close()` was called: `.unavailable` then is final, not a reason to retry.
    var isOpen: Bool { get }
}

/// "Run X has events stored up to sequence N", with the run's state after them, and the batch just committed when
/// it is small enough to travel with the notice (contiguous, in order; empty otherwise): a follower whose cursor it
/// continues takes it as it is, without reading the store.
public struct StoredEventsNotice: Sendable, Hashable {
    public var runId: String
    public var lastSequence: Int
    public var state: StoredRunState
    public var events: [StoredEvent]

    public init(runId: String, lastSequence: Int, state: StoredRunState, events: [StoredEvent] = []) {
        self.runId = runId
        self.lastSequence = lastSequence
        self.state = state
        self.events = events
    }
}

public enum StoredEventsSignal: Sendable, Hashable {
    case stored(StoredEventsNotice)
    /// Notices may have been missed (the store's listening connection was just established or re-established):
    /// read the store to catch up.
    case catchUp
}

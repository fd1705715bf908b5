/// How far a run got; `cancelled` is a run stopped from outside (a client that left, a timeout, shutdown), and
/// `interrupted` a stored run whose server died before it ended (`kill -9`, a crash), found by its expired lease.
public enum RunState: String, Sendable, Hashable, Encodable, CaseIterable {
    case running, completed, failed, cancelled, interrupted

    public var isFinished: Bool { self != .running }
}

/// One run as a list of runs shows it (`GET /api/runs/feed`, `flowtop top`): what it is, how far it got, what it
/// has cost. A plain value, so any source of runs (a remote server, an in-process receiver) can produce it.
public struct RunSummary: Sendable, Hashable {
    public var id: String
    public var workflow: String
    public var state: RunState
    /// Seconds since 1970.
    public var started: Double
    public var finished: Double?
    /// The agents that have started, in order.
    public var agents: [String]
    /// The agent speaking now (the last to start or be handed control); the last one once the run ended.
    public var currentAgent: String?
    /// Tokens in and out so far (the run's total once it completed).
    public var usage: Usage
    public var toolCalls: Int
    public var events: Int
    /// Events per second over the last few seconds (0 once the run ended).
    public var eventsPerSecond: Int

    public init(
        id: String, workflow: String, state: RunState, started: Double, finished: Double? = nil, agents: [String] = [],
        currentAgent: String? = nil, usage: Usage = .zero, toolCalls: Int = 0, events: Int = 0, eventsPerSecond: Int = 0
    ) {
        self.id = id
        self.workflow = workflow
        self.state = state
        self.started = started
        self.finished = finished
        self.agents = agents
        self.currentAgent = currentAgent
        self.usage = usage
        self.toolCalls = toolCalls
        self.events = events
        self.eventsPerSecond = eventsPerSecond
    }

    /// Seconds from the start to the end, or to `now` while it runs.
    public func elapsed(at now: Double) -> Double { max(0, (finished ?? now) - started) }
}

/// A change in a list of runs, as the runs feed sends it: everything there is first, then each start, progress
/// (coalesced, a few a second at most) and end.
public enum RunFeedEvent: Sendable, Hashable {
    case snapshot([RunSummary])
    case started(RunSummary)
    case progress(RunSummary)
    case ended(RunSummary)

    /// The runs this event is about.
    public var summaries: [RunSummary] {
        switch self {
        case let .snapshot(runs): return runs
        case let .started(run), let .progress(run), let .ended(run): return [run]
        }
    }
}

/// Where a list of runs comes from: a flowtop server's feed (`flowtop top URL`) or, in-process, a receiver of
/// traced runs. The list calls `feed` once and `events(ofRun:)` each time a run's dashboard is opened; both run
/// until their task is cancelled (the events also end with the run's terminal event).
public protocol RunSource: Sendable {
    /// What the list's header calls the source (a URL).
    var label: String { get }
    /// Delivers the feed: a snapshot on each (re)connection, then changes; `onConnection` says how it is going.
    func feed(onEvent: @escaping @Sendable (RunFeedEvent) -> Void,
              onConnection: @escaping @Sendable (ConnectionState) -> Void) async
    /// Delivers one run's events from its start. A failure is reported as a `.closed` connection (and, when
    /// nothing arrived, a `runFailed` event).
    func events(ofRun id: String, onEvent: @escaping @Sendable (WorkflowEvent) -> Void,
                onConnection: @escaping @Sendable (ConnectionState) -> Void) async
    /// Whether a run's requests for a person can be answered through this source (a flowtop server's can; a
    /// traced run's cannot: the app that asked is not reachable from its traces).
    var answersRequests: Bool { get }
    /// Sends a person's answer to a run's request; nil when the run took it, else why not, in words for the
    /// dashboard's warnings. The run's own events show the resolution either way.
    func answer(_ requestId: String, _ response: HumanResponse, inRun runId: String) async -> String?
}

extension RunSource {
    public var answersRequests: Bool { false }

    public func answer(_ requestId: String, _ response: HumanResponse, inRun runId: String) async -> String? {
        "\(label) cannot answer requests"
    }
}

import Foundation
import WorkflowCore

/// The live list of runs (`flowtop top`, and the home screen of traced runs) as a plain value: every input goes
/// through `update(_:)`, `RunListView` draws it. Runs are kept by id; past `keep` the oldest finished ones are let
/// go, so memory stays bounded however long the list runs.
public struct RunListState: Sendable {
    /// The columns, left to right; the digit keys 1–9 and 0 sort by them in this order.
    public enum Column: Int, Sendable, Hashable, CaseIterable {
        case state, id, workflow, agent, agents, tokens, tools, elapsed, rate, started

        /// A first press sorts numbers and times largest (newest) first, names from A.
        var sortsDescendingFirst: Bool {
            switch self {
            case .state, .id, .workflow, .agent: return false
            default: return true
            }
        }
    }

    public struct Sort: Sendable, Hashable {
        public var column: Column
        public var descending: Bool

        public init(column: Column, descending: Bool) {
            self.column = column
            self.descending = descending
        }
    }

    /// What the header calls the source (a server's URL).
    public var source: String
    /// The header's first word: the command showing the list (`flowtop top`, `flowtop otel`).
    public var title: String
    /// What the source refused or skipped, counted by description (a receiver's bad bodies, late spans): the
    /// header's badge and the `w` overlay, so nothing refused goes unseen while the list is up.
    public var problems: [String: Int] = [:]
    /// `w`: the problems overlay, scrolled by `warningsScroll` rows.
    public var showingWarnings = false
    public var warningsScroll = 0
    public private(set) var runs: [String: RunSummary] = [:]
    /// Runs kept at most; past it the oldest finished ones are let go (running ones never are).
    public let keep: Int
    public var sort = Sort(column: .started, descending: true)
    /// The `/` filter: a case-insensitive substring of the id, workflow, agents or state.
    public var filter = ""
    /// Typing the filter (the footer shows it) rather than moving through the list.
    public var editingFilter = false
    /// The selected run, by id, so it stays selected while runs come, go and move.
    public var selectedId: String?
    /// The first list row shown.
    public var scrollTop = 0
    /// The feed's connection, shown in the header.
    public var connection: ConnectionState?
    public var size = (width: 80, height: 24)
    /// The wall clock as the app last set it (elapsed times of running runs).
    public var now: Double = 0
    /// For the started column's clock.
    public var timeZone = TimeZone.current
    /// A one-line notice in the footer, until the next key.
    public var notice: String?

    public init(source: String = "", title: String = "flowtop top", keep: Int = 500) {
        self.source = source
        self.title = title
        self.keep = max(1, keep)
    }

    // MARK: What is shown

    /// The runs the filter lets through, in the sort's order (ties: newest first, then by id).
    public var visible: [RunSummary] {
        let needle = filter.lowercased()
        let matching = needle.isEmpty ? Array(runs.values) : runs.values.filter { Self.matches($0, needle) }
        let (sort, now) = (sort, now)
        return matching.sorted { a, b in
            let ordered = Self.compare(a, b, by: sort.column, now: now)
            if ordered != .equal {
                return sort.descending ? ordered == .greater : ordered == .less
            }
            if a.started != b.started { return a.started > b.started }
            return a.id < b.id
        }
    }

    /// Every problem counted so far.
    public var problemTotal: Int { problems.values.reduce(0, +) }

    public var runningCount: Int { runs.values.reduce(0) { $0 + ($1.state == .running ? 1 : 0) } }

    /// List rows that fit between the header and column titles above and the footer below.
    public var pageSize: Int { max(1, size.height - 3) }

    static func matches(_ run: RunSummary, _ needle: String) -> Bool {
        run.id.lowercased().contains(needle) || run.workflow.lowercased().contains(needle)
            || run.state.rawValue.contains(needle) || (run.currentAgent?.lowercased().contains(needle) ?? false)
            || run.agents.contains { $0.lowercased().contains(needle) }
    }

    private enum Order { case less, equal, greater }

    private static func order<T: Comparable>(_ a: T, _ b: T) -> Order { a < b ? .less : (a > b ? .greater : .equal) }

    private static func compare(_ a: RunSummary, _ b: RunSummary, by column: Column, now: Double) -> Order {
        switch column {
        case .state: return order(Column.stateRank(a.state), Column.stateRank(b.state))
        case .id: return order(a.id, b.id)
        case .workflow: return order(a.workflow.lowercased(), b.workflow.lowercased())
        case .agent: return order((a.currentAgent ?? "").lowercased(), (b.currentAgent ?? "").lowercased())
        case .agents: return order(a.agents.count, b.agents.count)
        case .tokens: return order(a.usage.totalTokens, b.usage.totalTokens)
        case .tools: return order(a.toolCalls, b.toolCalls)
        case .elapsed: return order(a.elapsed(at: now), b.elapsed(at: now))
        case .rate: return order(a.eventsPerSecond, b.eventsPerSecond)
        case .started: return order(a.started, b.started)
        }
    }

    // MARK: Runs

    /// Applies one feed event: a snapshot adds or refreshes every run it holds and drops the running ones it does
    /// not (their end was missed while disconnected and the server has let them go); the others add or refresh
    /// one run.
    public mutating func apply(_ event: RunFeedEvent) {
        if case let .snapshot(summaries) = event {
            let present = Set(summaries.map(\.id))
            runs = runs.filter { !$0.value.state.isFinished ? present.contains($0.key) : true }
        }
        apply(event.summaries)
    }

    /// Adds or refreshes `summaries`, then lets go of what is past the limit.
    public mutating func apply(_ summaries: [RunSummary]) {
        for summary in summaries { runs[summary.id] = summary }
        letGo()
        keepSelection()
    }

    /// Past `keep`, lets go of the oldest finished runs (never the selected one while another can go instead).
    private mutating func letGo() {
        guard runs.count > keep else { return }
        let finished = runs.values.filter(\.state.isFinished).sorted { ($0.started, $0.id) < ($1.started, $1.id) }
        var excess = runs.count - keep
        for run in finished where excess > 0 {
            runs[run.id] = nil
            excess -= 1
        }
    }

    // MARK: Selection

    /// The selected run's row in `visible`, choosing the first when none (or a hidden one) was selected.
    mutating func keepSelection() {
        let rows = visible
        guard !rows.isEmpty else {
            selectedId = nil
            scrollTop = 0
            return
        }
        let index = selectedId.flatMap { id in rows.firstIndex { $0.id == id } } ?? 0
        select(index, in: rows)
    }

    mutating func moveSelection(by delta: Int) {
        let rows = visible
        guard !rows.isEmpty else { return }
        let current = selectedId.flatMap { id in rows.firstIndex { $0.id == id } } ?? 0
        select(current + delta, in: rows)
    }

    mutating func select(_ index: Int, in rows: [RunSummary]) {
        guard !rows.isEmpty else { return }
        let index = min(max(0, index), rows.count - 1)
        selectedId = rows[index].id
        // Keep the selected row on screen, and no empty rows below the last run when it can be helped.
        if index < scrollTop { scrollTop = index }
        if index >= scrollTop + pageSize { scrollTop = index - pageSize + 1 }
        scrollTop = max(0, min(scrollTop, rows.count - pageSize))
    }
}

extension RunListState.Column {
    /// Running first when sorting by state from A: what needs watching comes first.
    static func stateRank(_ state: RunState) -> Int {
        switch state {
        case .running: return 0
        case .failed: return 1
        case .interrupted: return 2
        case .cancelled: return 3
        case .completed: return 4
        }
    }
}

import Foundation
import WorkflowCore

/// Everything the dashboard shows, as a plain value: every input updates it through `update(_:)`, the view draws
/// it. Nothing here knows about terminals, so every screen can be tested as text.
public struct DashboardState: Sendable {
    public enum RunStatus: Sendable, Hashable {
        case waiting
        case running
        case completed
        case failed(String)
        /// Stopped before it ended, with the reason when known.
        case cancelled(String?)
    }

    public enum Overlay: Sendable, Hashable {
        /// Scrolled by `scroll` rows when the keys do not fit the terminal (80×24 shows most, not all).
        case help(scroll: Int)
        /// The full arguments and result of a timeline entry; `scroll` in rows.
        case toolDetail(index: Int, scroll: Int)
        /// `w`: the warnings and the event types a remote stream sent that flowtop skipped; `scroll` in rows.
        case warnings(scroll: Int)
    }

    public struct Search: Sendable, Hashable {
        public var query: String
        /// Typing the query (the footer shows it) rather than browsing matches.
        public var editing: Bool
        /// The match shown as current: (line index in the focused pane, occurrence).
        public var currentLine: Int?
        public var matchCount: Int = 0
    }

    // MARK: Run

    public var workflow = ""
    public var runId = ""
    public var model = ""
    public var runStatus: RunStatus = .waiting
    public var startedAt: Double?
    public var finishedAt: Double?
    public var usage = Usage.zero
    public var eventCount = 0
    public var lastSequence = 0
    public var agents: [AgentPane] = []
    private var agentIndex: [String: Int] = [:]
    public var timeline: [ToolCallEntry] = []
    private var timelineIndex: [String: Int] = [:]
    public var warnings: [String] = []
    /// Event types a remote stream sent that its decoder does not know, with how many of each were skipped (set by
    /// `attach`; the decoder warns about the first of each type only).
    public var skippedEventCounts: [String: Int] = [:]
    public var output: (agent: String?, text: String)?
    /// The run's structure and the step taken last, for the map.
    public var map = WorkflowMapState()
    /// Requests for a person the run waits on (approvals, questions), oldest first, with the prompt's state.
    public var requests = PendingRequests()
    /// A remote stream's connection (attach), shown in the header by its label; nil in-process.
    public var connection: ConnectionState?
    /// Whether the event stream has finished (the run may not have: then the connection shows as ended).
    public var streamFinished = false
    /// Where `s` last saved the transcript.
    public var transcriptPath: String?

    // MARK: View

    public var size = (width: 80, height: 24)
    /// The wall clock as the app last set it, for elapsed time and events/s (kept here so the view stays pure).
    public var now: Double = 0
    /// For the timeline's clock column.
    public var timeZone = TimeZone.current
    public var focus = 0
    public var timelineFocused = false
    public var timelineSelection: Int?
    public var showTimeline = true
    public var zoomed = false
    public var paused = false
    public var overlay: Overlay?
    public var search: Search?
    /// A one-line notice in the footer ("Transcript saved to …"), until the next key.
    public var notice: String?
    public var eventRate = EventRate()
    /// The wall clock when the last event arrived: a live run with none for a while says how long it has been quiet.
    public var lastEventAt: Double?
    /// Opened from the runs list (`flowtop top`): `q` and Esc go back to it rather than quit.
    public var openedFromList = false
    /// `r`: panes show agents' text exactly as streamed instead of rendering its Markdown.
    public var showRawText = false
    /// `i`: each pane's figures (tokens in and out, tool calls, time to first output, time spent) on its bottom edge.
    public var showAgentFigures = false
    /// `m`: the workflow map above the panes.
    public var showMap = false

    /// Seconds since the last event while the run is live and has been quiet for at least `quietAfter`.
    public var quietFor: Double? {
        guard runStatus == .running, let lastEventAt, now - lastEventAt >= Self.quietAfter else { return nil }
        return now - lastEventAt
    }

    /// How long a live run may send nothing before the header says so.
    public static let quietAfter = 5.0
    public let scrollback: Int

    public init(scrollback: Int = 5_000) {
        self.scrollback = scrollback
    }

    public var skippedEventTotal: Int { skippedEventCounts.values.reduce(0, +) }

    public var focusedPane: AgentPane? { agents.indices.contains(focus) ? agents[focus] : nil }

    /// The agent currently streaming or calling a tool (the last to start), for highlighting.
    public var activeAgent: String?

    public var elapsed: Double? {
        guard let startedAt else { return nil }
        return max(0, (finishedAt ?? now) - startedAt)
    }

    // MARK: - Events

    /// Applies one workflow event. Cheap: appends and counters only, nothing proportional to what is on screen.
    public mutating func apply(_ event: WorkflowEvent) {
        eventCount += 1
        lastSequence = event.sequence
        lastEventAt = now
        eventRate.record(at: now)
        if event.isTerminal { requests.removeAll() }
        switch event.kind {
        case let .runStarted(info):
            workflow = info.workflow
            runId = info.runId
            model = info.model ?? ""
            runStatus = .running
            startedAt = event.timestamp
            finishedAt = nil
            for name in info.participants { _ = paneIndex(name) }
            map.runStarted(graph: info.graph)
        case let .runResumed(info):
            // The turns cut short start again: their panes say so, and wait for the turn's new start.
            commitStreamingLines()
            runStatus = .running
            finishedAt = nil
            let marker = "↻ resumed after \(info.completedTurns) completed turn" + (info.completedTurns == 1 ? "" : "s")
                + " · what follows replaces the cut turn "
            for index in agents.indices {
                switch agents[index].status {
                case .streaming, .callingTool:
                    agents[index].status = .waiting
                    agents[index].append(PaneLine(kind: .transition, text: marker))
                    keepFollowing(index)
                default: break
                }
            }
            warnings.append("the run was resumed from its checkpoint after event \(info.checkpointSequence)"
                + (info.lastAgent.map { " (\($0)'s turn was the last completed)" } ?? ""))
            activeAgent = nil
        case let .agentStarted(agent):
            let index = paneIndex(agent)
            agents[index].status = .streaming
            agents[index].beginTurn(at: event.timestamp)
            activeAgent = agent
        case let .textDelta(agent, messageId, text):
            let index = paneIndex(agent)
            agents[index].appendText(text, kind: .text, messageId: messageId)
            agents[index].noteOutput(at: event.timestamp)
            if agents[index].status == .waiting || agents[index].status == .done { agents[index].status = .streaming }
            activeAgent = agent
            keepFollowing(index)
        case let .reasoningDelta(agent, messageId, text):
            let index = paneIndex(agent)
            agents[index].appendText(text, kind: .reasoning, messageId: messageId)
            agents[index].noteOutput(at: event.timestamp)
            activeAgent = agent
            keepFollowing(index)
        case let .toolCallStarted(agent, callId, tool, arguments):
            let index = paneIndex(agent)
            agents[index].status = .callingTool(tool)
            agents[index].toolCalls += 1
            agents[index].noteOutput(at: event.timestamp)
            var entry = ToolCallEntry(callId: callId, agent: agent, tool: tool, arguments: arguments, startedAt: event.timestamp)
            if let existing = timelineIndex[callId], !callId.isEmpty {
                entry.arguments = timeline[existing].arguments + arguments
                timeline[existing] = entry
            } else {
                timelineIndex[callId] = timeline.count
                timeline.append(entry)
            }
            agents[index].appendToolCall(PaneLine(kind: .tool, text: "⚙ \(tool)(\(entry.argumentsSummary))"), callId: callId)
            activeAgent = agent
            keepFollowing(index)
        case let .toolCallArgumentsDelta(agent, callId, delta):
            if let position = timelineIndex[callId] {
                timeline[position].arguments += delta
                let entry = timeline[position]
                // The pane's one line needs only the start of long arguments; summarising megabytes per delta would
                // make a long call quadratic.
                if entry.arguments.utf8.count <= 8_192 {
                    agents[paneIndex(agent)].updateToolCall(callId, text: "⚙ \(entry.tool)(\(entry.argumentsSummary))")
                }
            }
        case let .toolProgress(_, callId, progress):
            if let position = timelineIndex[callId] { timeline[position].progress = progress }
        case let .toolResult(info):
            let index = paneIndex(info.agent)
            if let position = timelineIndex[info.callId] {
                timeline[position].status = info.isError ? .failed : .succeeded
                timeline[position].durationMs = info.durationMs
                timeline[position].result = info.result
            } else {
                var entry = ToolCallEntry(callId: info.callId, agent: info.agent, tool: info.tool, arguments: "", startedAt: event.timestamp)
                entry.status = info.isError ? .failed : .succeeded
                entry.durationMs = info.durationMs
                entry.result = info.result
                timelineIndex[info.callId] = timeline.count
                timeline.append(entry)
            }
            let firstLine = info.result.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            agents[index].append(PaneLine(kind: info.isError ? .error : .tool, text: "  \(info.isError ? "✗" : "↳") \(firstLine)"))
            if case .callingTool = agents[index].status { agents[index].status = .streaming }
            keepFollowing(index)
        case let .agentCompleted(agent, usage, finishReason, maxTokens):
            let index = paneIndex(agent)
            agents[index].status = .done
            agents[index].endTurn(at: event.timestamp)
            // The answer's last line has no newline to commit it; the end of the turn does.
            agents[index].commitStreamingLine()
            if let usage { agents[index].usage = (agents[index].usage ?? .zero) + usage }
            // A turn that ended with neither text nor a tool call: say so, rather than leave a blank pane to puzzle
            // over (a model server that cut the request short looks exactly like this).
            if !agents[index].turnHasOutput {
                agents[index].append(PaneLine(kind: .error, text: "∅ no output"))
                keepFollowing(index)
            }
            if let notice = finishReason?.stopNotice(maxTokens: maxTokens) {
                agents[index].append(PaneLine(kind: .error, text: "⚠ \(notice)"))
                keepFollowing(index)
            }
            if activeAgent == agent { activeAgent = nil }
        case let .transition(from, to, reason):
            map.transition(from: from, to: to)
            // The view extends the marker with "─" to the pane's edge.
            let marker = "── " + (from.map { "\($0) → " } ?? "→ ") + to + (reason.map { " · \($0)" } ?? "") + " "
            if let from {
                let index = paneIndex(from)
                agents[index].append(PaneLine(kind: .transition, text: marker))
                keepFollowing(index)
            }
            let index = paneIndex(to)
            agents[index].append(PaneLine(kind: .transition, text: marker))
            keepFollowing(index)
        case .approvalRequested, .approvalResolved, .inputRequested, .inputProvided:
            applyRequest(event.kind, at: event.timestamp)
        case let .output(agent, text):
            output = (agent, text)
        case let .warning(agent, message):
            warnings.append(agent.map { "\($0): \(message)" } ?? message)
            if let agent {
                let index = paneIndex(agent)
                agents[index].append(PaneLine(kind: .error, text: "⚠ \(message)"))
            }
        case let .runCompleted(_, totals, _):
            commitStreamingLines()
            runStatus = .completed
            usage = totals
            finishedAt = event.timestamp
            for index in agents.indices where agents[index].status != .failed && agents[index].status != .waiting {
                agents[index].status = .done
            }
            activeAgent = nil
        case let .runCancelled(reason):
            commitStreamingLines()
            runStatus = .cancelled(reason)
            finishedAt = event.timestamp
            for index in agents.indices {
                if case .streaming = agents[index].status { agents[index].status = .failed }
                if case .callingTool = agents[index].status { agents[index].status = .failed }
            }
            activeAgent = nil
        case let .runFailed(error, agent):
            commitStreamingLines()
            runStatus = .failed(error)
            finishedAt = event.timestamp
            if let agent {
                let index = paneIndex(agent)
                agents[index].status = .failed
                agents[index].append(PaneLine(kind: .error, text: "✗ \(error)"))
            }
            for index in agents.indices {
                if case .streaming = agents[index].status { agents[index].status = .failed }
                if case .callingTool = agents[index].status { agents[index].status = .failed }
            }
            activeAgent = nil
        }
    }

    /// The run is over: every pane's last line is complete.
    private mutating func commitStreamingLines() {
        for index in agents.indices { agents[index].commitStreamingLine() }
    }

    /// The pane for `name`, created (in order of appearance) when first seen.
    mutating func paneIndex(_ name: String) -> Int {
        if let index = agentIndex[name] { return index }
        agentIndex[name] = agents.count
        agents.append(AgentPane(name: name, scrollback: scrollback))
        return agents.count - 1
    }

    /// A pane that is not following keeps showing the same lines as new ones arrive below.
    private mutating func keepFollowing(_ index: Int) {
        if agents[index].follow { agents[index].scrollOffset = 0 }
    }
}

import Foundation

extension DashboardState {
    /// Applies a key or mouse action (the `.key` input of `update(_:)`). Pure apart from what it returns.
    public mutating func handle(_ key: Key) -> [DashboardEffect] {
        if case .control("c") = key { return [.quit] }
        notice = nil
        if case .control("l") = key { return [.repaint] }
        if promptIsOpen { return handleRequestKey(key) }
        if let search, search.editing { return handleSearchInput(key) }
        switch overlay {
        case let .help(scroll):
            switch key {
            case .escape, .enter, .character("?"): overlay = nil
            case .character("q"): return leave
            case .up, .character("k"): overlay = .help(scroll: max(0, scroll - 1))
            case .down, .character("j"): overlay = .help(scroll: min(scroll + 1, HelpOverlay.entries.count - 1))
            case .pageUp: overlay = .help(scroll: max(0, scroll - 10))
            case .pageDown: overlay = .help(scroll: min(scroll + 10, HelpOverlay.entries.count - 1))
            default: break
            }
            return []
        case let .toolDetail(index, scroll):
            switch key {
            case .escape, .enter, .character("q"): overlay = nil
            case .up, .character("k"): overlay = .toolDetail(index: index, scroll: max(0, scroll - 1))
            case .down, .character("j"): overlay = .toolDetail(index: index, scroll: scroll + 1)
            case .pageUp: overlay = .toolDetail(index: index, scroll: max(0, scroll - 10))
            case .pageDown: overlay = .toolDetail(index: index, scroll: scroll + 10)
            default: break
            }
            return []
        case let .warnings(scroll):
            switch key {
            case .escape, .enter, .character("w"): overlay = nil
            case .character("q"): return leave
            case .up, .character("k"): overlay = .warnings(scroll: max(0, scroll - 1))
            case .down, .character("j"): overlay = .warnings(scroll: scroll + 1)
            case .pageUp: overlay = .warnings(scroll: max(0, scroll - 10))
            case .pageDown: overlay = .warnings(scroll: scroll + 10)
            default: break
            }
            return []
        case nil:
            break
        }

        switch key {
        case .character("q"): return leave
        case .character("a") where !requests.isEmpty && requests.answerable: requests.hidden = false
        case .character("?"): overlay = .help(scroll: 0)
        case .character("w"): overlay = .warnings(scroll: 0)
        case .tab: moveFocus(by: 1)
        case .backTab: moveFocus(by: -1)
        case let .character(digit) where digit.isNumber && digit != "0":
            if let number = digit.wholeNumberValue, agents.indices.contains(number - 1) {
                focus = number - 1
                timelineFocused = false
            }
        case .up, .character("k"): timelineFocused ? moveSelection(by: -1) : scroll(by: 1)
        case .down, .character("j"): timelineFocused ? moveSelection(by: 1) : scroll(by: -1)
        case .pageUp: timelineFocused ? moveSelection(by: -pageSize) : scroll(by: pageSize)
        case .pageDown: timelineFocused ? moveSelection(by: pageSize) : scroll(by: -pageSize)
        case .home, .character("g"): timelineFocused ? (timelineSelection = timeline.isEmpty ? nil : 0) : scrollToTop()
        case .end, .character("G"): timelineFocused ? (timelineSelection = timeline.isEmpty ? nil : timeline.count - 1) : scrollToBottom()
        case .character("f"):
            guard agents.indices.contains(focus) else { break }
            agents[focus].follow.toggle()
            if agents[focus].follow { agents[focus].scrollOffset = 0 }
            notice = agents[focus].follow ? "Following \(agents[focus].name)" : "Follow off for \(agents[focus].name)"
        case .character(" "):
            paused.toggle()
        case .character("/"):
            search = Search(query: "", editing: true)
        case .character("n"): jumpToMatch(forward: true)
        case .character("N"): jumpToMatch(forward: false)
        case .escape:
            // Esc closes what is open; with nothing open, a dashboard opened from the runs list goes back to it.
            if openedFromList, search == nil, !zoomed { return [.back] }
            search = nil
            if zoomed { zoomed = false }
        case .enter:
            if timelineFocused, let selection = timelineSelection ?? (timeline.isEmpty ? nil : timeline.count - 1) {
                overlay = .toolDetail(index: selection, scroll: 0)
            }
        case .character("t"):
            showTimeline.toggle()
            if !showTimeline { timelineFocused = false }
        case .character("z"): zoomed.toggle()
        case .character("i"): showAgentFigures.toggle()
        case .character("m"): showMap.toggle()
        case .character("r"):
            showRawText.toggle()
            notice = showRawText ? "Raw text, as streamed (r renders Markdown)" : "Markdown rendered (r shows raw text)"
        case .character("s"): return [.saveTranscript]
        case let .mouse(event): handleMouse(event)
        default: break
        }
        return []
    }

    /// `q`: back to the runs list when the dashboard was opened from it, else quit.
    private var leave: [DashboardEffect] { openedFromList ? [.back] : [.quit] }

    // MARK: Focus and scrolling

    private mutating func moveFocus(by step: Int) {
        let timelineSlot = DashboardLayout.timelineFits(self) ? 1 : 0
        let slots = agents.count + timelineSlot
        guard slots > 0 else { return }
        let current = timelineFocused ? agents.count : focus
        let next = ((current + step) % slots + slots) % slots
        if next == agents.count {
            timelineFocused = true
            if timelineSelection == nil, !timeline.isEmpty { timelineSelection = timeline.count - 1 }
        } else {
            timelineFocused = false
            focus = next
        }
    }

    /// Rows a page key moves in what has focus (the timeline or the focused pane).
    var pageSize: Int {
        let layout = DashboardLayout(state: self)
        if timelineFocused, let page = layout.timelinePageSize { return page }
        return layout.pageSize(ofPane: focus)
    }

    /// Scrolls the focused pane `rows` up (positive) or down; reaching the bottom turns follow back on.
    mutating func scroll(by rows: Int, pane index: Int? = nil) {
        let target = index ?? focus
        guard agents.indices.contains(target) else { return }
        let layout = DashboardLayout(state: self)
        let width = layout.wrapWidth(ofPane: target)
        let height = layout.viewportHeight(ofPane: target)
        let maximum = max(0, AgentPaneView.totalRows(agents[target], width: width, raw: showRawText) - height)
        let offset = min(maximum, max(0, agents[target].scrollOffset + rows))
        agents[target].scrollOffset = offset
        agents[target].follow = offset == 0
    }

    private mutating func scrollToTop() { scroll(by: Int.max / 2) }

    private mutating func scrollToBottom() {
        guard agents.indices.contains(focus) else { return }
        agents[focus].scrollOffset = 0
        agents[focus].follow = true
    }

    private mutating func moveSelection(by step: Int) {
        guard !timeline.isEmpty else { return }
        let current = timelineSelection ?? timeline.count - 1
        timelineSelection = min(timeline.count - 1, max(0, current + step))
    }

    private mutating func handleMouse(_ event: MouseEvent) {
        let layout = DashboardLayout(state: self)
        if let pane = layout.panes.first(where: { $0.rect.contains(x: event.x, y: event.y) }) {
            switch event.action {
            case .wheelUp: scroll(by: 3, pane: pane.index)
            case .wheelDown: scroll(by: -3, pane: pane.index)
            case .press:
                focus = pane.index
                timelineFocused = false
            }
        } else if let timelineRect = layout.timeline, timelineRect.contains(x: event.x, y: event.y) {
            switch event.action {
            case .wheelUp: moveSelection(by: -1)
            case .wheelDown: moveSelection(by: 1)
            case .press:
                timelineFocused = true
                // Rows below the header map to the entries drawn there.
                let first = DashboardLayout.firstTimelineEntry(
                    count: timeline.count, selected: timelineSelection ?? timeline.count - 1,
                    rows: DashboardLayout.timelineEntryRows(in: timelineRect))
                let index = first + (event.y - timelineRect.y - 1)
                if event.y > timelineRect.y, timeline.indices.contains(index) { timelineSelection = index }
            }
        }
    }

    // MARK: Search

    private mutating func handleSearchInput(_ key: Key) -> [DashboardEffect] {
        guard var current = search else { return [] }
        switch key {
        case .escape:
            search = nil
            return []
        case .enter:
            current.editing = false
            search = current
            if current.query.isEmpty {
                search = nil
            } else {
                search?.currentLine = nil
                jumpToMatch(forward: false)
            }
            return []
        case .backspace, .delete:
            if current.query.isEmpty {
                search = nil
                return []
            }
            current.query.removeLast()
        case let .character(character):
            current.query.append(character)
        default:
            return []
        }
        current.matchCount = matchingLines(current.query).count
        search = current
        return []
    }

    /// Indices of the focused pane's lines containing `query` (case-insensitive).
    func matchingLines(_ query: String) -> [Int] {
        guard !query.isEmpty, agents.indices.contains(focus) else { return [] }
        return agents[focus].lines.indices.filter { agents[focus].lines[$0].text.range(of: query, options: .caseInsensitive) != nil }
    }

    /// `n` goes to the next match further back (up), `N` to the next one down, as in a pager reading from the end.
    mutating func jumpToMatch(forward: Bool) {
        guard let query = search?.query, !query.isEmpty, agents.indices.contains(focus) else { return }
        let matches = matchingLines(query)
        let count = matches.count
        search?.matchCount = count
        guard !matches.isEmpty else {
            notice = "No match for \"\(query)\" in \(agents[focus].name)"
            return
        }
        let target: Int
        if let current = search?.currentLine {
            if forward {
                target = matches.last { $0 < current } ?? matches.last!
            } else {
                target = matches.first { $0 > current } ?? matches.first!
            }
        } else {
            target = matches.last!
        }
        search?.currentLine = target
        reveal(line: target)
    }

    /// Scrolls the focused pane so `line` is in view (about a third from the top).
    mutating func reveal(line: Int) {
        let layout = DashboardLayout(state: self)
        let width = layout.wrapWidth(ofPane: focus)
        let height = layout.viewportHeight(ofPane: focus)
        let pane = agents[focus]
        var rowsBelow = 0
        for index in (line + 1)..<pane.lines.count { rowsBelow += AgentPaneView.rowCount(pane.lines[index], width: width, raw: showRawText) }
        let offset = max(0, rowsBelow - height * 2 / 3)
        agents[focus].scrollOffset = offset
        agents[focus].follow = offset == 0
    }
}

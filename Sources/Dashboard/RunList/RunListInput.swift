import WorkflowCore

/// Everything that can change the list of runs: keys, the terminal, the clock, the feed.
public enum RunListInput: Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    case tick(now: Double)
    case connection(ConnectionState)
    case feed(RunFeedEvent)
    /// Runs that started, progressed or ended, coalesced to the latest summary of each (`RunFeedInbox`), applied
    /// at once so a busy feed costs one sort per frame, not one per run.
    case changed([RunSummary])
    /// The source's problems so far, counted by description (they replace the previous counts).
    case problems([String: Int])
}

/// What an input asks the app to do beyond changing the list.
public enum RunListEffect: Sendable, Hashable {
    case quit
    /// Open the run's dashboard; the list goes on taking the feed meanwhile.
    case open(runId: String)
    /// Repaint the whole screen (Ctrl-L).
    case repaint
}

extension RunListState {
    /// The one door: applies an input and returns what the app must do. Pure apart from what it returns.
    public mutating func update(_ input: RunListInput) -> [RunListEffect] {
        switch input {
        case let .key(key):
            return handle(key)
        case let .resize(width, height):
            size = (width, height)
            keepSelection()
        case let .tick(now):
            self.now = now
        case let .connection(state):
            connection = state
        case let .feed(event):
            apply(event)
        case let .changed(summaries):
            apply(summaries)
        case let .problems(counts):
            problems = counts
        }
        return []
    }

    /// Applies a key or mouse action.
    public mutating func handle(_ key: Key) -> [RunListEffect] {
        if case .control("c") = key { return [.quit] }
        notice = nil
        if case .control("l") = key { return [.repaint] }
        if editingFilter { return handleFilterInput(key) }
        if showingWarnings { return handleWarningsKey(key) }
        switch key {
        case .character("q"): return [.quit]
        case .character("w"):
            showingWarnings = true
            warningsScroll = 0
        case .character("/"): editingFilter = true
        case .escape:
            filter = ""
            keepSelection()
        case .up, .character("k"): moveSelection(by: -1)
        case .down, .character("j"): moveSelection(by: 1)
        case .pageUp: moveSelection(by: -pageSize)
        case .pageDown: moveSelection(by: pageSize)
        case .home, .character("g"): select(0, in: visible)
        case .end, .character("G"): select(Int.max / 2, in: visible)
        case .enter:
            if let selectedId { return [.open(runId: selectedId)] }
        case let .character(digit) where digit.isASCII && digit.isNumber:
            let number = digit.wholeNumberValue ?? 0
            if let column = Column(rawValue: number == 0 ? 9 : number - 1) { sort(by: column) }
        case let .mouse(event):
            handleMouse(event)
        default:
            break
        }
        return []
    }

    /// Sorts by `column`; the same column again reverses the order.
    mutating func sort(by column: Column) {
        sort = sort.column == column
            ? Sort(column: column, descending: !sort.descending)
            : Sort(column: column, descending: column.sortsDescendingFirst)
        keepSelection()
    }

    /// Keys while the problems overlay is up: scrolling, `w` or Esc to close; `q` still quits.
    private mutating func handleWarningsKey(_ key: Key) -> [RunListEffect] {
        switch key {
        case .character("q"): return [.quit]
        case .character("w"), .escape: showingWarnings = false
        case .up, .character("k"): warningsScroll = max(0, warningsScroll - 1)
        case .down, .character("j"): warningsScroll += 1
        case .pageUp: warningsScroll = max(0, warningsScroll - pageSize)
        case .pageDown: warningsScroll += pageSize
        default: break
        }
        return []
    }

    private mutating func handleFilterInput(_ key: Key) -> [RunListEffect] {
        switch key {
        case .enter: editingFilter = false
        case .escape:
            editingFilter = false
            filter = ""
        case .backspace, .delete: if !filter.isEmpty { filter.removeLast() }
        case let .character(character): filter.append(character)
        default: break
        }
        keepSelection()
        return []
    }

    private mutating func handleMouse(_ event: MouseEvent) {
        switch event.action {
        case .wheelUp: moveSelection(by: -3)
        case .wheelDown: moveSelection(by: 3)
        case .press:
            // Rows start under the header and the column titles.
            let row = event.y - 2 + scrollTop
            let rows = visible
            if event.y >= 2, event.y < size.height - 1, rows.indices.contains(row) { select(row, in: rows) }
        }
    }
}

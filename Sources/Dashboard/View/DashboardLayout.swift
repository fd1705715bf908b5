/// Where each part of the dashboard goes for a terminal size: a pure function of the state, shared by the view
/// (drawing) and the key handling (page sizes, wrap widths, mouse hit-tests). Everything either side needs to know
/// about pane insets, viewports and when the timeline shows is answered here, so the two cannot disagree.
public struct DashboardLayout: Sendable, Hashable {
    public static let minimumWidth = 40
    public static let minimumHeight = 10

    public var header: Rect
    public var panes: [(index: Int, rect: Rect)]
    public var timeline: Rect?
    public var footer: Rect
    public var tooSmall: Bool
    /// When the panes do not fit (too many for the height), only the focused one is shown, under a strip of tabs.
    public var tabs: Rect?
    /// The workflow map (`m`) above the panes: its rule and drawing, or one row when only that fits.
    public var map: Rect?

    public static func == (lhs: DashboardLayout, rhs: DashboardLayout) -> Bool {
        lhs.header == rhs.header && lhs.timeline == rhs.timeline && lhs.footer == rhs.footer
            && lhs.tooSmall == rhs.tooSmall && lhs.map == rhs.map && lhs.panes.map(\.index) == rhs.panes.map(\.index)
            && lhs.panes.map(\.rect) == rhs.panes.map(\.rect)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(header)
        hasher.combine(footer)
        hasher.combine(panes.map(\.rect))
    }

    public init(state: DashboardState) {
        let width = state.size.width
        let height = state.size.height
        header = Rect(x: 0, y: 0, width: width, height: 1)
        footer = Rect(x: 0, y: max(0, height - 1), width: width, height: 1)
        tooSmall = width < Self.minimumWidth || height < Self.minimumHeight
        panes = []
        timeline = nil
        tabs = nil
        map = nil
        guard !tooSmall else { return }

        var bodyHeight = height - 2
        // The timeline takes a quarter of the height (at least four rows) when there is room for it.
        if Self.timelineFits(state), !state.zoomed || state.timelineFocused {
            let rows = max(4, min(height / 4, state.timeline.count + 2))
            timeline = Rect(x: 0, y: 1 + bodyHeight - rows, width: width, height: rows)
            bodyHeight -= rows
        }
        // The map takes what it needs when the panes keep a readable height, else one row, else nothing.
        var top = 1
        if state.showMap, !state.zoomed, let graph = state.mapGraph {
            let rows = WorkflowMapLayout.height(of: graph, width: width).map { $0 + 1 }
            let height = rows.flatMap { bodyHeight - $0 >= Self.minimumPaneHeight ? $0 : nil }
                ?? (bodyHeight - 1 >= Self.minimumPaneHeight ? 1 : 0)
            if height > 0 {
                map = Rect(x: 0, y: 1, width: width, height: height)
                top += height
                bodyHeight -= height
            }
        }
        let area = Rect(x: 0, y: top, width: width, height: bodyHeight)
        let count = state.agents.count
        guard count > 0 else { return }
        if state.zoomed, state.agents.indices.contains(state.focus) {
            if state.timelineFocused, let timelineRect = timeline {
                timeline = Rect(x: 0, y: 1, width: width, height: bodyHeight + timelineRect.height)
            } else {
                panes = [(state.focus, area)]
            }
            return
        }
        let tiled = Self.tile(count: count, in: area)
        if tiled.contains(where: { $0.rect.height < Self.minimumPaneHeight }), state.agents.indices.contains(state.focus) {
            tabs = Rect(x: 0, y: top, width: width, height: 1)
            panes = [(state.focus, Rect(x: 0, y: top + 1, width: width, height: bodyHeight - 1))]
        } else {
            panes = tiled
        }
    }

    /// A border, a title and at least two rows of text.
    static let minimumPaneHeight = 4

    /// Tiles `count` panes in `area`: one row for up to three (when wide enough), then a grid; the last row's panes
    /// share its whole width.
    static func tile(count: Int, in area: Rect) -> [(index: Int, rect: Rect)] {
        let maxColumns = max(1, area.width / 30)
        let preferred = count <= 3 ? count : count == 4 ? 2 : count <= 6 ? 3 : 4
        var columns = min(preferred, maxColumns)
        var rows = (count + columns - 1) / columns
        // Too many rows to be readable: use more columns if the width allows.
        while rows > 1, area.height / rows < 4, columns < min(count, maxColumns) {
            columns += 1
            rows = (count + columns - 1) / columns
        }
        var result: [(index: Int, rect: Rect)] = []
        for row in 0..<rows {
            let y = area.y + area.height * row / rows
            let nextY = area.y + area.height * (row + 1) / rows
            let first = row * columns
            let inRow = min(columns, count - first)
            for column in 0..<inRow {
                let x = area.x + area.width * column / inRow
                let nextX = area.x + area.width * (column + 1) / inRow
                result.append((first + column, Rect(x: x, y: y, width: nextX - x, height: nextY - y)))
            }
        }
        return result
    }

    /// The rect of pane `index`, if it is shown.
    public func rect(ofPane index: Int) -> Rect? {
        panes.first { $0.index == index }?.rect
    }

    // MARK: Viewports

    /// Terminal rows the timeline needs before it is shown (and can take focus with Tab).
    public static let timelineMinimumHeight = 20

    /// Whether the timeline is on and the terminal tall enough for it (zoom may still hide it).
    public static func timelineFits(_ state: DashboardState) -> Bool {
        state.showTimeline && state.size.height >= timelineMinimumHeight
    }

    /// Where a pane's text goes: inside its one-cell border.
    public static func viewport(ofPaneRect rect: Rect) -> Rect { rect.inner }

    /// The text area of pane `index`, if it is shown.
    public func viewport(ofPane index: Int) -> Rect? { rect(ofPane: index).map(Self.viewport(ofPaneRect:)) }

    /// The width pane `index`'s text wraps at (at least 1, also for a pane not shown).
    public func wrapWidth(ofPane index: Int) -> Int { max(1, viewport(ofPane: index)?.width ?? 1) }

    /// Rows of text pane `index` shows (at least 1, also for a pane not shown).
    public func viewportHeight(ofPane index: Int) -> Int { max(1, viewport(ofPane: index)?.height ?? 1) }

    /// Rows a page key moves in pane `index`: a viewport less one row, which stays in view for context.
    public func pageSize(ofPane index: Int) -> Int { max(1, viewportHeight(ofPane: index) - 1) }

    /// Rows of entries in a timeline `rect` (below its header row).
    public static func timelineEntryRows(in rect: Rect) -> Int { rect.height - 1 }

    /// Rows a page key moves in the timeline, if it is shown.
    public var timelinePageSize: Int? { timeline.map { max(1, Self.timelineEntryRows(in: $0) - 1) } }

    /// The first timeline entry drawn in `rows` rows: the newest calls, or enough to keep `selected` in view.
    public static func firstTimelineEntry(count: Int, selected: Int, rows: Int) -> Int {
        let last = max(selected, min(count - 1, rows - 1))
        return max(0, last - rows + 1)
    }
}

import WorkflowCore

/// `m`: the workflow map above the panes. A rule with the map's kind and the glyphs' key, then the graph
/// (`WorkflowMapLayout`); a rect of one row gets the one-line form.
enum WorkflowMapView {
    static func draw(_ state: DashboardState, in rect: Rect, into grid: inout CellGrid) {
        guard let graph = state.mapGraph, rect.height >= 1, rect.width >= 2 else { return }
        let states = WorkflowMapLayout.States(graph.nodes.map { ($0.id, state.mapNodeState($0)) }, uniquingKeysWith: { first, _ in first })
        let lit = state.map.litEdge(in: graph)
        if rect.height == 1 {
            let x = grid.put(" Map", x: rect.x, y: rect.y, style: .mapTitle)
            let line = WorkflowMapLayout.line(graph, states: states, lit: lit, width: rect.width - (x - rect.x))
            blit(line, x: x, y: rect.y, into: &grid)
            return
        }
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, character: "─", style: .mapTitle)
        grid.put(" Map · \(title(graph, declared: state.map.declared != nil)) ", x: rect.x + 1, y: rect.y, style: .mapTitle)
        let key = " ○ waiting ● running ⚙ tool ✓ done ✗ failed "
        let keyX = rect.x + rect.width - 1 - DisplayWidth.of(key)
        if keyX > rect.x + 30 { grid.put(key, x: keyX, y: rect.y, style: .mapTitle) }
        if let drawing = WorkflowMapLayout.full(graph, states: states, lit: lit, width: rect.width) {
            blit(drawing, x: rect.x, y: rect.y + 1, maxRows: rect.height - 1, into: &grid)
        }
    }

    /// What the rule calls the map.
    static func title(_ graph: WorkflowGraph, declared: Bool) -> String {
        switch graph.kind {
        case .sequential: return "sequential"
        case .groupChat: return "group chat"
        case .concurrent: return "concurrent"
        case .handoff: return "handoff"
        case .agent: return "agent"
        case .workflow: return declared ? "workflow" : "agents seen"
        }
    }

    /// Copies `drawing`'s cells onto `grid` at (`x`, `y`).
    static func blit(_ drawing: CellGrid, x: Int, y: Int, maxRows: Int? = nil, into grid: inout CellGrid) {
        for row in 0..<min(drawing.height, maxRows ?? drawing.height) where y + row < grid.height {
            for column in 0..<drawing.width where x + column < grid.width && x + column >= 0 {
                grid[x + column, y + row] = drawing[column, row]
            }
        }
    }
}

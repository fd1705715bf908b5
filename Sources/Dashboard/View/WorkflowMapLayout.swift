import WorkflowCore

/// Lays a `WorkflowGraph` out as cells, for the map. Two shapes: a group chat's manager above its participants,
/// joined by its turn edges; every other graph in layers from the start node (longest path, so a fan-out's
/// agents stack in one layer and its aggregator follows them), edges running left to right between neighbouring
/// layers. A handoff's start agent is a layer of its own with every other agent in the next. An edge that runs
/// back against another (a handoff back to triage) shows as `◀` on that edge; edges that cannot be drawn between
/// neighbouring layers (loops, skips) are listed on a line below. Edges between two layers share one vertical bus
/// per connected group, so crossing edges read as joined. Names are shortened until the map fits the width; when
/// it cannot, the map is one line (`✓ Researcher → ● Writer`).
enum WorkflowMapLayout {
    /// Each node's state by id; a node missing is waiting.
    typealias States = [String: WorkflowMapState.NodeState]
    typealias Lit = (edge: WorkflowGraph.Edge, reversed: Bool)

    /// The full map, as wide as `width` and as tall as it needs; nil when it does not fit the width.
    static func full(_ graph: WorkflowGraph, states: States, lit: Lit?, width: Int) -> CellGrid? {
        for limit in nameLimits {
            for stub in [2, 1] {
                let labels = Labels(graph: graph, states: states, limit: limit)
                if let hub = HubPlan(graph: graph, labels: labels) {
                    if hub.width <= width { return hub.draw(lit: lit, width: width) }
                    break
                }
                let plan = LayerPlan(graph: graph, labels: labels, stub: stub)
                if plan.width <= width { return plan.draw(lit: lit, width: width) }
            }
        }
        return nil
    }

    /// Rows the full map takes at `width`, nil when it does not fit.
    static func height(of graph: WorkflowGraph, width: Int) -> Int? {
        full(graph, states: [:], lit: nil, width: width)?.height
    }

    /// The map on one row: nodes in layer order, `→` between layers and `·` within one; names shorten until it
    /// fits, and what still does not is cut with `…`.
    static func line(_ graph: WorkflowGraph, states: States, lit: Lit?, width: Int) -> CellGrid {
        var grid = CellGrid(width: width, height: 1)
        for limit in nameLimits {
            grid = CellGrid(width: width, height: 1)
            if drawLine(graph, labels: Labels(graph: graph, states: states, limit: limit), lit: lit, into: &grid) <= width { break }
        }
        return grid
    }

    /// Draws the one-line map and returns the columns it needed (more than the grid's width when cut).
    private static func drawLine(_ graph: WorkflowGraph, labels: Labels, lit: Lit?, into grid: inout CellGrid) -> Int {
        let ordered: [[String]]
        if let hub = HubPlan(graph: graph, labels: labels) {
            ordered = [[hub.manager], hub.participants]
        } else {
            ordered = LayerPlan(graph: graph, labels: labels, stub: 1).layers
        }
        let litTarget = lit.map { $0.reversed ? $0.edge.source : $0.edge.target }
        var x = 1
        var needed = 1
        for (layerIndex, layer) in ordered.enumerated() {
            for (position, id) in layer.enumerated() {
                if layerIndex > 0 || position > 0 {
                    let between = position == 0 ? " → " : " · "
                    needed += 3
                    x = grid.put(between, x: x, y: 0, style: position == 0 && id == litTarget ? .mapEdgeLit : .mapEdge)
                }
                needed += labels.width(id)
                x = labels.put(id, x: x, y: 0, into: &grid)
            }
        }
        if needed > grid.width, grid.width >= 1 { grid.put("…", x: grid.width - 1, y: 0, style: .mapEdge) }
        return needed
    }

    /// Names are tried whole, then shortened step by step.
    static let nameLimits = [40, 16, 12, 10, 8, 6, 4]

    static func glyph(_ state: WorkflowMapState.NodeState) -> (Character, StyleRole) {
        switch state {
        case .waiting: return ("○", .statusWaiting)
        case .running: return ("●", .statusStreaming)
        case .callingTool: return ("⚙", .statusTool)
        case .done: return ("✓", .statusDone)
        case .failed: return ("✗", .statusFailed)
        }
    }

    /// Columns a state glyph takes: the widest, so a node's place does not move as its state changes.
    static let glyphWidth = [WorkflowMapState.NodeState.waiting, .running, .callingTool, .done, .failed]
        .map { DisplayWidth.of(glyph($0).0) }.max() ?? 1

    /// Each node's label, `● Writer`: the glyph of its state and its name, shortened to the limit.
    struct Labels {
        let names: [String: String]
        let states: States

        init(graph: WorkflowGraph, states: States, limit: Int) {
            var names: [String: String] = [:]
            for node in graph.nodes where names[node.id] == nil { names[node.id] = TextWrap.truncate(node.name, width: limit) }
            self.names = names
            self.states = states
        }

        func width(_ id: String) -> Int { WorkflowMapLayout.glyphWidth + 1 + DisplayWidth.of(names[id] ?? id) }

        @discardableResult
        func put(_ id: String, x: Int, y: Int, into grid: inout CellGrid) -> Int {
            let state = states[id] ?? .waiting
            let (symbol, role) = WorkflowMapLayout.glyph(state)
            grid.put(String(symbol), x: x, y: y, style: role)
            let active = state == .running || state == .callingTool
            return grid.put(names[id] ?? id, x: x + WorkflowMapLayout.glyphWidth + 1, y: y, style: active ? .mapNodeActive : .mapNode)
        }
    }

    /// Lines left, right, up and down from a bus cell, as a box-drawing character.
    static func junction(left: Bool, right: Bool, up: Bool, down: Bool) -> Character {
        switch (left, right, up, down) {
        case (_, _, false, false): return "─"
        case (false, false, _, _): return "│"
        case (false, true, true, true): return "├"
        case (true, false, true, true): return "┤"
        case (true, true, true, true): return "┼"
        case (false, true, false, true): return "┌"
        case (true, false, false, true): return "┐"
        case (true, true, false, true): return "┬"
        case (false, true, true, false): return "└"
        case (true, false, true, false): return "┘"
        case (true, true, true, false): return "┴"
        }
    }

    /// Puts an edge cell, heavy and lit when it is on the edge taken last.
    static func edgeCell(_ character: Character, x: Int, y: Int, lit: Bool, into grid: inout CellGrid) {
        let shown: Character = lit ? (character == "─" ? "━" : character == "│" ? "┃" : character) : character
        grid.put(String(shown), x: x, y: y, style: lit ? .mapEdgeLit : .mapEdge)
    }

    /// The line of edges not drawn between layers: `also: Weather ⇄ Time · Reviewer → Researcher`.
    static func drawListed(_ listed: [WorkflowGraph.Edge], labels: Labels, lit: Lit?, y: Int, into grid: inout CellGrid) {
        guard !listed.isEmpty else { return }
        var x = grid.put(" also: ", x: 0, y: y, style: .mapTitle)
        var shown: [WorkflowGraph.Edge] = []
        for edge in listed where !shown.contains(where: { $0.source == edge.target && $0.target == edge.source }) {
            let twoWay = listed.contains { $0.source == edge.target && $0.target == edge.source }
            let isLit = lit.map { $0.edge == edge || ($0.edge.source == edge.target && $0.edge.target == edge.source && twoWay) } ?? false
            if !shown.isEmpty { x = grid.put(" · ", x: x, y: y, style: .mapTitle) }
            let source = labels.names[edge.source] ?? edge.source
            let target = labels.names[edge.target] ?? edge.target
            x = grid.put("\(source) \(twoWay ? "⇄" : "→") \(target)", x: x, y: y, style: isLit ? .mapEdgeLit : .mapEdge)
            shown.append(edge)
        }
    }
}

/// A group chat with a manager: the manager centred on the top row, a bus below it with a drop to each
/// participant on the row under that.
struct HubPlan {
    let manager: String
    let participants: [String]
    let labels: WorkflowMapLayout.Labels
    let listed: [WorkflowGraph.Edge]
    let width: Int
    private let participantX: [Int]
    private let managerX: Int

    init?(graph: WorkflowGraph, labels: WorkflowMapLayout.Labels) {
        guard graph.kind == .groupChat, let manager = graph.nodes.first(where: { $0.kind == .manager })?.id else { return nil }
        self.manager = manager
        var participants: [String] = []
        for node in graph.nodes where node.id != manager && !participants.contains(node.id) { participants.append(node.id) }
        guard !participants.isEmpty else { return nil }
        self.participants = participants
        self.labels = labels
        listed = graph.edges.filter { $0.source != manager && $0.target != manager && $0.source != $0.target }
        var xs: [Int] = []
        var x = 1
        for id in participants {
            xs.append(x)
            x += labels.width(id) + 3
        }
        let center = (xs[0] + xs[xs.count - 1]) / 2
        let managerWidth = labels.width(manager)
        let managerX = center - managerWidth / 2
        // A manager wider than the row of participants pushes them right, so it starts inside the map.
        let shift = max(0, 1 - managerX)
        let shifted = xs.map { $0 + shift }
        participantX = shifted
        self.managerX = managerX + shift
        width = max(shifted[shifted.count - 1] + labels.width(participants[participants.count - 1]), managerX + shift + managerWidth) + 1
    }

    func draw(lit: WorkflowMapLayout.Lit?, width gridWidth: Int) -> CellGrid {
        var grid = CellGrid(width: gridWidth, height: listed.isEmpty ? 3 : 4)
        labels.put(manager, x: managerX, y: 0, into: &grid)
        for (index, id) in participants.enumerated() { labels.put(id, x: participantX[index], y: 2, into: &grid) }
        let drops = participantX
        let center = (drops[0] + drops[drops.count - 1]) / 2
        // The drop of the participant the last turn went to, lit back to the manager.
        let litDrop: Int? = lit.flatMap { lit in
            guard lit.edge.source == manager || lit.edge.target == manager else { return nil }
            let other = lit.edge.source == manager ? lit.edge.target : lit.edge.source
            return participants.firstIndex(of: other).map { drops[$0] }
        }
        for x in drops[0]...drops[drops.count - 1] {
            let isDrop = drops.contains(x)
            let character: Character
            if drops.count == 1 {
                character = "│"
            } else {
                character = WorkflowMapLayout.junction(
                    left: x > drops[0], right: x < drops[drops.count - 1], up: x == center, down: isDrop)
            }
            let isLit = litDrop.map { x >= min($0, center) && x <= max($0, center) } ?? false
            WorkflowMapLayout.edgeCell(character, x: x, y: 1, lit: isLit, into: &grid)
        }
        WorkflowMapLayout.drawListed(listed, labels: labels, lit: lit, y: 3, into: &grid)
        return grid
    }
}

/// Any other graph in layers from its start, left to right.
struct LayerPlan {
    /// Node ids per layer, each layer in the graph's order.
    let layers: [[String]]
    let labels: WorkflowMapLayout.Labels
    /// Per layer, the edges drawn from it to the next.
    let connectors: [[WorkflowGraph.Edge]]
    /// Drawn edges whose reverse is an edge too: `◀` at the source end.
    let twoWay: Set<WorkflowGraph.Edge>
    let listed: [WorkflowGraph.Edge]
    let width: Int
    let rows: Int
    private let stub: Int
    private let layerX: [Int]
    private let columnWidth: [Int]
    private let rowOf: [String: Int]

    init(graph: WorkflowGraph, labels: WorkflowMapLayout.Labels, stub: Int) {
        var ids: [String] = []
        for node in graph.nodes where !ids.contains(node.id) { ids.append(node.id) }
        let known = Set(ids)
        var edges: [WorkflowGraph.Edge] = []
        for edge in graph.edges where edge.source != edge.target && known.contains(edge.source) && known.contains(edge.target)
            && !edges.contains(where: { $0.source == edge.source && $0.target == edge.target })
        {
            edges.append(edge)
        }
        let layerOf = Self.layering(ids: ids, edges: edges, start: graph.start, star: graph.kind == .handoff)
        let layerCount = (layerOf.values.max() ?? 0) + 1
        var layers = [[String]](repeating: [], count: layerCount)
        for id in ids { layers[layerOf[id]!].append(id) }
        layers.removeAll { $0.isEmpty }
        self.layers = layers
        self.labels = labels
        self.stub = stub
        let position = Dictionary(uniqueKeysWithValues: layers.enumerated().flatMap { index, layer in layer.map { ($0, index) } })

        var connectors = [[WorkflowGraph.Edge]](repeating: [], count: layers.count)
        for edge in edges where position[edge.target]! == position[edge.source]! + 1 { connectors[position[edge.source]!].append(edge) }
        var twoWay = Set<WorkflowGraph.Edge>()
        var listed: [WorkflowGraph.Edge] = []
        for edge in edges where position[edge.target]! != position[edge.source]! + 1 {
            if let forward = connectors.joined().first(where: { $0.source == edge.target && $0.target == edge.source }) {
                twoWay.insert(forward)
            } else {
                listed.append(edge)
            }
        }
        self.connectors = connectors
        self.twoWay = twoWay
        self.listed = listed

        let tallest = layers.map(\.count).max() ?? 1
        var rowOf: [String: Int] = [:]
        for layer in layers {
            for (index, id) in layer.enumerated() { rowOf[id] = (tallest - layer.count) / 2 + index }
        }
        self.rowOf = rowOf
        rows = tallest + (listed.isEmpty ? 0 : 1)
        columnWidth = layers.map { layer in layer.map(labels.width).max() ?? 0 }
        var xs: [Int] = []
        var x = 1
        for index in layers.indices {
            xs.append(x)
            x += columnWidth[index] + 2 * stub + 3
        }
        layerX = xs
        width = (xs.last ?? 1) + (columnWidth.last ?? 0) + 1
    }

    /// Longest-path layers over the graph without its back edges (found depth-first from the start, then from
    /// each node not yet reached, in order); a star puts the start alone in the first layer.
    static func layering(ids: [String], edges: [WorkflowGraph.Edge], start: String?, star: Bool) -> [String: Int] {
        let first = start.flatMap { ids.contains($0) ? $0 : nil } ?? ids.first
        if star { return Dictionary(uniqueKeysWithValues: ids.map { ($0, $0 == first ? 0 : 1) }) }
        var outgoing: [String: [String]] = [:]
        for edge in edges { outgoing[edge.source, default: []].append(edge.target) }
        var visiting = Set<String>()
        var visited = Set<String>()
        var back = Set<[String]>()
        func visit(_ id: String) {
            visiting.insert(id)
            for next in outgoing[id] ?? [] {
                if visiting.contains(next) {
                    back.insert([id, next])
                } else if !visited.contains(next) {
                    visit(next)
                }
            }
            visiting.remove(id)
            visited.insert(id)
        }
        for id in (first.map { [$0] } ?? []) + ids where !visited.contains(id) { visit(id) }
        let forward = edges.filter { !back.contains([$0.source, $0.target]) }
        // Kahn's order, ties in the graph's order; each node one layer past its furthest predecessor.
        var incoming = Dictionary(uniqueKeysWithValues: ids.map { ($0, 0) })
        for edge in forward { incoming[edge.target, default: 0] += 1 }
        var layer = Dictionary(uniqueKeysWithValues: ids.map { ($0, 0) })
        var ready = ids.filter { incoming[$0] == 0 }
        while !ready.isEmpty {
            let id = ready.removeFirst()
            for edge in forward where edge.source == id {
                layer[edge.target] = max(layer[edge.target]!, layer[id]! + 1)
                incoming[edge.target]! -= 1
                if incoming[edge.target] == 0 { ready.append(edge.target) }
            }
        }
        return layer
    }

    func draw(lit: WorkflowMapLayout.Lit?, width gridWidth: Int) -> CellGrid {
        var grid = CellGrid(width: gridWidth, height: rows)
        for (index, layer) in layers.enumerated() {
            for id in layer { labels.put(id, x: layerX[index], y: rowOf[id]!, into: &grid) }
        }
        // The drawn edge the last step took, and whether it went against it.
        var litPath: (edge: WorkflowGraph.Edge, backwards: Bool)?
        if let lit {
            let drawn = connectors.joined()
            if drawn.contains(lit.edge) {
                litPath = (lit.edge, lit.reversed)
            } else if let forward = drawn.first(where: { $0.source == lit.edge.target && $0.target == lit.edge.source }) {
                litPath = (forward, !lit.reversed)
            }
        }
        for (index, edges) in connectors.enumerated() where !edges.isEmpty {
            drawConnector(edges, layer: index, lit: litPath, into: &grid)
        }
        // A step not drawn between layers is lit on the listed line.
        WorkflowMapLayout.drawListed(listed, labels: labels, lit: litPath == nil ? lit : nil, y: rows - 1, into: &grid)
        return grid
    }

    /// The edges from layer `index` to the next: a stub from each source, a bus per group of joined edges, an
    /// arrow into each target.
    private func drawConnector(
        _ edges: [WorkflowGraph.Edge], layer index: Int, lit: (edge: WorkflowGraph.Edge, backwards: Bool)?,
        into grid: inout CellGrid
    ) {
        let bus = layerX[index] + columnWidth[index] + 1 + stub
        for group in Self.groups(edges, rowOf: rowOf) {
            let sourceRows = Set(group.map { rowOf[$0.source]! })
            let targetRows = Set(group.map { rowOf[$0.target]! })
            let top = sourceRows.union(targetRows).min()!
            let bottom = sourceRows.union(targetRows).max()!
            let litEdge = lit.flatMap { group.contains($0.edge) ? $0 : nil }
            let litRows = litEdge.map { min(rowOf[$0.edge.source]!, rowOf[$0.edge.target]!)...max(rowOf[$0.edge.source]!, rowOf[$0.edge.target]!) }
            for source in Set(group.map(\.source)) {
                let y = rowOf[source]!
                let isLit = litEdge?.edge.source == source
                let start = layerX[index] + labels.width(source) + 1
                for x in start..<bus {
                    let backArrow = x == start && group.contains { $0.source == source && twoWay.contains($0) }
                    WorkflowMapLayout.edgeCell(backArrow ? "◀" : "─", x: x, y: y, lit: isLit && (!backArrow || litEdge!.backwards), into: &grid)
                }
            }
            for y in top...bottom {
                let character = WorkflowMapLayout.junction(
                    left: sourceRows.contains(y), right: targetRows.contains(y), up: y > top, down: y < bottom)
                WorkflowMapLayout.edgeCell(character, x: bus, y: y, lit: litRows?.contains(y) ?? false, into: &grid)
            }
            for target in Set(group.map(\.target)) {
                let y = rowOf[target]!
                let isLit = litEdge?.edge.target == target
                for x in (bus + 1)..<(bus + stub) { WorkflowMapLayout.edgeCell("─", x: x, y: y, lit: isLit, into: &grid) }
                WorkflowMapLayout.edgeCell("▶", x: bus + stub, y: y, lit: isLit && !(litEdge?.backwards ?? false), into: &grid)
            }
        }
    }

    /// The edges joined through shared nodes, groups whose rows overlap merged (they share the bus column).
    static func groups(_ edges: [WorkflowGraph.Edge], rowOf: [String: Int]) -> [[WorkflowGraph.Edge]] {
        var groups: [(nodes: Set<String>, edges: [WorkflowGraph.Edge])] = []
        for edge in edges {
            let touching = groups.indices.filter { groups[$0].nodes.contains(edge.source) || groups[$0].nodes.contains(edge.target) }
            var merged: (nodes: Set<String>, edges: [WorkflowGraph.Edge]) = ([edge.source, edge.target], [edge])
            for index in touching.reversed() {
                merged.nodes.formUnion(groups[index].nodes)
                merged.edges = groups[index].edges + merged.edges
                groups.remove(at: index)
            }
            groups.append(merged)
        }
        var spans = groups.map { group -> (range: ClosedRange<Int>, edges: [WorkflowGraph.Edge]) in
            let rows = group.nodes.map { rowOf[$0]! }
            return (rows.min()!...rows.max()!, group.edges)
        }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var index = 0
        while index + 1 < spans.count {
            if spans[index].range.overlaps(spans[index + 1].range) {
                let next = spans.remove(at: index + 1)
                spans[index] = (min(spans[index].range.lowerBound, next.range.lowerBound)...max(spans[index].range.upperBound, next.range.upperBound),
                                spans[index].edges + next.edges)
            } else {
                index += 1
            }
        }
        return spans.map(\.edges)
    }
}

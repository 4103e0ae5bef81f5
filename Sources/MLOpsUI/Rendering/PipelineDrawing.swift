import Foundation

/// A pipeline's stages and their dependencies drawn as an SVG graph, left to right.
///
/// Each stage sits in the column of its longest path from a stage without inputs, so every edge points right;
/// within a column, stages are ordered to keep edges from crossing (the barycenter heuristic). The drawing needs
/// neither CSS nor JavaScript: the fill of a stage shows its state inline, and the classes and `data-stage` /
/// `data-state` attributes are hooks for a stylesheet or script. ``svg()`` is a pure function of the drawing.
struct PipelineDrawing: Sendable {
    /// A stage: its name, its state and a line of detail shown in its tooltip.
    struct Node: Sendable {
        var name: String
        /// "up-to-date", "stale", "failed" or "never-run"; any other state is drawn like "never-run", and in the
        /// `state-…` class its characters other than ASCII letters, digits, `-` and `_` become `-`.
        var state: String
        var detail: String
    }

    /// A dependency between two stages, as indices into ``PipelineDrawing/nodes``: upstream → downstream.
    struct Edge: Sendable, Equatable {
        var from: Int
        var to: Int
    }

    /// Where each stage is drawn.
    struct Layout: Sendable, Equatable {
        /// A stage's rectangle in SVG coordinates.
        struct Box: Sendable, Equatable {
            var x: Double
            var y: Double
            var width: Double
            var height: Double
        }

        /// The column of each node: the length of its longest path from a node without inputs, 0 for nodes on a
        /// cycle or downstream of one.
        var layers: [Int]
        /// The rectangle of each node.
        var boxes: [Box]
        /// The drawing's size.
        var width: Double
        var height: Double
        /// The edges worth drawing: in range, no self-loops, no duplicates, in input order.
        var edges: [Edge]
        /// The path of each of ``edges``: level runs from the source's right side to the end of its column,
        /// across each column the edge crosses, and at the target's left side, to be joined by S-curves.
        var routes: [[LevelRun]]

        /// A stretch of an edge's path that runs level, from `startX` to `endX` at height `y`.
        struct LevelRun: Sendable, Equatable {
            var startX: Double
            var endX: Double
            var y: Double
        }
    }

    var nodes: [Node]
    var edges: [Edge]

    static let nodeHeight = 36.0
    /// Room between columns, for the edges and their arrowheads.
    static let columnGap = 64.0
    /// Room between the stages of one column.
    static let rowGap = 20.0
    static let margin = 16.0
    /// An estimate of the width of a character of the 13 px label, generous so that estimated room is real room.
    static let characterWidth = 7.5
    static let textPadding = 24.0
    static let minimumNodeWidth = 80.0
    static let maximumNodeWidth = 260.0
    /// Down and up passes of the barycenter ordering: enough for the small graphs of a pipeline to settle.
    static let orderingSweeps = 4

    /// The graph as a standalone `<svg id="dag" class="dag">` element sized to fit, or a small one saying
    /// "no stages" when there are no nodes. Edges out of range and self-loops are ignored; a cycle is drawn (its
    /// nodes in the first column), never looped on.
    func svg() -> String {
        guard !nodes.isEmpty else {
            return "<svg id=\"dag\" class=\"dag\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 240 48\""
                + " width=\"240\" height=\"48\" role=\"img\" aria-label=\"pipeline\"><text x=\"120\" y=\"28\""
                + " text-anchor=\"middle\" \(Self.font) fill=\"#6b7280\">no stages</text></svg>"
        }
        let layout = layout()
        let width = Self.coordinate(layout.width)
        let height = Self.coordinate(layout.height)
        var text = ""
        text.reserveCapacity(1024 + nodes.count * 400 + layout.edges.count * 200)
        text += "<svg id=\"dag\" class=\"dag\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\""
        text += " width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"pipeline\">"
        // refX at the tip puts the arrow's point on the path's end, the target's left edge.
        text += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\""
        text += " markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#6b7280\"/></marker></defs>"

        // Edges go first so that stages are painted over any edge passing behind them.
        text += "<g class=\"edges\" fill=\"none\" stroke=\"#9ca3af\" stroke-width=\"1.5\">"
        for (edge, route) in zip(layout.edges, layout.routes) {
            text += "<path class=\"edge\" data-from=\"\(HTML.escape(nodes[edge.from].name))\""
            text += " data-to=\"\(HTML.escape(nodes[edge.to].name))\" d=\"\(Self.pathData(route))\""
            text += " marker-end=\"url(#arrow)\"/>"
        }
        text += "</g><g class=\"stages\" \(Self.font)>"
        for (node, box) in zip(nodes, layout.boxes) {
            let state = HTML.escape(node.state)
            let colors = Self.colors(forState: node.state)
            let name = HTML.escape(node.name)
            let tooltip = node.detail.isEmpty ? name : name + ": " + HTML.escape(node.detail)
            text += "<g class=\"stage state-\(Self.classToken(node.state))\" data-stage=\"\(name)\""
            text += " data-state=\"\(state)\">"
            text += "<title>\(tooltip)</title><rect rx=\"6\" x=\"\(Self.coordinate(box.x))\""
            text += " y=\"\(Self.coordinate(box.y))\" width=\"\(Self.coordinate(box.width))\""
            text += " height=\"\(Self.coordinate(box.height))\" fill=\"\(colors.fill)\" stroke=\"\(colors.stroke)\""
            text += " stroke-width=\"1.5\"/><text x=\"\(Self.coordinate(box.x + box.width / 2))\""
            text += " y=\"\(Self.coordinate(box.y + box.height / 2 + 4.5))\" text-anchor=\"middle\" fill=\"#111827\">"
            text += HTML.escape(Self.shownName(node.name, width: box.width))
            text += "</text></g>"
        }
        text += "</g></svg>"
        return text
    }

    /// The columns, order and rectangles of the stages and the routes of the edges; see ``Layout``.
    func layout() -> Layout {
        let count = nodes.count
        let usable = usableEdges()
        var predecessors = [[Int]](repeating: [], count: count)
        var successors = [[Int]](repeating: [], count: count)
        for edge in usable {
            predecessors[edge.to].append(edge.from)
            successors[edge.from].append(edge.to)
        }
        let layers = Self.longestPathLayers(predecessors: predecessors, successors: successors)

        // An edge spanning several columns gets a waypoint in each column it crosses, which takes a row there like
        // a stage (the dummy nodes of Sugiyama's method): the edge then runs between stages instead of behind them,
        // where it would look like an edge into the stage it hides behind.
        var slotLayers = layers
        var waypoints: [[Int]] = []
        for edge in usable {
            var chain: [Int] = []
            for layer in stride(from: layers[edge.from] + 1, to: layers[edge.to], by: 1) {
                slotLayers.append(layer)
                chain.append(slotLayers.count - 1)
            }
            waypoints.append(chain)
        }
        var slotPredecessors = [[Int]](repeating: [], count: slotLayers.count)
        var slotSuccessors = [[Int]](repeating: [], count: slotLayers.count)
        for (edge, chain) in zip(usable, waypoints) {
            let path = [edge.from] + chain + [edge.to]
            for (upstream, downstream) in zip(path, path.dropFirst()) {
                slotPredecessors[downstream].append(upstream)
                slotSuccessors[upstream].append(downstream)
            }
        }

        var columns = [[Int]](repeating: [], count: (layers.max() ?? 0) + 1)
        for slot in slotLayers.indices {
            columns[slotLayers[slot]].append(slot)
        }
        columns = Self.orderedByBarycenter(
            columns, layers: slotLayers, predecessors: slotPredecessors, successors: slotSuccessors)

        let widths = nodes.map { Self.nodeWidth(forName: $0.name) }
        let pitch = Self.nodeHeight + Self.rowGap
        let tallest = columns.map(\.count).max() ?? 1
        var slotBoxes = [Layout.Box](repeating: Layout.Box(x: 0, y: 0, width: 0, height: 0), count: slotLayers.count)
        var columnX = Self.margin
        var columnEnds: [Double] = []
        for column in columns {
            let columnWidth = column.map { $0 < count ? widths[$0] : 0 }.max() ?? 0
            // Shorter columns are centred against the tallest one.
            let top = Self.margin + Double(tallest - column.count) * pitch / 2
            for (row, slot) in column.enumerated() {
                // A waypoint spans its whole column, so its edge runs level past the stages beside it.
                slotBoxes[slot] = Layout.Box(
                    x: columnX, y: top + Double(row) * pitch, width: slot < count ? widths[slot] : columnWidth,
                    height: Self.nodeHeight)
            }
            columnEnds.append(columnX + columnWidth)
            columnX += columnWidth + Self.columnGap
        }

        let routes = zip(usable, waypoints).map { edge, chain in
            let source = slotBoxes[edge.from]
            let target = slotBoxes[edge.to]
            // Edges leave a stage narrower than its column level up to the column's end, so that curves stay in
            // the gaps between columns and never pass behind a wider stage.
            let start = Layout.LevelRun(
                startX: source.x + source.width, endX: max(columnEnds[layers[edge.from]], source.x + source.width),
                y: source.y + source.height / 2)
            let passes = chain.map { slot in
                let box = slotBoxes[slot]
                return Layout.LevelRun(startX: box.x, endX: box.x + box.width, y: box.y + box.height / 2)
            }
            let end = Layout.LevelRun(startX: target.x, endX: target.x, y: target.y + target.height / 2)
            return [start] + passes + [end]
        }
        return Layout(
            layers: layers, boxes: Array(slotBoxes.prefix(count)), width: columnX - Self.columnGap + Self.margin,
            height: 2 * Self.margin + Double(tallest) * pitch - Self.rowGap, edges: usable, routes: routes)
    }

    /// The edges in range, without self-loops or duplicates, in input order.
    private func usableEdges() -> [Edge] {
        var seen = Set<[Int]>()
        return edges.filter { edge in
            nodes.indices.contains(edge.from) && nodes.indices.contains(edge.to) && edge.from != edge.to
                && seen.insert([edge.from, edge.to]).inserted
        }
    }

    /// Each node's longest path from a node without predecessors (Kahn's topological order), 0 for the nodes the
    /// order never reaches: those on a cycle and downstream of one. Linear in nodes and edges, whatever the graph.
    private static func longestPathLayers(predecessors: [[Int]], successors: [[Int]]) -> [Int] {
        var layers = [Int](repeating: 0, count: predecessors.count)
        var remainingInputs = predecessors.map(\.count)
        var placed = [Bool](repeating: false, count: predecessors.count)
        var queue = predecessors.indices.filter { predecessors[$0].isEmpty }
        var next = 0
        while next < queue.count {
            let node = queue[next]
            next += 1
            placed[node] = true
            for successor in successors[node] {
                layers[successor] = max(layers[successor], layers[node] + 1)
                remainingInputs[successor] -= 1
                if remainingInputs[successor] == 0 {
                    queue.append(successor)
                }
            }
        }
        for node in layers.indices where !placed[node] {
            layers[node] = 0
        }
        return layers
    }

    /// `columns` reordered by alternating down and up sweeps: each node moves to the mean height of its neighbours
    /// in the other columns (predecessors going down, successors going up), ties kept in the current order so the
    /// result is deterministic. Heights are centred per column, as ``layout()`` draws them.
    private static func orderedByBarycenter(
        _ columns: [[Int]], layers: [Int], predecessors: [[Int]], successors: [[Int]]
    ) -> [[Int]] {
        guard columns.count > 1 else { return columns }
        var columns = columns
        var positions = [Int](repeating: 0, count: layers.count)
        for column in columns {
            for (row, node) in column.enumerated() {
                positions[node] = row
            }
        }
        func height(_ node: Int) -> Double {
            Double(positions[node]) - Double(columns[layers[node]].count - 1) / 2
        }
        for sweep in 0..<orderingSweeps {
            let goesDown = sweep % 2 == 0
            let order = goesDown ? Array(1..<columns.count) : Array((0..<columns.count - 1).reversed())
            for layer in order {
                let keyed = columns[layer].map { node -> (node: Int, barycenter: Double, row: Int) in
                    let neighbours = (goesDown ? predecessors[node] : successors[node]).filter { layers[$0] != layer }
                    let barycenter =
                        neighbours.isEmpty
                        ? height(node) : neighbours.reduce(0) { $0 + height($1) } / Double(neighbours.count)
                    return (node, barycenter, positions[node])
                }
                columns[layer] = keyed.sorted { ($0.barycenter, $0.row) < ($1.barycenter, $1.row) }.map(\.node)
                for (row, node) in columns[layer].enumerated() {
                    positions[node] = row
                }
            }
        }
        return columns
    }

    /// SVG path data through `route`: each level run drawn straight, consecutive runs joined by cubic Bézier
    /// curves whose tangents are horizontal at both ends, so an edge leaves and enters stages head-on, the
    /// direction its arrowhead then takes.
    private static func pathData(_ route: [Layout.LevelRun]) -> String {
        guard let first = route.first else { return "" }
        var data = "M\(coordinate(first.startX)),\(coordinate(first.y))"
        if first.endX != first.startX {
            data += " L\(coordinate(first.endX)),\(coordinate(first.y))"
        }
        for (previous, run) in zip(route, route.dropFirst()) {
            let bend = max(abs(run.startX - previous.endX) / 2, 24)
            data += " C\(coordinate(previous.endX + bend)),\(coordinate(previous.y))"
            data += " \(coordinate(run.startX - bend)),\(coordinate(run.y))"
            data += " \(coordinate(run.startX)),\(coordinate(run.y))"
            if run.endX != run.startX {
                data += " L\(coordinate(run.endX)),\(coordinate(run.y))"
            }
        }
        return data
    }

    /// The width of the box of a stage called `name`: its estimated text width plus padding, within
    /// ``minimumNodeWidth``...``maximumNodeWidth``.
    static func nodeWidth(forName name: String) -> Double {
        min(max(Double(name.count) * characterWidth + textPadding, minimumNodeWidth), maximumNodeWidth)
    }

    /// `name` as it fits in a box `width` wide: whole, or cut with "…" (the tooltip keeps the full name).
    static func shownName(_ name: String, width: Double) -> String {
        let fitting = max(Int((width - textPadding) / characterWidth), 2)
        return name.count <= fitting ? name : String(name.prefix(fitting - 1)) + "…"
    }

    /// `text` usable as one class name: ASCII letters, digits, `-` and `_` kept, anything else (a space would split
    /// it into two classes) replaced by `-`.
    private static func classToken(_ text: String) -> String {
        var token = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_": token.unicodeScalars.append(scalar)
            default: token += "-"
            }
        }
        return token
    }

    private static let font = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" font-size=\"13\""

    private static func colors(forState state: String) -> (fill: String, stroke: String) {
        switch state {
        case "up-to-date": ("#dcfce7", "#16a34a")
        case "stale": ("#fef3c7", "#d97706")
        case "failed": ("#fee2e2", "#dc2626")
        default: ("#f3f4f6", "#9ca3af")
        }
    }

    /// `value` rounded to one decimal, without a trailing `.0`, whatever the locale.
    private static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((min(max(value, -1e9), 1e9) * 10).rounded())
        let whole = "\(abs(tenths) / 10)"
        let sign = tenths < 0 ? "-" : ""
        return tenths % 10 == 0 ? sign + whole : sign + whole + ".\(abs(tenths) % 10)"
    }
}

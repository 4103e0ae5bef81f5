import Foundation
import Testing

@testable import MLOpsUI

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Line charts checked as an XML parser sees them, not as strings: what is drawn, where, and what it says.
@Suite struct LineChartTests {
    private static func chart(_ series: [LineChart.Series], xIsTime: Bool = false) -> LineChart {
        LineChart(title: "loss", xLabel: "step", yLabel: "value", series: series, xIsTime: xIsTime)
    }

    private static func series(_ label: String, _ points: [(Double, Double)]) -> LineChart.Series {
        LineChart.Series(label: label, points: points.map { LineChart.Point(x: $0.0, y: $0.1) })
    }

    @Test func emptyChartsSayNoData() throws {
        let cases: [[LineChart.Series]] = [
            [],
            [Self.series("empty", [])],
            [Self.series("empty", []), Self.series("not finite", [(.nan, 1), (1, .infinity), (-.infinity, .nan)])],
        ]
        for series in cases {
            let svg = try ParsedSVG(Self.chart(series).svg())
            #expect(svg.root.name == "svg")
            #expect(svg.root.attributes["class"] == "chart")
            #expect(svg.elements(named: "polyline").isEmpty)
            #expect(svg.elements(named: "text").map(\.text) == ["no data"])
        }
    }

    @Test func rootCarriesSizeAndAccessibleName() throws {
        let chart = LineChart(
            title: "Loss <by> step", xLabel: "", yLabel: "", series: [Self.series("", [(0, 1), (1, 2)])])
        let svg = try ParsedSVG(chart.svg(width: 400, height: 200))
        #expect(svg.root.attributes["viewBox"] == "0 0 400 200")
        #expect(svg.root.attributes["width"] == "400")
        #expect(svg.root.attributes["height"] == "200")
        #expect(svg.root.attributes["role"] == "img")
        #expect(svg.root.attributes["aria-label"] == "Loss <by> step")
        #expect(svg.elements(named: "title").first?.parent == svg.root.index)
        #expect(svg.elements(named: "title").first?.text == "Loss <by> step")
    }

    @Test func onePolylinePerSeriesWithPoints() throws {
        let series = [
            Self.series("a", [(0, 1), (1, 2), (2, 1.5)]),
            Self.series("empty", []),
            Self.series("not finite", [(.nan, 1)]),
            Self.series("d", [(0, 3), (2, 0)]),
        ]
        let polylines = try ParsedSVG(Self.chart(series).svg()).elements(named: "polyline")
        #expect(polylines.count == 2)
        #expect(polylines.map { $0.attributes["class"] } == ["series series-0", "series series-3"])
        #expect(polylines.map { $0.attributes["stroke"] } == [LineChart.palette[0], LineChart.palette[3]])
        #expect(polylines.map { $0.attributes["fill"] } == ["none", "none"])
        #expect(polylines.map { Self.coordinates($0).count } == [3, 2])
    }

    @Test func colorsRepeatAfterEightSeries() throws {
        let series = (0..<10).map { Self.series("s\($0)", [(0, Double($0)), (1, Double($0))]) }
        let polylines = try ParsedSVG(Self.chart(series).svg()).elements(named: "polyline")
        #expect(polylines.count == 10)
        #expect(polylines[8].attributes["class"] == "series series-0")
        #expect(polylines[9].attributes["stroke"] == LineChart.palette[1])
    }

    @Test func unitRangeTicksAtFifths() throws {
        let points = (0...10).map { (Double($0), Double($0) / 10) }
        let svg = try ParsedSVG(Self.chart([Self.series("", points)]).svg())
        let yTicks = svg.elements(withClass: "tick-y")
        #expect(yTicks.map(\.text) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(svg.elements(withClass: "tick-x").map(\.text) == ["0", "2", "4", "6", "8", "10"])
        // Larger values are drawn higher up, that is at smaller y.
        let heights = yTicks.compactMap { $0.attributes["y"].flatMap(Double.init) }
        #expect(heights.count == 6)
        #expect(heights == heights.sorted(by: >))
    }

    @Test func tickLabelsAreCompact() {
        func labels(_ lower: Double, _ upper: Double) -> [String] {
            LineChart.numericAxis(lower: lower, upper: upper, targetTickCount: 5, expandsToTicks: true).labels
        }
        #expect(labels(0, 1) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(labels(0, 3000) == ["0", "1k", "2k", "3k"])
        #expect(labels(0, 7500) == ["0", "2k", "4k", "6k", "8k"])
        #expect(labels(0, 1e-4) == ["0", "2e-05", "4e-05", "6e-05", "8e-05", "0.0001"])
        #expect(labels(-0.37, 0.81) == ["-0.5", "0", "0.5", "1"])
        #expect(labels(-3e6, 2e6) == ["-3M", "-2M", "-1M", "0", "1M", "2M"])
        #expect(labels(1.5e15, 3e15) == ["1.5e+15", "2e+15", "2.5e+15", "3e+15"])
        // A suffix would need four decimals here: the plain number is shorter.
        #expect(labels(12345, 12346) == ["12345", "12345.2", "12345.4", "12345.6", "12345.8", "12346"])
        #expect(LineChart.preciseLabel(0.125) == "0.125")
        #expect(LineChart.preciseLabel(-1234.5678) == "-1234.57")
        #expect(LineChart.preciseLabel(1.5e-7) == "1.5e-07")
    }

    @Test func axisWithoutExpansionKeepsTheDataRange() {
        let axis = LineChart.numericAxis(lower: 1, upper: 100, targetTickCount: 5, expandsToTicks: false)
        #expect(axis.lower == 1)
        #expect(axis.upper == 100)
        #expect(axis.labels == ["20", "40", "60", "80", "100"])
    }

    /// 2024-05-01 12:00:00 UTC.
    private static let mayDayNoon = 1_714_564_800.0

    @Test func timeAxisOverHoursShowsClockTimes() throws {
        let points = (0..<180).map { (Self.mayDayNoon + Double($0) * 60, Double($0 % 7)) }
        let svg = try ParsedSVG(Self.chart([Self.series("throughput", points)], xIsTime: true).svg())
        #expect(
            svg.elements(withClass: "tick-x").map(\.text) == ["12:00", "12:30", "13:00", "13:30", "14:00", "14:30"])
        let tooltip = svg.elements(named: "circle").first.flatMap { svg.children(of: $0, named: "title").first }
        #expect(tooltip?.text == "throughput — x: 2024-05-01 12:00:00, y: 0")
    }

    @Test func timeAxisOverDaysShowsDates() throws {
        let points = (0..<240).map { (Self.mayDayNoon + Double($0) * 3600, Double($0)) }
        let svg = try ParsedSVG(Self.chart([Self.series("latency", points)], xIsTime: true).svg())
        #expect(svg.elements(withClass: "tick-x").map(\.text) == ["05-03", "05-05", "05-07", "05-09", "05-11"])
    }

    @Test func timeAxisOverYearsTicksAtMonthAndYearStarts() {
        let twoYears = LineChart.timeAxis(
            lower: Self.mayDayNoon, upper: Self.mayDayNoon + 700 * 86400, targetTickCount: 6)
        #expect(twoYears.labels == ["2024-07", "2025-01", "2025-07", "2026-01"])
        let decades = LineChart.timeAxis(
            lower: Self.mayDayNoon, upper: Self.mayDayNoon + 30 * 365 * 86400, targetTickCount: 6)
        #expect(decades.labels == ["2025", "2030", "2035", "2040", "2045", "2050"])
        #expect(LineChart.timeLabel(951_782_400, format: .dateTime) == "2000-02-29 00:00:00")
        #expect(LineChart.timeLabel(-1, format: .dateTime) == "1969-12-31 23:59:59")
    }

    @Test func hostileLabelsAreEscaped() throws {
        let hostile = #"<script>alert('x')</script> & "q""#
        let chart = LineChart(
            title: hostile, xLabel: hostile, yLabel: hostile,
            series: [Self.series(hostile, [(0, 1), (1, 2)]), Self.series("other", [(0, 2), (1, 1)])])
        let text = chart.svg()
        #expect(!text.contains("<script"))
        let svg = try ParsedSVG(text)
        #expect(svg.elements(named: "script").isEmpty)
        #expect(svg.root.attributes["aria-label"] == hostile)
        #expect(svg.elements(withClass: "axis-label-x").map(\.text) == [hostile])
        #expect(svg.elements(withClass: "axis-label-y").map(\.text) == [hostile])
        let legend = try #require(svg.elements(withClass: "legend-item").first)
        #expect(svg.children(of: legend, named: "title").map(\.text) == [hostile])
        let tooltips = svg.elements(named: "circle").compactMap { svg.children(of: $0, named: "title").first?.text }
        #expect(tooltips.first == hostile + " — x: 0, y: 1")
    }

    @Test func downsamplingKeepsTheSpike() throws {
        var points = (0..<100_000).map { LineChart.Point(x: Double($0), y: sin(Double($0) / 1000)) }
        points[54_321].y = 1000
        let kept = LineChart.downsample(points, limit: LineChart.drawnPointLimit)
        #expect(kept.count <= LineChart.drawnPointLimit)
        #expect(kept.contains(points[54_321]))
        #expect(kept.first == points.first)
        #expect(kept.last == points.last)
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0.x < $1.x })

        let svg = try ParsedSVG(Self.chart([LineChart.Series(label: "spiky", points: points)]).svg())
        let polyline = try #require(svg.elements(named: "polyline").first)
        let drawn = Self.coordinates(polyline)
        #expect(drawn.count <= LineChart.drawnPointLimit)
        #expect(svg.elements(named: "circle").isEmpty)
        // The spike reaches the highest grid line, the one labelled with the top of the axis.
        let grid = try #require(svg.elements(withClass: "grid").first)
        let gridHeights = svg.children(of: grid, named: "line").filter { $0.attributes["y1"] == $0.attributes["y2"] }
            .compactMap { $0.attributes["y1"].flatMap(Double.init) }
        let top = try #require(gridHeights.min())
        #expect(drawn.map(\.y).min() == top)
        #expect(svg.elements(withClass: "tick-y").last?.text == "1k")
    }

    @Test func downsamplingLeavesShortSeriesAlone() {
        let points = (0..<1000).map { LineChart.Point(x: Double($0), y: Double($0 % 3)) }
        #expect(LineChart.downsample(points, limit: 1000) == points)
    }

    @Test func nonFinitePointsAreSkippedAndTheRestSorted() throws {
        let series = Self.series("s", [(3, 1), (1, .nan), (2, 2), (.infinity, 1), (0, 0), (4, -.infinity)])
        let svg = try ParsedSVG(Self.chart([series]).svg())
        let polyline = try #require(svg.elements(named: "polyline").first)
        let xs = Self.coordinates(polyline).map(\.x)
        #expect(xs.count == 3)
        #expect(xs == xs.sorted() && Set(xs).count == 3)
        let tooltips = svg.elements(named: "circle").compactMap { svg.children(of: $0, named: "title").first?.text }
        #expect(tooltips == ["s — x: 0, y: 0", "s — x: 2, y: 2", "s — x: 3, y: 1"])
    }

    @Test func singlePointAndFlatSeriesGetARange() throws {
        let single = try ParsedSVG(Self.chart([Self.series("", [(3, 0.125)])]).svg())
        #expect(single.elements(named: "circle").count == 1)
        #expect(single.elements(withClass: "tick-y").map(\.text).contains("0.125"))
        #expect(single.elements(withClass: "tick-x").map(\.text) == ["2.8", "3", "3.2"])

        let flat = try ParsedSVG(Self.chart([Self.series("", (0..<10).map { (Double($0), 5) })]).svg())
        let labels = flat.elements(withClass: "tick-y").map(\.text)
        #expect(labels.count >= 2 && Set(labels).count == labels.count)
        #expect(labels.contains("5"))
        let polyline = try #require(flat.elements(named: "polyline").first)
        #expect(Set(Self.coordinates(polyline).map(\.y)).count == 1)
    }

    @Test func legendOnlyWhenItNamesSomething() throws {
        let unlabelled = try ParsedSVG(Self.chart([Self.series("", [(0, 1), (1, 2)])]).svg())
        #expect(unlabelled.elements(withClass: "legend").isEmpty)
        let labelled = try ParsedSVG(Self.chart([Self.series("train", [(0, 1), (1, 2)])]).svg())
        #expect(labelled.elements(withClass: "legend-label").map(\.text) == ["train"])
        let two = try ParsedSVG(Self.chart([Self.series("", [(0, 1)]), Self.series("", [(0, 2)])]).svg())
        #expect(two.elements(withClass: "legend-label").map(\.text) == ["series 1", "series 2"])
        let many = try ParsedSVG(
            Self.chart((0..<20).map { Self.series("run number \($0)", [(0, Double($0))]) }).svg())
        let shown = many.elements(withClass: "legend-label").count
        let more = try #require(many.elements(withClass: "legend-more").first)
        #expect(more.text == "+\(20 - shown) more")
    }

    @Test func largeChartsStayBounded() throws {
        let series = (0..<20).map { index in
            LineChart.Series(
                label: "run \(index)",
                points: (0..<1000).map { LineChart.Point(x: Double($0), y: Double(index) + sin(Double($0) / 50)) })
        }
        let text = Self.chart(series).svg()
        let svg = try ParsedSVG(text)
        #expect(svg.elements(named: "polyline").count == 20)
        #expect(svg.elements(named: "circle").isEmpty)
        // About a dozen bytes per point: coordinates keep one decimal.
        #expect(text.utf8.count < 20 * 1000 * 16)
    }

    @Test func outputIsDeterministic() {
        let series = [
            Self.series("b", [(2, 1), (1, 5), (1, 2), (0, 0)]),
            Self.series("a", [(0, 1), (3, 0.5)]),
        ]
        #expect(Self.chart(series).svg() == Self.chart(series).svg())
        let reordered = [Self.series("b", [(1, 2), (0, 0), (2, 1), (1, 5)]), series[1]]
        #expect(Self.chart(reordered).svg() == Self.chart(series).svg())
    }

    /// The points of a polyline's `points` attribute.
    private static func coordinates(_ polyline: ParsedSVG.Element) -> [(x: Double, y: Double)] {
        (polyline.attributes["points"] ?? "").split(separator: " ").compactMap { pair in
            let parts = pair.split(separator: ",").compactMap { Double($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }
}

/// Pipeline graphs checked as an XML parser sees them: columns follow dependencies, states and names are carried.
@Suite struct PipelineDrawingTests {
    private typealias Node = PipelineDrawing.Node
    private typealias Edge = PipelineDrawing.Edge

    /// download → prepare → {featurize, split} → train → evaluate → report, with split also feeding evaluate,
    /// listed out of order and with edges to ignore: out of range, a self-loop and a duplicate.
    private static let diamond = PipelineDrawing(
        nodes: [
            Node(name: "train", state: "stale", detail: "dependencies changed"),
            Node(name: "prepare", state: "up-to-date", detail: "ran 2 h ago"),
            Node(name: "featurize", state: "up-to-date", detail: ""),
            Node(name: "split", state: "up-to-date", detail: ""),
            Node(name: "evaluate", state: "failed", detail: "exit status 1"),
            Node(name: "report", state: "never-run", detail: ""),
            Node(name: "download", state: "up-to-date", detail: ""),
        ],
        edges: [
            Edge(from: 6, to: 1), Edge(from: 1, to: 2), Edge(from: 1, to: 3), Edge(from: 2, to: 0),
            Edge(from: 3, to: 0), Edge(from: 0, to: 4), Edge(from: 4, to: 5), Edge(from: 3, to: 4),
            Edge(from: 9, to: 1), Edge(from: -1, to: 0), Edge(from: 2, to: 2), Edge(from: 1, to: 2),
        ])

    private static let validEdgeCount = 8

    @Test func stagesFlowLeftToRight() throws {
        #expect(Self.diamond.layout().layers == [3, 1, 2, 2, 4, 5, 0])
        let svg = try ParsedSVG(Self.diamond.svg())
        #expect(svg.root.attributes["id"] == "dag")
        #expect(svg.root.attributes["class"] == "dag")
        var boxes: [String: (x: Double, width: Double)] = [:]
        for stage in svg.elements(withClass: "stage") {
            let rect = try #require(svg.children(of: stage, named: "rect").first)
            let name = try #require(stage.attributes["data-stage"])
            let x = try #require(rect.attributes["x"].flatMap(Double.init))
            let width = try #require(rect.attributes["width"].flatMap(Double.init))
            boxes[name] = (x, width)
        }
        #expect(boxes.count == 7)
        for edge in Self.diamond.edges where edge.from >= 0 && edge.from < 7 && edge.to < 7 && edge.from != edge.to {
            let upstream = try #require(boxes[Self.diamond.nodes[edge.from].name])
            let downstream = try #require(boxes[Self.diamond.nodes[edge.to].name])
            #expect(downstream.x > upstream.x + upstream.width)
        }
    }

    @Test func everyStageCarriesItsState() throws {
        let svg = try ParsedSVG(Self.diamond.svg())
        let stages = svg.elements(withClass: "stage")
        #expect(stages.count == 7)
        for stage in stages {
            let node = try #require(Self.diamond.nodes.first { $0.name == stage.attributes["data-stage"] })
            #expect(stage.attributes["data-state"] == node.state)
            #expect(stage.classes.contains("state-" + node.state))
            let tooltip = svg.children(of: stage, named: "title").first?.text
            #expect(tooltip == (node.detail.isEmpty ? node.name : node.name + ": " + node.detail))
            #expect(svg.children(of: stage, named: "text").first?.text == node.name)
        }
        // Four states, four fills: the state shows without CSS.
        let fills = stages.compactMap { svg.children(of: $0, named: "rect").first?.attributes["fill"] }
        #expect(Set(fills).count == 4)
    }

    @Test func edgesAreArrowedCurves() throws {
        let svg = try ParsedSVG(Self.diamond.svg())
        let marker = try #require(svg.elements(named: "marker").first)
        #expect(marker.attributes["id"] == "arrow")
        #expect(svg.elements(named: "defs").first?.index == marker.parent)
        let edges = svg.elements(withClass: "edge")
        #expect(edges.count == Self.validEdgeCount)
        for edge in edges {
            let path = edge.attributes["d"] ?? ""
            #expect(path.hasPrefix("M") && path.contains(" C"))
            #expect(edge.attributes["marker-end"] == "url(#arrow)")
        }
    }

    @Test func longEdgesGoAroundStagesInBetween() throws {
        let layout = Self.diamond.layout()
        let index = try #require(layout.edges.firstIndex(of: Edge(from: 3, to: 4)))
        let route = layout.routes[index]
        // split → evaluate crosses train's column: it runs level there, on a row of its own.
        #expect(route.count == 3)
        let train = layout.boxes[0]
        #expect(route[1].startX == train.x)
        #expect(route[1].y != train.y + train.height / 2)
        #expect(route.first?.y == layout.boxes[3].y + layout.boxes[3].height / 2)
        #expect(route.last?.startX == layout.boxes[4].x)
    }

    @Test func orderingUncrossesEdges() {
        let drawing = PipelineDrawing(
            nodes: (0..<6).map { Node(name: "n\($0)", state: "up-to-date", detail: "") },
            edges: [Edge(from: 0, to: 5), Edge(from: 1, to: 4), Edge(from: 2, to: 3)])
        let boxes = drawing.layout().boxes
        #expect(boxes[0].y < boxes[1].y && boxes[1].y < boxes[2].y)
        #expect(boxes[5].y < boxes[4].y && boxes[4].y < boxes[3].y)
    }

    @Test func hostileNamesAreEscaped() throws {
        let hostile = #"evaluate <&>"'"#
        let drawing = PipelineDrawing(
            nodes: [
                Node(name: "a", state: "up-to-date", detail: ""),
                Node(name: hostile, state: "failed", detail: "<script>x</script>"),
            ],
            edges: [Edge(from: 0, to: 1)])
        let text = drawing.svg()
        #expect(!text.contains("<script"))
        let svg = try ParsedSVG(text)
        let stage = try #require(svg.elements(withClass: "stage").last)
        #expect(stage.attributes["data-stage"] == hostile)
        #expect(svg.children(of: stage, named: "title").first?.text == hostile + ": <script>x</script>")
        #expect(svg.children(of: stage, named: "text").first?.text == hostile)
        #expect(svg.elements(withClass: "edge").first?.attributes["data-to"] == hostile)
    }

    @Test func longNamesAreCutWithTheFullNameInTheTooltip() throws {
        let name = String(repeating: "featurize-", count: 6)
        let drawing = PipelineDrawing(nodes: [Node(name: name, state: "stale", detail: "")], edges: [])
        let svg = try ParsedSVG(drawing.svg())
        let stage = try #require(svg.elements(withClass: "stage").first)
        let shown = try #require(svg.children(of: stage, named: "text").first?.text)
        #expect(shown.hasSuffix("…"))
        #expect(name.hasPrefix(String(shown.dropLast())))
        #expect(svg.children(of: stage, named: "title").first?.text == name)
        #expect(svg.children(of: stage, named: "rect").first?.attributes["width"] == "260")
        #expect(PipelineDrawing.nodeWidth(forName: "a") == PipelineDrawing.minimumNodeWidth)
    }

    @Test func noStages() throws {
        let svg = try ParsedSVG(PipelineDrawing(nodes: [], edges: [Edge(from: 0, to: 1)]).svg())
        #expect(svg.root.attributes["id"] == "dag")
        #expect(svg.elements(named: "text").map(\.text) == ["no stages"])
    }

    @Test func cyclesAreDrawnNotLoopedOn() throws {
        let drawing = PipelineDrawing(
            nodes: (0..<4).map { Node(name: "s\($0)", state: "stale", detail: "") },
            edges: [Edge(from: 0, to: 1), Edge(from: 1, to: 2), Edge(from: 2, to: 1), Edge(from: 2, to: 3)])
        #expect(drawing.layout().layers == [0, 0, 0, 0])
        let svg = try ParsedSVG(drawing.svg())
        #expect(svg.elements(withClass: "stage").count == 4)
        #expect(svg.elements(withClass: "edge").count == 4)
    }

    @Test func outputIsDeterministic() {
        #expect(Self.diamond.svg() == Self.diamond.svg())
    }
}

/// An SVG document as Foundation's `XMLParser` reads it: every element in document order with its attributes,
/// text and parent. Parsing fails on anything that is not well-formed XML, as a browser's SVG parser would.
private struct ParsedSVG {
    struct Element {
        var index: Int
        var name: String
        var attributes: [String: String]
        /// The element's own character data, entities decoded; not its children's.
        var text: String
        var parent: Int?

        var classes: [Substring] { (attributes["class"] ?? "").split(separator: " ") }
    }

    struct Malformed: Error {
        var reason: String
    }

    private(set) var elements: [Element]

    init(_ text: String) throws {
        let parser = XMLParser(data: Data(text.utf8))
        let builder = TreeBuilder()
        parser.delegate = builder
        let parsed = withExtendedLifetime(builder) { parser.parse() }
        guard parsed, let root = builder.elements.first, root.name == "svg" else {
            throw Malformed(reason: parser.parserError.map { "\($0)" } ?? "no <svg> root")
        }
        elements = builder.elements
    }

    var root: Element { elements[0] }

    func elements(named name: String) -> [Element] {
        elements.filter { $0.name == name }
    }

    /// The elements whose class list includes `className`.
    func elements(withClass className: String) -> [Element] {
        elements.filter { $0.classes.contains(Substring(className)) }
    }

    func children(of element: Element, named name: String) -> [Element] {
        elements.filter { $0.parent == element.index && $0.name == name }
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        private var open: [Int] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            elements.append(
                Element(
                    index: elements.count, name: elementName, attributes: attributeDict, text: "", parent: open.last))
            open.append(elements.count - 1)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
        ) {
            _ = open.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let current = open.last {
                elements[current].text += string
            }
        }
    }
}

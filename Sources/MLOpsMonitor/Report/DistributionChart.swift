import Foundation

/// The chart comparing one column's reference and current distributions: overlaid histograms for a numeric
/// column's bins, grouped horizontal bars for a categorical column's categories (horizontal so that long
/// category names stay readable).
enum DistributionChart {
    /// Category labels longer than this are cut in the chart; the bar's tooltip shows the whole name.
    static let categoryLabelLimit = 18
    /// At most this many categories are drawn, so a plot of a high-cardinality column stays a chart, not a page.
    static let categoryLimit = 30

    /// The `<svg class="distribution">` for `column`, or nil when its plot has nothing to draw (no plot, no bins,
    /// or series whose lengths do not match anything).
    static func svg(for column: ColumnDrift) -> String? {
        guard let plot = column.plot else { return nil }
        let attributes = "class=\"distribution\" data-column=\"\(HTMLText.escape(column.column))\""
        let label = "Distribution of \(column.column): reference and current"
        if !plot.categories.isEmpty {
            let count = min(plot.categories.count, plot.reference.count, plot.current.count)
            guard count > 0 else { return nil }
            return categorical(
                plot, count: min(count, categoryLimit), hidden: count - min(count, categoryLimit),
                attributes: attributes, label: label)
        }
        let count = min(plot.edges.count - 1, plot.reference.count, plot.current.count)
        guard count > 0 else { return nil }
        return numeric(plot, count: count, attributes: attributes, label: label)
    }

    /// Reference bins as filled bars and current bins as a step outline over them. Bins are drawn equally wide
    /// whatever their edges: the edges are often the reference's quantiles, whose widths would squash the chart.
    private static func numeric(_ plot: DistributionPlot, count: Int, attributes: String, label: String) -> String {
        let height = 190.0
        let (left, right, top, bottom) = (40.0, SVGChart.width - 8, 24.0, 190.0 - 30)
        let reference = plot.reference.prefix(count).map(SVGChart.share)
        let current = plot.current.prefix(count).map(SVGChart.share)
        let maximum = SVGChart.niceShareMaximum(max(reference.max() ?? 0, current.max() ?? 0))
        func y(_ share: Double) -> Double { bottom - (bottom - top) * min(share, maximum) / maximum }
        let binWidth = (right - left) / Double(count)
        func x(_ bin: Int) -> Double { left + binWidth * Double(bin) }

        var svg = SVGChart.open(height: height, attributes: attributes, label: label)
        svg += shareGrid(maximum: maximum, left: left, right: right, y: y)
        for bin in 0..<count {
            // A hairline gap between bars keeps neighbouring bins apart without losing much area.
            svg += SVGChart.rect(
                "ref", x: x(bin) + 0.5, y: y(reference[bin]), width: binWidth - 1, height: bottom - y(reference[bin]))
        }
        var outline = "M\(SVGChart.coordinate(left)) \(SVGChart.coordinate(bottom))"
        for bin in 0..<count {
            outline += "V\(SVGChart.coordinate(y(current[bin])))H\(SVGChart.coordinate(x(bin + 1)))"
        }
        outline += "V\(SVGChart.coordinate(bottom))"
        svg += "<path class=\"cur-line\" d=\"\(outline)\"/>"
        svg += SVGChart.line("axis", from: (left, bottom), to: (right, bottom))
        for bin in 0..<count {
            // Tooltips print edges with more digits than the axis: neighbouring edges must read differently.
            let range =
                "[\(ReportFormat.number(plot.edges[bin], significant: 6)), "
                + "\(ReportFormat.number(plot.edges[bin + 1], significant: 6)))"
            svg +=
                "<rect class=\"hit\" x=\"\(SVGChart.coordinate(x(bin)))\" y=\"\(SVGChart.coordinate(top))\" "
                + "width=\"\(SVGChart.coordinate(binWidth))\" height=\"\(SVGChart.coordinate(bottom - top))\">"
                + SVGChart.title(
                    "\(range): \(SVGChart.referenceName.lowercased()) \(ReportFormat.percent(reference[bin])), "
                        + "\(SVGChart.currentName.lowercased()) \(ReportFormat.percent(current[bin]))")
                + "</rect>"
        }
        for edge in labelledEdges(count) {
            svg += SVGChart.text(
                ReportFormat.number(plot.edges[edge]), kind: "tick", x: x(edge), y: bottom + 15,
                anchor: "middle")
        }
        svg += SVGChart.legend(outlinedCurrent: true)
        return svg + "</svg>"
    }

    /// Two bars per category, reference above current, with the category's name on the left; `hidden` more
    /// categories are counted under the chart.
    private static func categorical(
        _ plot: DistributionPlot, count: Int, hidden: Int, attributes: String, label: String
    ) -> String {
        let (left, right, top, rowHeight) = (124.0, SVGChart.width - 12, 24.0, 22.0)
        let bottom = top + rowHeight * Double(count)
        let height = bottom + (hidden > 0 ? 36 : 20)
        let reference = plot.reference.prefix(count).map(SVGChart.share)
        let current = plot.current.prefix(count).map(SVGChart.share)
        let maximum = SVGChart.niceShareMaximum(max(reference.max() ?? 0, current.max() ?? 0))
        func length(_ share: Double) -> Double { (right - left) * min(share, maximum) / maximum }

        var svg = SVGChart.open(height: height, attributes: attributes, label: label)
        for step in 0...2 {
            let share = maximum * Double(step) / 2
            let x = left + length(share)
            svg += SVGChart.line("grid", from: (x, top), to: (x, bottom))
            svg += SVGChart.text(ReportFormat.percent(share), kind: "tick", x: x, y: bottom + 14, anchor: "middle")
        }
        for index in 0..<count {
            let name = plot.categories[index]
            let rowTop = top + rowHeight * Double(index)
            svg +=
                "<g>"
                + SVGChart.title(
                    "\(name): \(SVGChart.referenceName.lowercased()) \(ReportFormat.percent(reference[index])), "
                        + "\(SVGChart.currentName.lowercased()) \(ReportFormat.percent(current[index]))")
                + SVGChart.rect("hit", x: 0, y: rowTop, width: SVGChart.width, height: rowHeight)
                + SVGChart.text(
                    name.isEmpty ? "(empty)" : HTMLText.truncated(name, to: categoryLabelLimit), kind: "label",
                    x: left - 6, y: rowTop + 14.5, anchor: "end")
                + SVGChart.rect("ref", x: left, y: rowTop + 3, width: length(reference[index]), height: 8)
                + SVGChart.rect("cur", x: left, y: rowTop + 11, width: length(current[index]), height: 8)
                + "</g>"
        }
        svg += SVGChart.line("axis", from: (left, top), to: (left, bottom))
        if hidden > 0 {
            svg += SVGChart.text(
                "\(ReportFormat.count(hidden)) more " + (hidden == 1 ? "category" : "categories") + " not drawn",
                kind: "tick", x: left, y: bottom + 30)
        }
        svg += SVGChart.legend()
        return svg + "</svg>"
    }

    /// Horizontal gridlines at 0, half and the whole of `maximum`, labelled as percentages on the left.
    private static func shareGrid(maximum: Double, left: Double, right: Double, y: (Double) -> Double) -> String {
        var grid = ""
        for step in 1...2 {
            let share = maximum * Double(step) / 2
            grid += SVGChart.line("grid", from: (left, y(share)), to: (right, y(share)))
        }
        for step in 0...2 {
            let share = maximum * Double(step) / 2
            grid += SVGChart.text(
                ReportFormat.percent(share), kind: "tick", x: left - 5, y: y(share) + 4, anchor: "end")
        }
        return grid
    }

    /// The edges to label under `bins` bins: about five, evenly spaced, always the first and the last.
    private static func labelledEdges(_ bins: Int) -> [Int] {
        let step = max(1, Int((Double(bins) / 4).rounded(.up)))
        var edges = Array(stride(from: 0, to: bins, by: step))
        // Drop a label that would crowd the last one.
        if let last = edges.last, last > 0, bins - last < (step + 1) / 2 { edges.removeLast() }
        return edges + [bins]
    }
}

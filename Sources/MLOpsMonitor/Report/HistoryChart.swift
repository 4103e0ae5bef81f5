import Foundation

/// A small line chart of one quantity over past monitoring checks: the drift share (with its threshold) or one
/// live quality metric.
enum HistoryChart {
    /// One quantity's values over time; nil or non-finite values leave a gap in the line.
    struct Series {
        /// The quantity's name, for the chart's label and tooltips.
        var name: String
        var points: [(time: Date, value: Double?)]
        /// Shares are drawn on a fixed 0–100% axis, so charts of different reports compare at a glance.
        var isShare: Bool
        /// A dashed line at this value (the drift-share threshold).
        var threshold: Double?
    }

    private static let height = 150.0
    private static let (left, right, top, bottom) = (46.0, SVGChart.width - 10, 14.0, 150.0 - 26)

    /// The `<svg class="history">` of `series` over `span`, the times of the first and last checks of the page.
    static func svg(_ series: Series, span: (start: Date, end: Date)) -> String {
        var svg = SVGChart.open(
            height: height, attributes: "class=\"history\" data-series=\"\(HTMLText.escape(series.name))\"",
            label: "\(series.name) over time")
        let values = series.points.compactMap { $0.value }.filter(\.isFinite)
        let domain = valueDomain(values + (series.threshold.map { [$0] } ?? []), isShare: series.isShare)
        func y(_ value: Double) -> Double {
            bottom - (bottom - top) * (value - domain.low) / (domain.high - domain.low)
        }
        let duration = span.end.timeIntervalSince(span.start)
        func x(_ time: Date) -> Double {
            // A single check (or checks at one instant) sits in the middle rather than on the axis.
            guard duration > 0 else { return (left + right) / 2 }
            return left + (right - left) * time.timeIntervalSince(span.start) / duration
        }
        func label(_ value: Double) -> String {
            series.isShare ? ReportFormat.percent(value) : ReportFormat.number(value, significant: 3)
        }

        for step in 0...2 {
            let value = domain.low + (domain.high - domain.low) * Double(step) / 2
            svg += SVGChart.line(step == 0 ? "axis" : "grid", from: (left, y(value)), to: (right, y(value)))
            svg += SVGChart.text(label(value), kind: "tick", x: left - 5, y: y(value) + 4, anchor: "end")
        }
        if let threshold = series.threshold, threshold.isFinite {
            svg += SVGChart.line("threshold", from: (left, y(threshold)), to: (right, y(threshold)))
            svg += SVGChart.text(
                "threshold \(label(threshold))", kind: "threshold-label", x: right, y: y(threshold) - 4, anchor: "end")
        }
        svg += SVGChart.text(ReportFormat.day(span.start), kind: "tick", x: left, y: bottom + 17)
        if duration > 0 {
            svg += SVGChart.text(ReportFormat.day(span.end), kind: "tick", x: right, y: bottom + 17, anchor: "end")
        }
        guard !values.isEmpty else {
            return svg + SVGChart.text("no values", kind: "empty", x: (left + right) / 2, y: 70, anchor: "middle")
                + "</svg>"
        }

        var path = ""
        var drawing = false
        for point in series.points {
            guard let value = point.value, value.isFinite else {
                drawing = false
                continue
            }
            path += (drawing ? "L" : "M") + "\(SVGChart.coordinate(x(point.time))) \(SVGChart.coordinate(y(value)))"
            drawing = true
        }
        svg += "<path class=\"series\" d=\"\(path)\"/>"
        let lastIndex = series.points.lastIndex { $0.value?.isFinite == true }
        for (index, point) in series.points.enumerated() {
            guard let value = point.value, value.isFinite else { continue }
            svg +=
                "<circle class=\"\(index == lastIndex ? "point last" : "point")\" "
                + "cx=\"\(SVGChart.coordinate(x(point.time)))\" cy=\"\(SVGChart.coordinate(y(value)))\" "
                + "r=\"\(index == lastIndex ? 4 : 3)\">"
                + SVGChart.title("\(ReportFormat.dateTime(point.time)): \(series.name) \(label(value))")
                + "</circle>"
        }
        return svg + "</svg>"
    }

    /// The value axis: 0–100% for shares; otherwise the values' range with a margin, widened around a constant
    /// series so its line sits mid-chart instead of dividing by zero.
    private static func valueDomain(_ values: [Double], isShare: Bool) -> (low: Double, high: Double) {
        if isShare { return (0, max(1, values.max() ?? 1)) }
        guard var low = values.min(), var high = values.max() else { return (0, 1) }
        if high - low < 1e-12 * max(1, abs(high)) {
            let margin = abs(high) > 0 ? abs(high) * 0.1 : 1
            return (low - margin, high + margin)
        }
        let margin = (high - low) * 0.1
        // Keep a non-negative metric's axis from dipping below zero only to make room for the margin.
        low = low >= 0 ? max(0, low - margin) : low - margin
        high += margin
        return (low, high)
    }
}

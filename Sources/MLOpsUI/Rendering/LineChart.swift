import Foundation

/// A line chart drawn as inline SVG: one line per series on shared axes.
///
/// The drawing needs neither CSS nor JavaScript: colors, strokes and fonts are inline attributes, and the classes
/// (`chart`, `grid`, `series series-N`, `legend`) are hooks for a stylesheet. Every label passes through
/// ``HTML/escape(_:)``. ``svg(width:height:)`` is a pure function of the chart: the same chart gives the same string.
struct LineChart: Sendable {
    /// One sample of a series.
    struct Point: Sendable, Equatable {
        var x: Double
        var y: Double
    }

    /// A line of the chart: its legend label (empty for none) and its samples, in any order.
    struct Series: Sendable {
        var label: String
        var points: [Point]
    }

    /// The tick positions and labels of one axis, and the range of values it spans.
    struct Axis: Sendable, Equatable {
        /// The value at the start of the axis (left or bottom).
        var lower: Double
        /// The value at the end of the axis (right or top); greater than ``lower``.
        var upper: Double
        /// Tick values in increasing order, all within `lower...upper`.
        var ticks: [Double]
        /// One label per tick.
        var labels: [String]
    }

    /// The chart's accessible name (`aria-label` and `<title>`); not drawn, since the page shows its own heading.
    var title: String
    /// The caption under the horizontal axis; empty for none.
    var xLabel: String
    /// The caption along the vertical axis; empty for none.
    var yLabel: String
    /// The lines, drawn in order: series `N` takes color `N % 8` of ``palette``.
    var series: [Series]
    /// X values are seconds since 1970 (UTC): ticks are formatted as times/dates instead of numbers.
    var xIsTime = false
    /// The x range to show whatever the points cover (a time window, with its quiet stretches); nil to fit the
    /// points.
    var xDomain: ClosedRange<Double>? = nil

    /// The line colors: matplotlib's "tab10" without its grey and olive, distinguishable from one another on white.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    /// The most points drawn per series; longer series are thinned by ``downsample(_:limit:)``.
    static let drawnPointLimit = 1000
    /// Series with more points than this get no per-point markers: the circles would merge into a smear.
    static let markerLimit = 200
    /// Coordinates of a larger magnitude are skipped like infinities: no axis shows them next to ordinary values,
    /// and the difference of two of them could overflow to infinity.
    static let largestDrawnMagnitude = 1e300

    /// The chart as a standalone `<svg class="chart">` element of `width` × `height` user units (at least 160 × 100).
    ///
    /// Points with a NaN, infinite or larger than ``largestDrawnMagnitude`` coordinate are skipped; each series is
    /// sorted by x and thinned to at most ``drawnPointLimit`` points. When no series has a drawable point the SVG
    /// says "no data".
    func svg(width: Int = 640, height: Int = 280) -> String {
        let width = max(width, 160)
        let height = max(height, 100)
        let lines = series.enumerated().compactMap { index, series in DrawnLine(index: index, series: series) }
        guard let first = lines.first else { return noDataSVG(width: width, height: height) }

        var xRange = first.xRange
        var yRange = first.yRange
        for line in lines.dropFirst() {
            xRange = min(xRange.lowerBound, line.xRange.lowerBound)...max(xRange.upperBound, line.xRange.upperBound)
            yRange = min(yRange.lowerBound, line.yRange.lowerBound)...max(yRange.upperBound, line.yRange.upperBound)
        }

        if let xDomain {
            xRange = min(xRange.lowerBound, xDomain.lowerBound)...max(xRange.upperBound, xDomain.upperBound)
        }

        let showsLegend = lines.count > 1 || !first.label.isEmpty
        let legendRows = min(3, max(1, (height - 100) / Layout.legendRowHeight))
        let legend = showsLegend ? Legend(lines: lines, width: width, maximumRows: legendRows) : nil

        // The plot area depends on the width of the y tick labels, which depend on the plot's height (through
        // the tick count), so the vertical axis is settled first and the horizontal one fitted to what remains.
        let top = Double(legend.map { $0.height + 8 } ?? 12)
        let bottom = Double(height) - 26 - (xLabel.isEmpty ? 0 : 16)
        let plotHeight = max(bottom - top, 20)
        let yAxis = Self.numericAxis(
            lower: yRange.lowerBound, upper: yRange.upperBound,
            targetTickCount: min(6, max(2, Int(plotHeight / 40))), expandsToTicks: true)
        let yLabelWidth = yAxis.labels.map { Layout.textWidth($0) }.max() ?? 0
        let left = max(yLabelWidth + 10, 28) + (yLabel.isEmpty ? 0 : 18) + 4
        let estimatedPlotWidth = Double(width) - left - 16
        let xAxis =
            xIsTime
            ? Self.timeAxis(
                lower: xRange.lowerBound, upper: xRange.upperBound,
                targetTickCount: min(7, max(2, Int(estimatedPlotWidth / 90))))
            : Self.numericAxis(
                lower: xRange.lowerBound, upper: xRange.upperBound,
                targetTickCount: min(6, max(2, Int(estimatedPlotWidth / 100))), expandsToTicks: false)
        // A tick label is centred on its tick, so the last one can overhang the plot by half its width.
        let xLabelWidth = xAxis.labels.map { Layout.textWidth($0) }.max() ?? 0
        let right = Double(width) - max(16, xLabelWidth / 2 + 4)
        let frame = Frame(
            left: left, top: top, right: max(right, left + 20), bottom: top + plotHeight, xAxis: xAxis, yAxis: yAxis)

        // About 12 bytes a polyline point, and 120 more where a marker with its tooltip is drawn.
        let estimatedSize = lines.reduce(4096) { $0 + $1.points.count * ($1.showsMarkers ? 132 : 12) }
        var text = SVGText(capacity: estimatedSize)
        appendOpening(to: &text, width: width, height: height)
        appendAxes(to: &text, frame: frame)
        appendLines(lines, to: &text, frame: frame)
        if let legend {
            legend.append(to: &text)
        }
        text.append("</svg>")
        return text.string
    }

    // MARK: - Axes

    /// An axis from `lower` to `upper` with ticks every 1, 2 or 5 × 10^k, about `targetTickCount` of them.
    ///
    /// With `expandsToTicks` the axis grows outwards to the nearest ticks, so the data ends on a labelled line;
    /// without it the axis spans exactly `lower...upper` and only the ticks inside are kept. An empty or minute range
    /// is padded around its middle first. Labels are at most about six characters (`0.25`, `1.5k`, `2e-05`) and do
    /// not depend on the locale.
    static func numericAxis(lower: Double, upper: Double, targetTickCount: Int, expandsToTicks: Bool) -> Axis {
        // Callers pass the bounds in order; swapped ones are put right rather than drawn upside down.
        var (lower, upper) = lower <= upper ? (lower, upper) : (upper, lower)
        let magnitude = max(abs(lower), abs(upper))
        if magnitude < 1e-300 {
            lower = -1
            upper = 1
        } else if upper - lower < magnitude * 1e-9 {
            // Below a billionth of the values the labels could not tell ticks apart in fifteen digits.
            let middle = lower / 2 + upper / 2
            let pad = upper == lower ? magnitude * 0.1 : magnitude * 1e-9
            lower = middle - pad
            upper = middle + pad
        }
        let step = NiceStep(rough: (upper - lower) / Double(max(targetTickCount, 1)))
        let firstIndex = (lower / step.value).rounded(.down)
        let lastIndex = (upper / step.value).rounded(.up)
        guard firstIndex.isFinite, lastIndex.isFinite, lastIndex - firstIndex <= 200 else {
            // Unreachable for finite input after the padding above; a two-tick axis beats a trap regardless.
            return Axis(
                lower: lower, upper: upper, ticks: [lower, upper],
                labels: [preciseLabel(lower), preciseLabel(upper)])
        }
        var ticks: [Double] = []
        var index = firstIndex
        while index <= lastIndex {
            ticks.append(step.multiple(index))
            index += 1
        }
        if expandsToTicks {
            lower = min(lower, ticks.first ?? lower)
            upper = max(upper, ticks.last ?? upper)
        } else {
            let slack = step.value * 1e-9
            ticks = ticks.filter { $0 >= lower - slack && $0 <= upper + slack }
        }
        return Axis(
            lower: lower, upper: upper, ticks: ticks,
            labels: ticks.map { tickLabel($0, stepExponent: step.exponent) })
    }

    /// The steps, in seconds, a time axis may tick at up to two weeks; longer spans tick at month starts.
    private static let timeSteps: [Double] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172_800,
        604_800, 1_209_600,
    ]

    /// An axis of seconds since 1970 spanning exactly `lower...upper`, ticked at round UTC times (seconds, minutes,
    /// hours, days, then the starts of months and years), about `targetTickCount` of them.
    ///
    /// Labels are `HH:MM` (`HH:MM:SS` below a minute's step); `MM-DD` when the axis spans more than two days or its
    /// ticks are a day or more apart, the ticks then at least a day apart; `YYYY-MM` beyond 400 days, and `YYYY`
    /// when the ticks are years apart. A range shorter than ten seconds is padded to ten around its middle.
    static func timeAxis(lower: Double, upper: Double, targetTickCount: Int) -> Axis {
        // Callers pass the bounds in order; swapped ones are put right rather than drawn upside down.
        var (lower, upper) = lower <= upper ? (lower, upper) : (upper, lower)
        guard max(abs(lower), abs(upper)) < 1e15 else {
            // Beyond thirty million years these are not timestamps; numbers are the honest labels.
            return numericAxis(lower: lower, upper: upper, targetTickCount: targetTickCount, expandsToTicks: false)
        }
        if upper - lower < 10 {
            let middle = (lower + upper) / 2
            lower = middle - 5
            upper = middle + 5
        }
        let span = upper - lower
        let target = Double(max(targetTickCount, 2))
        guard var step = timeSteps.first(where: { span / $0 <= target }) else {
            let ticks = monthTicks(lower: lower, upper: upper, target: target)
            let format: TimeFormat = ticks.months >= 12 ? .year : span > 400 * 86400 ? .yearMonth : .monthDay
            return Axis(
                lower: lower, upper: upper, ticks: ticks.seconds,
                labels: ticks.seconds.map { timeLabel($0, format: format) })
        }
        let showsDays = span > 2 * 86400 || step >= 86400
        if showsDays {
            // Labels without a time of day would repeat at steps shorter than a day.
            step = max(step, 86400)
        }
        let format: TimeFormat = showsDays ? .monthDay : step < 60 ? .timeWithSeconds : .time
        var ticks: [Double] = []
        var index = (lower / step).rounded(.up)
        while index * step <= upper, ticks.count < 100 {
            ticks.append(index * step)
            index += 1
        }
        return Axis(lower: lower, upper: upper, ticks: ticks, labels: ticks.map { timeLabel($0, format: format) })
    }

    /// Ticks at the starts of every `months`-th month (counted from January of year 0, so yearly ticks fall on
    /// round years) within `lower...upper`, `months` being 1, 2, 3 or 6, or 12 × (1, 2 or 5 × 10^k), the smallest
    /// leaving at most `target` steps in the span.
    private static func monthTicks(lower: Double, upper: Double, target: Double) -> (seconds: [Double], months: Int) {
        let averageMonth = 30.436_875 * 86400
        let roughMonths = (upper - lower) / target / averageMonth
        let months =
            [1, 2, 3, 6].first { Double($0) >= roughMonths }
            ?? 12 * Int(NiceStep(rough: roughMonths / 12).value)
        let first = CivilDate(daysSince1970: Int((lower / 86400).rounded(.down)))
        // Month numbers counted from January of year 0, rounded up to a multiple of the step.
        let firstMonth = first.year * 12 + first.month - 1
        var month = (firstMonth / months + (firstMonth % months > 0 ? 1 : 0)) * months
        var seconds: [Double] = []
        while seconds.count < 100 {
            let year = month >= 0 ? month / 12 : (month - 11) / 12
            let start = Double(CivilDate.daysSince1970(year: year, month: month - year * 12 + 1, day: 1)) * 86400
            if start > upper {
                break
            }
            if start >= lower {
                seconds.append(start)
            }
            month += months
        }
        return (seconds, months)
    }

    /// A tick step of 1, 2 or 5 × 10^k: the smallest one at least as large as the rough step asked for.
    private struct NiceStep {
        /// 1, 2 or 5.
        var mantissa: Double
        /// The power of ten of the mantissa.
        var powerOfTen: Int
        /// The exponent of the step's last significant digit: a label needs `-exponent` decimals.
        var exponent: Int { powerOfTen }
        var value: Double { multiple(1) }

        init(rough: Double) {
            guard rough.isFinite, rough > 0 else {
                mantissa = 1
                powerOfTen = 0
                return
            }
            var power = Int(log10(rough).rounded(.down))
            let fraction = rough / NiceStep.power(power)
            // The tolerance keeps 0.6 / 0.1 = 5.999… from skipping 5 for 10.
            let mantissas: [Double] = [1, 2, 5]
            if let nice = mantissas.first(where: { fraction <= $0 * (1 + 1e-9) }) {
                mantissa = nice
            } else {
                mantissa = 1
                power += 1
            }
            powerOfTen = power
        }

        /// `index` steps from zero. Dividing by an exact power of ten, rather than multiplying by an inexact
        /// negative one, gives the double nearest the decimal tick: 3 × 0.2 is 0.6, not 0.6000000000000001.
        func multiple(_ index: Double) -> Double {
            powerOfTen >= 0
                ? index * mantissa * NiceStep.power(powerOfTen) : index * mantissa / NiceStep.power(-powerOfTen)
        }

        private static func power(_ exponent: Int) -> Double {
            exponent >= 0 ? pow(10, Double(exponent)) : 1 / pow(10, Double(-exponent))
        }
    }

    // MARK: - Labels

    /// A tick label for `value` on an axis whose step's last significant digit is at 10^`stepExponent`: as many
    /// decimals as the step needs, a k/M/G/T suffix from a thousand on (unless it would need more than two
    /// decimals), and scientific notation below 10^-4 or from 10^15 on.
    static func tickLabel(_ value: Double, stepExponent: Int) -> String {
        let magnitude = abs(value)
        if magnitude == 0 {
            return "0"
        }
        if magnitude < 1e-4 || magnitude >= 1e15 {
            return scientific(value, decimals: min(8, max(0, decimalExponent(magnitude) - stepExponent)))
        }
        let suffixes: [(exponent: Int, symbol: String)] = [(12, "T"), (9, "G"), (6, "M"), (3, "k")]
        // A suffix needing more than two decimals (12.3452k) is longer and harder to read than the plain number.
        if let suffix = suffixes.first(where: { magnitude >= pow(10, Double($0.exponent)) }),
            suffix.exponent - stepExponent <= 2
        {
            let scaled = value / pow(10, Double(suffix.exponent))
            return fixed(scaled, decimals: max(0, suffix.exponent - stepExponent)) + suffix.symbol
        }
        return fixed(value, decimals: max(0, -stepExponent))
    }

    /// `value` to six significant digits, trailing zeros dropped: `3`, `0.125`, `1234.57`, `1.5e-07`.
    static func preciseLabel(_ value: Double) -> String {
        let magnitude = abs(value)
        guard value.isFinite else { return "\(value)" }
        if magnitude == 0 {
            return "0"
        }
        if magnitude < 1e-4 || magnitude >= 1e15 {
            return scientific(value, decimals: 5)
        }
        return fixed(value, decimals: max(0, 5 - decimalExponent(magnitude)))
    }

    /// The power of ten of `magnitude`'s leading digit.
    private static func decimalExponent(_ magnitude: Double) -> Int {
        Int(log10(magnitude).rounded(.down))
    }

    /// `value` with `decimals` decimals (at most 15), trailing zeros and a bare point dropped, `-` for negatives and
    /// `.` as the point whatever the locale. Exact integer arithmetic does the rounding; magnitudes that do not fit
    /// in 2^53 once scaled fall back to Swift's shortest representation.
    private static func fixed(_ value: Double, decimals: Int) -> String {
        let decimals = min(max(decimals, 0), 15)
        let scaled = (abs(value) * pow(10, Double(decimals))).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        var digits = String(Int(scaled))
        if decimals > 0 {
            if digits.count <= decimals {
                digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
            while digits.last == "0" {
                digits.removeLast()
            }
            if digits.last == "." {
                digits.removeLast()
            }
        }
        return value < 0 && digits != "0" ? "-" + digits : digits
    }

    /// `value` as a mantissa with at most `decimals` decimals and a signed two-digit exponent: `2e-05`, `-1.5e+20`.
    private static func scientific(_ value: Double, decimals: Int) -> String {
        var exponent = decimalExponent(abs(value))
        var mantissa = value / pow(10, Double(exponent))
        // Rounding can carry into a second digit (9.99 → 10.0); shift it back into one.
        let rounding = pow(10, Double(decimals))
        if abs((mantissa * rounding).rounded() / rounding) >= 10 {
            exponent += 1
            mantissa = value / pow(10, Double(exponent))
        }
        let exponentDigits = String(abs(exponent))
        return fixed(mantissa, decimals: decimals) + (exponent < 0 ? "e-" : "e+")
            + (exponentDigits.count < 2 ? "0" + exponentDigits : exponentDigits)
    }

    /// How a time tick is written.
    enum TimeFormat: Sendable {
        /// `HH:MM`.
        case time
        /// `HH:MM:SS`.
        case timeWithSeconds
        /// `MM-DD`.
        case monthDay
        /// `YYYY-MM`.
        case yearMonth
        /// `YYYY`.
        case year
        /// `YYYY-MM-DD HH:MM:SS`, for tooltips.
        case dateTime
    }

    /// `seconds` since 1970 written in UTC as `format` says, computed without `DateFormatter` so no locale, time
    /// zone or calendar setting changes it. Values beyond ±10^15 seconds are written as numbers.
    static func timeLabel(_ seconds: Double, format: TimeFormat) -> String {
        guard seconds.isFinite, abs(seconds) < 1e15 else { return preciseLabel(seconds) }
        let whole = Int(seconds.rounded(.down))
        let days = whole >= 0 ? whole / 86400 : (whole - 86399) / 86400
        let secondOfDay = whole - days * 86400
        let time = twoDigits(secondOfDay / 3600) + ":" + twoDigits(secondOfDay / 60 % 60)
        let date = CivilDate(daysSince1970: days)
        let monthDay = twoDigits(date.month) + "-" + twoDigits(date.day)
        switch format {
        case .time: return time
        case .timeWithSeconds: return time + ":" + twoDigits(secondOfDay % 60)
        case .monthDay: return monthDay
        case .yearMonth: return "\(date.year)-" + twoDigits(date.month)
        case .year: return "\(date.year)"
        case .dateTime: return "\(date.year)-" + monthDay + " " + time + ":" + twoDigits(secondOfDay % 60)
        }
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// A day of the proleptic Gregorian calendar, from Howard Hinnant's `civil_from_days`
    /// (https://howardhinnant.github.io/date_algorithms.html), exact for every day an `Int` can count.
    private struct CivilDate {
        var year: Int
        var month: Int
        var day: Int

        init(daysSince1970: Int) {
            let shifted = daysSince1970 + 719_468
            let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
            let dayOfEra = shifted - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let shiftedMonth = (5 * dayOfYear + 2) / 153
            day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
            month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        }

        /// The inverse of ``init(daysSince1970:)``, Hinnant's `days_from_civil`.
        static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
            let marchYear = month <= 2 ? year - 1 : year
            let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
            let yearOfEra = marchYear - era * 400
            let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return era * 146_097 + dayOfEra - 719_468
        }
    }

    // MARK: - Points

    /// `points` (sorted by x) thinned to at most `limit` points, `limit` being at least 4: the first and the last
    /// point, and for each of `(limit - 2) / 2` equal runs of the points between them the lowest and the highest, in
    /// x order, so spikes survive. At most `limit` points, or a smaller limit, return `points` unchanged.
    static func downsample(_ points: [Point], limit: Int) -> [Point] {
        guard points.count > limit, limit >= 4 else { return points }
        let interiorCount = points.count - 2
        let bucketCount = (limit - 2) / 2
        var kept: [Point] = []
        kept.reserveCapacity(limit)
        kept.append(points[0])
        for bucket in 0..<bucketCount {
            let start = 1 + bucket * interiorCount / bucketCount
            let end = 1 + (bucket + 1) * interiorCount / bucketCount
            guard start < end else { continue }
            var lowest = start
            var highest = start
            for index in start..<end {
                if points[index].y < points[lowest].y {
                    lowest = index
                }
                if points[index].y > points[highest].y {
                    highest = index
                }
            }
            kept.append(points[min(lowest, highest)])
            if lowest != highest {
                kept.append(points[max(lowest, highest)])
            }
        }
        kept.append(points[points.count - 1])
        return kept
    }

    /// A series ready to draw: its drawable points sorted and thinned, and the ranges of all of them.
    private struct DrawnLine {
        var index: Int
        var label: String
        var points: [Point]
        var showsMarkers: Bool
        var xRange: ClosedRange<Double>
        var yRange: ClosedRange<Double>

        var color: String { LineChart.palette[index % LineChart.palette.count] }

        /// Nil when `series` has no drawable point.
        init?(index: Int, series: Series) {
            let limit = LineChart.largestDrawnMagnitude
            var points = series.points.filter {
                $0.x.isFinite && $0.y.isFinite && abs($0.x) <= limit && abs($0.y) <= limit
            }
            guard let first = points.first else { return nil }
            if !zip(points, points.dropFirst()).allSatisfy({ $0.x <= $1.x }) {
                // Ties broken by y, so the output does not hang on whether the sort is stable.
                points.sort { ($0.x, $0.y) < ($1.x, $1.y) }
            }
            var lowest = first.y
            var highest = first.y
            for point in points {
                lowest = min(lowest, point.y)
                highest = max(highest, point.y)
            }
            self.index = index
            self.label = series.label
            self.showsMarkers = points.count <= LineChart.markerLimit
            self.xRange = (points.first?.x ?? first.x)...(points.last?.x ?? first.x)
            self.yRange = lowest...highest
            self.points = LineChart.downsample(points, limit: LineChart.drawnPointLimit)
        }
    }

    // MARK: - Drawing

    /// Sizes shared by the parts of the drawing.
    private enum Layout {
        static let font = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" font-size=\"11\""
        static let legendRowHeight = 16
        static let legendTop = 6

        /// An estimate of the width of `text` at 11 px: about 6.5 px per character in common sans-serif fonts,
        /// generous so that estimated room is real room.
        static func textWidth(_ text: String) -> Double {
            Double(text.count) * 6.5
        }
    }

    /// The plot area's edges in SVG coordinates and the axes that map values onto it.
    private struct Frame {
        var left: Double
        var top: Double
        var right: Double
        var bottom: Double
        var xAxis: Axis
        var yAxis: Axis

        func x(_ value: Double) -> Double {
            left + (value - xAxis.lower) / (xAxis.upper - xAxis.lower) * (right - left)
        }

        func y(_ value: Double) -> Double {
            bottom - (value - yAxis.lower) / (yAxis.upper - yAxis.lower) * (bottom - top)
        }
    }

    private func appendOpening(to text: inout SVGText, width: Int, height: Int) {
        let title = HTML.escape(title)
        text.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\"")
        text.append(" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(title)\"><title>")
        text.append(title)
        text.append("</title>")
    }

    private func noDataSVG(width: Int, height: Int) -> String {
        var text = SVGText(capacity: 600)
        appendOpening(to: &text, width: width, height: height)
        text.append("<desc>no data</desc><rect x=\"0.5\" y=\"0.5\" width=\"\(width - 1)\" height=\"\(height - 1)\"")
        text.append(" fill=\"none\" stroke=\"#e5e7eb\"/><text x=\"\(width / 2)\" y=\"\(height / 2 + 4)\"")
        text.append(" text-anchor=\"middle\" \(Layout.font) fill=\"#6b7280\">no data</text></svg>")
        return text.string
    }

    private func appendAxes(to text: inout SVGText, frame: Frame) {
        text.append("<g class=\"grid\" stroke=\"#e5e7eb\" stroke-width=\"1\">")
        for tick in frame.yAxis.ticks {
            text.appendLine(x1: frame.left, y1: frame.y(tick), x2: frame.right, y2: frame.y(tick))
        }
        for tick in frame.xAxis.ticks {
            text.appendLine(x1: frame.x(tick), y1: frame.top, x2: frame.x(tick), y2: frame.bottom)
        }
        text.append("</g><g class=\"axes\" stroke=\"#9ca3af\" stroke-width=\"1\">")
        text.appendLine(x1: frame.left, y1: frame.bottom, x2: frame.right, y2: frame.bottom)
        text.appendLine(x1: frame.left, y1: frame.top, x2: frame.left, y2: frame.bottom)
        text.append("</g><g class=\"ticks\" \(Layout.font) fill=\"#4b5563\">")
        for (tick, label) in zip(frame.xAxis.ticks, frame.xAxis.labels) {
            text.appendText(
                label, className: "tick tick-x", x: frame.x(tick), y: frame.bottom + 15, anchor: "middle")
        }
        for (tick, label) in zip(frame.yAxis.ticks, frame.yAxis.labels) {
            text.appendText(label, className: "tick tick-y", x: frame.left - 6, y: frame.y(tick) + 4, anchor: "end")
        }
        if !xLabel.isEmpty {
            text.appendText(
                xLabel, className: "axis-label axis-label-x", x: (frame.left + frame.right) / 2,
                y: frame.bottom + 32, anchor: "middle")
        }
        if !yLabel.isEmpty {
            let middle = (frame.top + frame.bottom) / 2
            text.append("<text class=\"axis-label axis-label-y\" transform=\"rotate(-90 12 ")
            text.appendCoordinate(middle)
            text.append(")\" x=\"12\" y=\"")
            text.appendCoordinate(middle)
            text.append("\" text-anchor=\"middle\" dominant-baseline=\"hanging\">")
            text.append(HTML.escape(yLabel))
            text.append("</text>")
        }
        text.append("</g>")
    }

    private func appendLines(_ lines: [DrawnLine], to text: inout SVGText, frame: Frame) {
        text.append("<g class=\"lines\" stroke-width=\"1.75\" stroke-linejoin=\"round\" stroke-linecap=\"round\">")
        for line in lines {
            text.append("<polyline class=\"series series-\(line.index % Self.palette.count)\" fill=\"none\"")
            text.append(" stroke=\"\(line.color)\" points=\"")
            for (offset, point) in line.points.enumerated() {
                if offset > 0 {
                    text.append(" ")
                }
                text.appendCoordinate(frame.x(point.x))
                text.append(",")
                text.appendCoordinate(frame.y(point.y))
            }
            if line.label.isEmpty {
                text.append("\"/>")
            } else {
                text.append("\"><title>")
                text.append(HTML.escape(line.label))
                text.append("</title></polyline>")
            }
        }
        text.append("</g>")
        let marked = lines.filter(\.showsMarkers)
        guard !marked.isEmpty else { return }
        text.append("<g class=\"markers\">")
        for line in marked {
            let prefix = line.label.isEmpty ? "" : HTML.escape(line.label) + " — "
            text.append("<g class=\"series-\(line.index % Self.palette.count)\" fill=\"\(line.color)\">")
            for point in line.points {
                text.append("<circle cx=\"")
                text.appendCoordinate(frame.x(point.x))
                text.append("\" cy=\"")
                text.appendCoordinate(frame.y(point.y))
                text.append("\" r=\"2.5\"><title>")
                text.append(prefix)
                text.append("x: ")
                text.append(xIsTime ? Self.timeLabel(point.x, format: .dateTime) : Self.preciseLabel(point.x))
                text.append(", y: ")
                text.append(Self.preciseLabel(point.y))
                text.append("</title></circle>")
            }
            text.append("</g>")
        }
        text.append("</g>")
    }

    /// The legend laid out in rows across the top of the chart, at most `maximumRows` of them; series that do not
    /// fit are counted in a final "+N more".
    private struct Legend {
        private struct Item {
            var line: DrawnLine
            var shownLabel: String
            var x: Double
            var row: Int
        }

        private var items: [Item] = []
        private var overflow: (count: Int, x: Double, row: Int)?
        private(set) var height = 0

        init(lines: [DrawnLine], width: Int, maximumRows: Int) {
            let start = 8.0
            let limit = Double(width) - 8
            let moreWidth = 64.0
            let maximumCharacters = max(4, min(32, Int((limit - start - 32) / 6.5)))
            var x = start
            var row = 0
            for (offset, line) in lines.enumerated() {
                let label = line.label.isEmpty ? "series \(line.index + 1)" : line.label
                let shown =
                    label.count > maximumCharacters ? String(label.prefix(maximumCharacters - 1)) + "…" : label
                // Swatch and gap, label, gap to the next item.
                let itemWidth = 18 + Layout.textWidth(shown) + 14
                let fitsOnRow = x == start || x + itemWidth <= limit
                if row == maximumRows - 1 {
                    let othersFollow = offset < lines.count - 1
                    if !fitsOnRow || (othersFollow && x + itemWidth + moreWidth > limit) {
                        overflow = (lines.count - offset, x, row)
                        break
                    }
                }
                if !fitsOnRow {
                    row += 1
                    x = start
                }
                items.append(Item(line: line, shownLabel: shown, x: x, row: row))
                x += itemWidth
            }
            height = Layout.legendTop + (row + 1) * Layout.legendRowHeight
        }

        func append(to text: inout SVGText) {
            text.append("<g class=\"legend\" \(Layout.font) fill=\"#374151\">")
            for item in items {
                let y = Double(Layout.legendTop + item.row * Layout.legendRowHeight) + 8
                text.append("<g class=\"legend-item series-\(item.line.index % LineChart.palette.count)\"><title>")
                text.append(HTML.escape(item.line.label.isEmpty ? item.shownLabel : item.line.label))
                text.append("</title><line x1=\"")
                text.appendCoordinate(item.x)
                text.append("\" y1=\"")
                text.appendCoordinate(y)
                text.append("\" x2=\"")
                text.appendCoordinate(item.x + 14)
                text.append("\" y2=\"")
                text.appendCoordinate(y)
                text.append("\" stroke=\"\(item.line.color)\" stroke-width=\"3\"/>")
                text.appendText(item.shownLabel, className: "legend-label", x: item.x + 18, y: y + 4, anchor: "start")
                text.append("</g>")
            }
            if let overflow {
                let y = Double(Layout.legendTop + overflow.row * Layout.legendRowHeight) + 12
                text.appendText(
                    "+\(overflow.count) more", className: "legend-more", x: overflow.x, y: y, anchor: "start")
            }
            text.append("</g>")
        }
    }
}

/// An SVG document under construction, kept as UTF-8 bytes: writing numbers digit by digit avoids allocating a
/// `String` per coordinate, which would dominate the cost of a 20,000-point chart.
private struct SVGText {
    private var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends `text` as it is: markup, or content already escaped.
    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `value` rounded to one decimal, without a trailing `.0`; values outside ±10^7 are clamped (no
    /// chart coordinate is near that) and non-finite ones written as 0, so the output stays valid SVG.
    mutating func appendCoordinate(_ value: Double) {
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var tenths = Int((min(max(value, -1e7), 1e7) * 10).rounded())
        if tenths < 0 {
            bytes.append(UInt8(ascii: "-"))
            tenths = -tenths
        }
        appendDigits(tenths / 10)
        if tenths % 10 != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(tenths % 10))
        }
    }

    /// Appends the decimal digits of `value`, which is not negative.
    private mutating func appendDigits(_ value: Int) {
        var divisor = 1
        while divisor <= value / 10 {
            divisor *= 10
        }
        var remainder = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(remainder / divisor))
            remainder %= divisor
            divisor /= 10
        }
    }

    mutating func appendLine(x1: Double, y1: Double, x2: Double, y2: Double) {
        append("<line x1=\"")
        appendCoordinate(x1)
        append("\" y1=\"")
        appendCoordinate(y1)
        append("\" x2=\"")
        appendCoordinate(x2)
        append("\" y2=\"")
        appendCoordinate(y2)
        append("\"/>")
    }

    /// Appends a `<text>` element showing `content`, escaped here.
    mutating func appendText(_ content: String, className: String, x: Double, y: Double, anchor: String) {
        append("<text class=\"\(className)\" x=\"")
        appendCoordinate(x)
        append("\" y=\"")
        appendCoordinate(y)
        append("\" text-anchor=\"\(anchor)\">")
        append(HTML.escape(content))
        append("</text>")
    }
}

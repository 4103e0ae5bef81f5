import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsLearn

/// Two served versions compared on what they answered in one window: each side's labelled rows, the metric with
/// a confidence interval, the difference with a test fit for the metric, and latency (`mlops monitor compare`).
///
/// Differences are challenger − champion. Tests: Welch's t-test on per-row errors (`mae`: absolute, `mse`:
/// squared), a two-proportion z-test on correct answers (`accuracy`), a percentile bootstrap where no closed form
/// fits (`rmse`, `f1` macro-averaged), and Welch's t-test on per-request latency.
public struct VersionComparison: Codable, Sendable {
    public enum Verdict: String, Codable, Sendable {
        /// Significantly better at `alpha`.
        case better
        /// Significantly worse at `alpha`.
        case worse
        /// Enough labelled rows, no significant difference.
        case noSignificantDifference = "no_significant_difference"
        /// Fewer labelled rows than `minimumLabelled` on a side: an answer, not an error.
        case notEnoughData = "not_enough_data"
    }

    /// One version's side.
    public struct Side: Codable, Sendable {
        /// `mpg@3`.
        public var model: String
        public var requests: Int
        public var rows: Int
        /// Rows with a label the task can score.
        public var labelledRows: Int
        public var labelledShare: Double
        /// The metric on the labelled rows, with its confidence interval (nil bounds where none is computed).
        public var value: Double?
        public var lower: Double?
        public var upper: Double?
        /// Every metric of the task on the labelled rows (nil when there are none).
        public var metrics: [String: Double]?
        /// Mean latency per request in milliseconds, with its t interval.
        public var latencyMilliseconds: MeanEstimate?
    }

    /// A difference between the sides and its test.
    public struct Difference: Codable, Sendable {
        /// `welch_t`, `two_proportion_z` or `bootstrap`.
        public var test: String
        public var value: Double
        public var lower: Double
        public var upper: Double
        public var pValue: Double
        public var verdict: Verdict
        /// Not significantly worse, and (with a margin) the worse confidence bound within it.
        public var notWorse: Bool
    }

    public var window: MonitorWindow
    public var metric: String
    public var higherIsBetter: Bool
    public var alpha: Double
    /// The confidence level of every interval (1 − alpha).
    public var level: Double
    public var minimumLabelled: Int
    public var margin: Double?
    public var champion: Side
    public var challenger: Side
    /// The metric's difference; nil when a side has too few labelled rows (see `reason`).
    public var difference: Difference?
    /// The latency difference (milliseconds); nil when a side answered fewer than two requests.
    public var latency: Difference?
    /// The metric's verdict, repeated from `difference` (`not_enough_data` when there is none).
    public var verdict: Verdict
    public var reason: String?

    /// The metrics `compare` knows, and whether higher is better.
    static let metrics: [String: (task: [Task], higherIsBetter: Bool)] = [
        "mae": ([.regression], false), "mse": ([.regression], false), "rmse": ([.regression], false),
        "accuracy": ([.classification], true), "f1": ([.classification], true),
    ]

    /// One line with the numbers, for events and alerts.
    public var summary: String {
        let values = [challenger, champion].map { side in
            "\(side.model) \(metric) \(side.value.map { Self.format($0) } ?? "-") (n = \(side.labelledRows))"
        }
        guard let difference else {
            return values.joined(separator: " vs ") + ": " + (reason ?? "not enough labelled data")
        }
        return values.joined(separator: " vs ")
            + "; difference \(Self.format(difference.value)) [\(Self.format(difference.lower)), "
            + "\(Self.format(difference.upper))], \(difference.test) p = \(Self.format(difference.pValue)): "
            + difference.verdict.rawValue
    }

    static func format(_ value: Double) -> String {
        value.isFinite ? String(format: "%.4g", value) : "\(value)"
    }
}

/// How a comparison is made.
public struct ComparisonOptions: Sendable {
    public var champion: String
    public var challenger: String
    public var window: MonitorWindow
    /// Overrides `monitor.compare.metric`.
    public var metric: String?

    public init(champion: String, challenger: String, window: MonitorWindow, metric: String? = nil) {
        self.champion = champion
        self.challenger = challenger
        self.window = window
        self.metric = metric
    }
}

extension Repository {
    /// Compares what two registered versions of one model answered in `options.window`, using the labels that
    /// came back (`serve --split` traffic and `POST /feedback`), with `monitor.compare`'s settings. Reads only.
    public func compareVersions(_ options: ComparisonOptions) throws -> VersionComparison {
        let settings = config.monitor?.compare
        let alpha = settings?.alpha ?? 0.05
        guard alpha > 0, alpha < 1 else {
            throw MLOpsError(.invalidInput, "monitor.compare.alpha must be between 0 and 1 (such as 0.05)")
        }
        let minimum = max(2, settings?.minLabelled ?? 30)
        if let margin = settings?.margin, !(margin.isFinite && margin >= 0) {
            throw MLOpsError(
                .invalidInput, "monitor.compare.margin must be a number ≥ 0 in the metric's units (such as 0.1)")
        }
        let sides = try [options.champion, options.challenger].map { reference in
            let resolved = try resolveModel(reference)
            guard let name = resolved.name, let version = resolved.version else {
                throw MLOpsError(
                    .usage, "A/B comparisons are of registered versions; \(reference) is not one",
                    hint: "name versions such as mpg@production and mpg@4")
            }
            return (resolved: resolved, name: name, version: version)
        }
        let (champion, challenger) = (sides[0], sides[1])
        guard champion.name == challenger.name else {
            throw MLOpsError(
                .usage, "\(champion.resolved.resolved) and \(challenger.resolved.resolved) are different models",
                hint: "compare two versions of one model, as `serve --split` divides its traffic")
        }
        guard champion.version != challenger.version else {
            throw MLOpsError(.usage, "both references are \(champion.resolved.resolved); name two versions")
        }
        let signature = champion.resolved.model.signature
        let metric = options.metric ?? settings?.metric ?? (signature.task == .regression ? "mae" : "accuracy")
        guard let known = VersionComparison.metrics[metric], known.task.contains(signature.task) else {
            let fitting = VersionComparison.metrics.filter { $0.value.task.contains(signature.task) }.keys.sorted()
            let problem =
                VersionComparison.metrics[metric] == nil
                ? "'\(metric)' is not a metric compare knows"
                : "'\(metric)' cannot compare \(signature.task.rawValue) models"
            throw MLOpsError(
                options.metric == nil ? .invalidInput : .usage,
                problem + (options.metric == nil ? " (monitor.compare.metric in .mlops/config.yaml)" : ""),
                hint: "for \(signature.task.rawValue) choose one of: " + fitting.joined(separator: ", "))
        }
        guard challenger.resolved.model.signature.task == signature.task else {
            throw MLOpsError(.invalidInput, "the two versions solve different tasks; they cannot be compared")
        }
        let level = 1 - alpha
        let scored = try sides.map { side in
            try ScoredWindow(
                ServedWindow.read(
                    from: servingLog, model: side.name, version: side.version,
                    signature: side.resolved.model.signature, since: options.window.since,
                    until: options.window.until),
                model: side.resolved.model, reference: side.resolved.resolved, metric: metric, level: level)
        }
        var comparison = VersionComparison(
            window: options.window, metric: metric, higherIsBetter: known.higherIsBetter, alpha: alpha,
            level: level, minimumLabelled: minimum, margin: settings?.margin, champion: scored[0].side,
            challenger: scored[1].side, difference: nil, latency: nil, verdict: .notEnoughData, reason: nil)
        comparison.latency = ScoredWindow.latencyDifference(
            challenger: scored[1], champion: scored[0], alpha: alpha, level: level)
        if let short = scored.first(where: { $0.side.labelledRows < minimum }) {
            comparison.reason =
                "\(short.side.model) has \(short.side.labelledRows) labelled rows in the window; at least "
                + "\(minimum) are needed on each side (monitor.compare.min_labelled)"
            return comparison
        }
        comparison.difference = ScoredWindow.difference(
            challenger: scored[1], champion: scored[0], metric: metric, higherIsBetter: known.higherIsBetter,
            alpha: alpha, level: level, margin: settings?.margin)
        comparison.verdict = comparison.difference?.verdict ?? .notEnoughData
        return comparison
    }
}

/// One side's labelled rows, scored for the metric.
private struct ScoredWindow {
    var side: VersionComparison.Side
    /// Regression: per-row errors (absolute for `mae`, squared otherwise). Classification: 1 for a correct
    /// answer, 0 otherwise.
    var errors: [Double] = []
    /// Classification: per labelled row, the true and the predicted class, coded (for F1, which the bootstrap
    /// computes thousands of times).
    var truth: [Int32] = []
    var predicted: [Int32] = []
    var classCount = 0
    var latencies: [Double]

    init(_ window: ServedWindow, model: Model, reference: String, metric: String, level: Double) throws {
        let signature = model.signature
        let classes = Set(signature.classes ?? [])
        var labelled: [Int] = []
        var classCodes: [String: Int32] = [:]
        func code(_ label: String) -> Int32 {
            if let code = classCodes[label] { return code }
            let code = Int32(classCodes.count)
            classCodes[label] = code
            return code
        }
        for row in 0..<window.rows {
            switch (window.labels.storage, window.predictions.storage) {
            case (.numeric(let labels), .numeric(let predictions)):
                guard labels[row].isFinite, predictions[row].isFinite else { continue }
                let error = labels[row] - predictions[row]
                errors.append(metric == "mae" ? abs(error) : error * error)
            default:
                guard let label = window.labels.text(at: row), classes.contains(label),
                    let answer = window.predictions.text(at: row)
                else { continue }
                truth.append(code(label))
                predicted.append(code(answer))
                errors.append(label == answer ? 1 : 0)
            }
            labelled.append(row)
        }
        classCount = classCodes.count
        latencies = window.latencies.map { $0 * 1000 }
        side = VersionComparison.Side(
            model: reference, requests: window.requests, rows: window.rows, labelledRows: labelled.count,
            labelledShare: window.rows > 0 ? Double(labelled.count) / Double(window.rows) : 0,
            latencyMilliseconds: latencies.count >= 2 ? MeanEstimate.of(latencies, level: level) : nil)
        guard !labelled.isEmpty else { return }
        side.metrics = try? window.metrics(of: model, rows: labelled)
        switch metric {
        case "accuracy":
            let estimate = ProportionEstimate.wilson(
                successes: Int(errors.reduce(0, +)), trials: errors.count, level: level)
            (side.value, side.lower, side.upper) = (estimate.proportion, estimate.lower, estimate.upper)
        case "f1":
            side.value = macroF1(rows: Array(truth.indices))
        case "rmse":
            let estimate = MeanEstimate.of(errors, level: level)
            side.value = estimate.mean.squareRoot()
            side.lower = estimate.lower.isFinite ? max(0, estimate.lower).squareRoot() : nil
            side.upper = estimate.upper.isFinite ? max(0, estimate.upper).squareRoot() : nil
        default:
            let estimate = MeanEstimate.of(errors, level: level)
            side.value = estimate.mean
            side.lower = estimate.lower.isFinite ? estimate.lower : nil
            side.upper = estimate.upper.isFinite ? estimate.upper : nil
        }
    }

    /// scikit-learn's `f1_score(average='macro')` on `rows`, over the classes their truth or predictions hold.
    func macroF1(rows: [Int]) -> Double {
        var truePositives = [Int](repeating: 0, count: classCount)
        var actual = truePositives
        var guessed = truePositives
        for row in rows {
            let (label, answer) = (Int(truth[row]), Int(predicted[row]))
            actual[label] += 1
            guessed[answer] += 1
            if label == answer { truePositives[label] += 1 }
        }
        var total = 0.0
        var classes = 0
        for label in 0..<classCount where actual[label] + guessed[label] > 0 {
            classes += 1
            total += 2 * Double(truePositives[label]) / Double(actual[label] + guessed[label])
        }
        return classes == 0 ? .nan : total / Double(classes)
    }

    static func difference(
        challenger: ScoredWindow, champion: ScoredWindow, metric: String, higherIsBetter: Bool, alpha: Double,
        level: Double, margin: Double?
    ) -> VersionComparison.Difference? {
        let result: (test: String, value: Double, lower: Double, upper: Double, pValue: Double)?
        switch metric {
        case "accuracy":
            result = TwoProportionTest.test(
                successesA: Int(challenger.errors.reduce(0, +)), trialsA: challenger.errors.count,
                successesB: Int(champion.errors.reduce(0, +)), trialsB: champion.errors.count, level: level
            ).map { ("two_proportion_z", $0.difference, $0.lower, $0.upper, $0.pValue) }
        case "rmse", "f1":
            let sides = (a: challenger, b: champion)
            result = BootstrapDifference.run(
                countA: challenger.errors.count, countB: champion.errors.count, level: level
            ) { side, rows in
                let scored = side == .a ? sides.a : sides.b
                if metric == "f1" { return scored.macroF1(rows: rows) }
                return (rows.reduce(0.0) { $0 + scored.errors[$1] } / Double(rows.count)).squareRoot()
            }.map { ("bootstrap", $0.difference, $0.lower, $0.upper, $0.pValue) }
        default:
            result = WelchTest.test(challenger.errors, champion.errors, level: level)
                .map { ("welch_t", $0.difference, $0.lower, $0.upper, $0.pValue) }
        }
        guard let result else { return nil }
        return judged(result, higherIsBetter: higherIsBetter, alpha: alpha, margin: margin)
    }

    static func latencyDifference(
        challenger: ScoredWindow, champion: ScoredWindow, alpha: Double, level: Double
    ) -> VersionComparison.Difference? {
        guard let test = WelchTest.test(challenger.latencies, champion.latencies, level: level) else { return nil }
        return judged(
            ("welch_t", test.difference, test.lower, test.upper, test.pValue), higherIsBetter: false, alpha: alpha,
            margin: nil)
    }

    private static func judged(
        _ result: (test: String, value: Double, lower: Double, upper: Double, pValue: Double), higherIsBetter: Bool,
        alpha: Double, margin: Double?
    ) -> VersionComparison.Difference {
        let improves = higherIsBetter ? result.value > 0 : result.value < 0
        // A difference within rounding of the metric (both sides' errors constant and equal up to the last bits,
        // where the t statistic is infinite) is no difference: it must never decide a promotion. Its p-value is 1.
        let scale = max(abs(result.lower), abs(result.upper), abs(result.value), 1)
        let negligible = abs(result.value) <= 1e-9 * scale || !result.pValue.isFinite
        let pValue = negligible ? 1 : result.pValue
        let significant = pValue < alpha
        let verdict: VersionComparison.Verdict =
            significant ? (improves ? .better : .worse) : .noSignificantDifference
        // The confidence bound on the worse side: how much worse the challenger may plausibly be.
        let worstBound = higherIsBetter ? -result.lower : result.upper
        let withinMargin = margin.map { worstBound.isFinite && worstBound <= $0 } ?? true
        return VersionComparison.Difference(
            test: result.test, value: result.value, lower: result.lower, upper: result.upper,
            pValue: pValue, verdict: verdict, notWorse: verdict != .worse && withinMargin)
    }
}

import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsLearn

/// Live quality: how a served version did on the requests whose labels came back (`POST /feedback`).
public struct QualityReport: Codable, Sendable, Equatable {
    /// `mpg@3`.
    public var model: String
    public var window: MonitorWindow
    public var requests: Int
    public var rows: Int
    /// Rows with a label the task can score: a finite number (regression) or one of the model's classes.
    public var labelledRows: Int
    /// Rows whose label cannot be scored (text for a regression, a class the model does not know); left out.
    public var unusableLabels: Int
    /// `labelledRows / rows`.
    public var labelledShare: Double
    /// The task's metrics on the labelled rows; nil when fewer than `minimumLabelled` rows have labels.
    public var metrics: [String: Double]?
    /// The metrics the version was registered with (its evaluation on the hold-out), to compare with.
    public var evaluated: [String: Double]
    public var gates: [EvaluationReport.GateResult]
    /// Whether every gate passed; nil when quality could not be judged (see `reason`), which is never "healthy".
    public var passed: Bool?
    public var reason: String?
    public var minimumLabelled: Int
}

extension Repository {
    /// Joins what `reference`'s version answered in `window` with the labels that came back, scores the labelled
    /// rows with the task's metrics and checks `monitor.quality`'s gates (relative ones against the metrics the
    /// version was registered with). Reads only.
    public func measureQuality(_ reference: String, window: MonitorWindow) throws -> QualityReport {
        let resolved = try resolveModel(reference)
        guard let name = resolved.name, let number = resolved.version else {
            throw MLOpsError(
                .usage, "live quality is kept by registered version; \(reference) is not one",
                hint: "name a version such as mpg@production")
        }
        let version = try registry.version(.version(name: name, version: number))
        let settings = config.monitor?.quality
        let gates = try (settings?.gates ?? []).map(QualityGate.init(parsing:))
        let limits = try (settings?.maxRegression ?? []).map(RegressionLimit.init(parsing:))
        let minimum = max(1, settings?.minLabelled ?? 30)
        let signature = resolved.model.signature
        let served = try ServedWindow.read(
            from: servingLog, model: name, version: number, signature: signature, since: window.since,
            until: window.until)
        // A label anyone could have posted is scored only when it is a value of the target.
        let classes = Set(signature.classes ?? [])
        let labels = served.labels
        let labelled = (0..<served.rows).filter { row in
            switch labels.storage {
            case .numeric(let values): values[row].isFinite && signature.task == .regression
            case .categorical(let codes, let levels): codes[row] >= 0 && classes.contains(levels[Int(codes[row])])
            }
        }
        var report = QualityReport(
            model: "\(name)@\(number)", window: window, requests: served.requests, rows: served.rows,
            labelledRows: labelled.count, unusableLabels: served.labelledRows - labelled.count,
            labelledShare: served.rows > 0 ? Double(labelled.count) / Double(served.rows) : 0, metrics: nil,
            evaluated: version.metrics, gates: [], passed: nil, reason: nil, minimumLabelled: minimum)
        guard labelled.count >= minimum else {
            report.reason =
                served.rows == 0
                ? "\(report.model) answered no requests in \(window.description)"
                : "\(labelled.count) of \(served.rows) rows have usable labels; at least \(minimum) are needed "
                    + "(monitor.quality.min_labelled)"
            return report
        }
        guard let metrics = try? served.metrics(of: resolved.model, rows: labelled) else {
            report.reason = "the labelled rows could not be scored"
            return report
        }
        report.metrics = metrics
        for gate in gates {
            guard let value = metrics[gate.metric] else { throw Self.unknownMetric(gate.metric, metrics) }
            report.gates.append(gate.check(value))
        }
        for limit in limits {
            guard let value = metrics[limit.metric] else { throw Self.unknownMetric(limit.metric, metrics) }
            guard let baseline = version.metrics[limit.metric] else {
                throw MLOpsError(
                    .invalidInput,
                    "monitor.quality.max_regression names \(limit.metric), which \(report.model) "
                        + "was not registered with",
                    hint: "its metrics are: " + version.metrics.keys.sorted().joined(separator: ", "))
            }
            report.gates.append(limit.check(value, baseline: baseline))
        }
        report.passed = report.gates.allSatisfy(\.passed)
        return report
    }

    private static func unknownMetric(_ metric: String, _ metrics: [String: Double]) -> MLOpsError {
        MLOpsError(
            .invalidInput, "monitor.quality names the metric '\(metric)' in .mlops/config.yaml",
            hint: "the metrics for this model are: " + metrics.keys.sorted().joined(separator: ", "))
    }
}

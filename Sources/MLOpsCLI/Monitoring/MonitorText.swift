import Foundation
import MLOpsCore
import MLOpsLearn
import MLOpsMonitor

/// The drift report for people: the verdict, then one aligned row per column.
enum DriftText {
    static func render(_ report: DriftReport, style: TextStyle) -> String {
        var text = "Reference: \(report.reference) (\(report.referenceRows) rows)\n"
        text += "Current:   \(report.current) (\(report.currentRows) rows)\n"
        var table = TextTable(header: ["COLUMN", "ROLE", "TEST", "SCORE", "THRESHOLD", "DRIFT"])
        for column in report.features + [report.prediction, report.target].compactMap({ $0 }) {
            table.append([
                column.column, column.role.rawValue, column.test.rawValue,
                column.score.map(MetricText.format) ?? "-", MetricText.format(column.threshold),
                verdict(column, style: style),
            ])
        }
        text += table.rendered(style: style)
        for column in report.features where column.unseenCategories != nil {
            text +=
                "\(column.column): categories the reference never had: "
                + (column.unseenCategories ?? []).joined(separator: ", ") + "\n"
        }
        let share =
            "\(report.driftedFeatures) of \(report.features.count) features drifted"
            + " (share \(MetricText.format(report.driftShare)), threshold \(MetricText.format(report.shareThreshold)))"
        text += (report.drifted ? style.red("Drift: ") : style.green("No drift: ")) + share + "\n"
        return text
    }

    static func verdict(_ column: ColumnDrift, style: TextStyle) -> String {
        switch column.drifted {
        case true?: style.red("drift")
        case false?: style.green("ok")
        case nil: style.yellow("not computed: " + (column.reason ?? "unknown"))
        }
    }
}

/// Live quality for people: the window, the labelled share, metrics beside the registered ones, the gates.
enum QualityText {
    static func render(_ report: QualityReport, style: TextStyle) -> String {
        var text =
            "\(report.model): \(report.requests) requests, \(report.rows) rows, \(report.labelledRows) labelled"
            + " (\(String(format: "%.1f", report.labelledShare * 100))%) in \(report.window.description)\n"
        if let metrics = report.metrics {
            var table = TextTable(header: ["METRIC", "LIVE", "REGISTERED"])
            for (name, value) in metrics.sorted(by: { $0.key < $1.key }) {
                table.append(
                    [name, MetricText.format(value), report.evaluated[name].map(MetricText.format) ?? "-"])
            }
            text += table.rendered(style: style)
        }
        for gate in report.gates {
            text +=
                (gate.passed ? style.green("pass") : style.red("FAIL"))
                + "  \(gate.gate)  (\(gate.metric) = \(MetricText.format(gate.value)), limit \(MetricText.format(gate.limit)))\n"
        }
        if let reason = report.reason { text += style.yellow("Not judged: ") + reason + "\n" }
        return text
    }
}

/// A check for people: drift, quality, then what followed.
enum CheckText {
    static func render(_ verdict: MonitorVerdict, style: TextStyle) -> String {
        var text = DriftText.render(verdict.drift, style: style)
        if let quality = verdict.quality { text += QualityText.render(quality, style: style) }
        for alert in verdict.alerts {
            text +=
                "Alert via \(alert.channel) \(alert.target): "
                + (alert.delivered ? "delivered" : style.red("not delivered")) + (alert.detail.map { " (\($0))" } ?? "")
                + "\n"
        }
        if let retraining = verdict.retraining {
            text += "Retraining (\(retraining.plan))\(retraining.dryRun ? ", dry run" : ""): \(retraining.reason)\n"
        }
        if let challenger = verdict.challenger {
            text += ComparisonText.render(challenger.comparison, style: style)
            text += "Challenger: " + (challenger.promoted ? style.green("promoted") + ", " : "") + challenger.reason
            text += "\n"
        }
        let status: String =
            switch verdict.status {
            case .healthy: style.green("healthy")
            case .drift: style.red("drift")
            case .quality: style.red("quality gate failed")
            }
        text += "\(verdict.model): \(status) (monitor run \(verdict.runId.prefix(RunID.displayLength)))\n"
        return text
    }
}

/// An A/B comparison for people: both sides with intervals, then the differences and verdicts.
enum ComparisonText {
    static func render(_ comparison: VersionComparison, style: TextStyle) -> String {
        let percent = NumberText.format((comparison.level * 100 * 10).rounded() / 10)
        var table = TextTable(header: [
            "VERSION", "REQUESTS", "LABELLED", comparison.metric.uppercased(), "\(percent)% CI", "LATENCY MS",
        ])
        for side in [comparison.champion, comparison.challenger] {
            table.append([
                side.model, String(side.requests),
                "\(side.labelledRows) (\(String(format: "%.0f", side.labelledShare * 100))%)",
                side.value.map(MetricText.format) ?? "-", interval(side.lower, side.upper),
                side.latencyMilliseconds.map { MetricText.format($0.mean) } ?? "-",
            ])
        }
        var text = "Window: \(comparison.window.description)\n" + table.rendered(style: style)
        for (name, difference) in [(comparison.metric, comparison.difference), ("latency", comparison.latency)] {
            guard let difference else { continue }
            text +=
                "\(name): difference \(MetricText.format(difference.value)) "
                + "\(interval(difference.lower, difference.upper)), "
                + "\(difference.test) p = \(MetricText.format(difference.pValue)): "
                + verdict(difference.verdict, style: style) + "\n"
        }
        if let reason = comparison.reason { text += style.yellow("Not decided: ") + reason + "\n" }
        return text
    }

    private static func interval(_ lower: Double?, _ upper: Double?) -> String {
        guard let lower, let upper else { return "-" }
        return "[\(MetricText.format(lower)), \(MetricText.format(upper))]"
    }

    private static func verdict(_ verdict: VersionComparison.Verdict, style: TextStyle) -> String {
        switch verdict {
        case .better: style.green("challenger better")
        case .worse: style.red("challenger worse")
        case .noSignificantDifference: "no significant difference"
        case .notEnoughData: style.yellow("not enough labelled data")
        }
    }
}

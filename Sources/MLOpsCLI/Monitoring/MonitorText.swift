import Foundation
import MLOpsCore
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

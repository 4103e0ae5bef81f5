import Foundation
import MLOpsCore

/// Serving and monitoring: per model version, requests, latency percentiles and contract violations over the
/// window from the serving log, and each monitored model's drift per feature over time from its `monitor check`
/// runs.
struct ServingView {
    var summary: ServingSummary
    /// `monitor` runs, newest first.
    var checks: [Run]
    /// The window as asked for (`1h`, `24h`, `7d`).
    var window: String

    static let windows: [(name: String, seconds: Double)] = [
        ("15m", 900), ("1h", 3_600), ("6h", 21_600), ("24h", 86_400), ("7d", 604_800), ("30d", 2_592_000),
    ]

    func render() -> String {
        var html = "<h1>Serving and monitoring</h1>\n<form method=\"get\" action=\"/serving\" class=\"filter\">"
        html += "<label>Window <select name=\"window\">"
        for (name, _) in Self.windows {
            html += "<option\(name == window ? " selected" : "")>\(name)</option>"
        }
        html += "</select></label> <button type=\"submit\">Show</button></form>\n"
        html += "<p class=\"note\">\(Formatting.time(summary.since)) to \(Formatting.time(summary.until)) UTC, "
        html += "from the serving log (requests the servers answered and logged; see <code>serve --log-sample</code>)."
        html += "</p>\n"
        if summary.versions.isEmpty {
            html += "<p class=\"note\" id=\"no-traffic\">No logged request in this window.</p>\n"
        } else {
            html += totals()
            html += "<div class=\"charts\">"
            html += chart(title: "requests per \(Self.span(summary.bucketSeconds))", id: "requests") { bucket in
                Double(bucket.requests)
            }
            html += chart(title: "p50 latency (ms)", id: "latency-p50") { $0.latency.map { $0.p50 * 1000 } }
            html += chart(title: "p95 latency (ms)", id: "latency-p95") { $0.latency.map { $0.p95 * 1000 } }
            html += "</div>\n"
        }
        html += PageLayout.section(id: "drift", title: "Drift per feature", body: drift())
        return html
    }

    private func totals() -> String {
        var html = "<table id=\"serving\" class=\"data\"><thead><tr><th>Version</th><th>Requests</th><th>Rows</th>"
        html += "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>Violating requests</th></tr></thead><tbody>\n"
        for totals in summary.versions {
            html += "<tr class=\"served\" data-version=\"\(HTML.escape(totals.reference))\">"
            html += "<td><a href=\"/models/\(HTML.urlComponent(totals.model))\">\(HTML.escape(totals.reference))</a>"
            html += "</td><td class=\"number\">\(totals.requests)</td><td class=\"number\">\(totals.rows)</td>"
            for value in [totals.latency.p50, totals.latency.p95, totals.latency.p99] {
                html += "<td class=\"number\">\(Formatting.number((value * 1e5).rounded() / 100))</td>"
            }
            html += "<td class=\"number\">\(totals.flagged)</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    private func chart(title: String, id: String, value: (ServingSummary.Bucket) -> Double?) -> String {
        let series = summary.versions.map { totals in
            LineChart.Series(
                label: totals.reference,
                points: totals.buckets.compactMap { bucket in
                    value(bucket).map { .init(x: bucket.start.timeIntervalSince1970, y: $0) }
                })
        }
        let window = summary.since.timeIntervalSince1970...summary.until.timeIntervalSince1970
        let chart = LineChart(
            title: title, xLabel: "time (UTC)", yLabel: title, series: series, xIsTime: true, xDomain: window)
        return "<figure class=\"chart\" data-chart=\"\(id)\">\(chart.svg())<figcaption>\(HTML.escape(title))"
            + "</figcaption></figure>"
    }

    private func drift() -> String {
        var byModel: [String: [Run]] = [:]
        for run in checks { byModel[run.params["model"] ?? run.name, default: []].append(run) }
        guard !byModel.isEmpty else {
            return
                "<p class=\"note\">No monitoring check yet: <code>mlops monitor check &lt;model&gt;@production</code>"
                + " records one.</p>"
        }
        var html = "<div class=\"charts\">"
        for (model, runs) in byModel.sorted(by: { $0.key < $1.key }) {
            let features = Set(runs.flatMap { $0.metrics.keys.filter { $0.hasPrefix("drift.") } }).sorted()
            let series = features.map { key in
                LineChart.Series(
                    label: String(key.dropFirst(6)),
                    points: runs.reversed().compactMap { run in
                        run.metrics[key].map { .init(x: run.started.timeIntervalSince1970, y: $0) }
                    })
            }
            let chart = LineChart(
                title: "\(model): drift score per feature", xLabel: "check (UTC)", yLabel: "score", series: series,
                xIsTime: true)
            html += "<figure class=\"chart\" data-chart=\"drift\" data-model=\"\(HTML.escape(model))\">\(chart.svg())"
            html += "<figcaption>\(HTML.escape(model)): drift per feature over \(runs.count) checks; latest verdict "
            html += "\(HTML.escape(runs.first?.tags["status"] ?? "—"))</figcaption></figure>"
        }
        return html + "</div>"
    }

    /// A bucket's length in words: `75 s`, `30 min`, `3 h`.
    static func span(_ seconds: Double) -> String {
        if seconds < 120 { return "\(Int(seconds.rounded())) s" }
        if seconds < 7_200 { return "\(Int((seconds / 60).rounded())) min" }
        return "\(Int((seconds / 3_600).rounded())) h"
    }
}

import MLOpsCore

/// Several runs side by side: parameters and final metrics in columns, rows whose values differ highlighted,
/// and each metric logged at several steps as one chart with a line per run.
struct CompareView {
    var runs: [Run]

    /// At most this many runs are compared at once (a chart with more lines cannot be read).
    static let maximumRuns = 20

    func render() -> String {
        var html = "<h1>Compare \(runs.count) runs</h1>\n"
        html += "<div class=\"scroll\"><table id=\"compare-runs\" class=\"data\"><thead><tr><th></th>"
        for run in runs {
            html += "<th><a href=\"/runs/\(HTML.escape(run.id))\">\(HTML.escape(run.name))</a>"
            html += "<br><small>\(run.kind.rawValue) · \(HTML.escape(Formatting.short(run.id)))</small></th>"
        }
        html += "</tr></thead></table></div>\n"
        html += PageLayout.section(
            id: "params", title: "Parameters", body: table(keys: runs.flatMap(\.params.keys)) { $0.params[$1] })
        html += PageLayout.section(
            id: "metrics", title: "Metrics",
            body: table(keys: runs.flatMap(\.metrics.keys)) { run, key in run.metrics[key].map(Formatting.number) })
        let stepped = Set(runs.flatMap { ($0.history ?? [:]).filter { $0.value.count > 1 }.keys }).sorted()
        var charts = "<div class=\"charts\">"
        for key in stepped {
            let series = runs.compactMap { run -> LineChart.Series? in
                guard let points = run.history?[key], !points.isEmpty else { return nil }
                return .init(
                    label: "\(run.name) …\(run.id.suffix(4))",
                    points: points.map { .init(x: Double($0.step), y: $0.value) })
            }
            let chart = LineChart(title: key, xLabel: "step", yLabel: key, series: series)
            charts += "<figure class=\"chart\" data-metric=\"\(HTML.escape(key))\">\(chart.svg())"
            charts += "<figcaption>\(HTML.escape(key))</figcaption></figure>"
        }
        charts += "</div>"
        if stepped.isEmpty { charts = "<p class=\"note\">None of these runs logged a metric at several steps.</p>" }
        html += PageLayout.section(id: "charts", title: "Learning curves", body: charts)
        return html
    }

    /// One row per key, one column per run; rows whose values are not all the same carry `differs`.
    private func table(keys: [String], value: (Run, String) -> String?) -> String {
        let keys = Set(keys).sorted()
        guard !keys.isEmpty else { return "<p class=\"note\">None.</p>" }
        var html = "<div class=\"scroll\"><table class=\"data side-by-side\"><tbody>"
        for key in keys {
            let values = runs.map { value($0, key) }
            let differs = Set(values.map { $0 ?? "\u{0}" }).count > 1
            html += "<tr\(differs ? " class=\"differs\"" : "") data-key=\"\(HTML.escape(key))\">"
            html += "<th scope=\"row\">\(HTML.escape(key))</th>"
            for value in values { html += "<td>\(HTML.escape(value ?? "—"))</td>" }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }
}

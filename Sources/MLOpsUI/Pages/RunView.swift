import MLOpsCore
import MLOpsStore

/// One run: what it ran with, what it measured (a chart for each metric logged at several steps), its tags,
/// lineage, artifacts, the log of a stage run and the registered versions it produced.
struct RunView {
    var run: Run
    var versions: [ModelVersion]
    var log: StageLogTail?
    /// The size of each artifact's object in the cache, nil when the cache lacks it.
    var artifactSizes: [String: Int64?]
    /// The tune run's trials, or the trial's tune run.
    var related: [Run]

    func render() -> String {
        var html = "<h1>\(HTML.escape(run.name)) <small>\(run.kind.rawValue)</small></h1>\n"
        html += "<dl class=\"facts\" id=\"summary\">"
        html += fact("Id", "<code>\(HTML.escape(run.id))</code>")
        html += fact("Status", RunsView.status(run.status) + (run.exitStatus.map { " (exit \($0))" } ?? ""))
        html += fact("Started", Formatting.time(run.started))
        html += fact("Duration", Formatting.duration(run.durationSeconds))
        html += fact("Host", HTML.escape(run.host))
        html += fact("mlops", HTML.escape(run.toolVersion))
        if let command = run.command { html += fact("Command", "<code>\(HTML.escape(command))</code>") }
        if let parent = run.parent {
            html += fact(
                "Tune run", "<a href=\"/runs/\(HTML.escape(parent))\">\(HTML.escape(Formatting.short(parent)))</a>")
        }
        html += "</dl>\n"

        html += PageLayout.section(
            id: "params", title: "Parameters", body: PageLayout.pairs(run.params.mapValues(HTML.escape)))
        var metrics = run.metrics.mapValues { Formatting.number($0) }
        for (key, points) in run.history ?? [:] where points.count > 1 { metrics[key]? += " (\(points.count) steps)" }
        html += PageLayout.section(id: "metrics", title: "Metrics", body: PageLayout.pairs(metrics))
        let stepped = (run.history ?? [:]).filter { $0.value.count > 1 }.sorted { $0.key < $1.key }
        if !stepped.isEmpty {
            var charts = "<div class=\"charts\">"
            for (key, points) in stepped {
                let chart = LineChart(
                    title: key, xLabel: "step", yLabel: key,
                    series: [.init(label: key, points: points.map { .init(x: Double($0.step), y: $0.value) })])
                charts += "<figure class=\"chart\" data-metric=\"\(HTML.escape(key))\">\(chart.svg())"
                charts += "<figcaption>\(HTML.escape(key))</figcaption></figure>"
            }
            html += PageLayout.section(id: "charts", title: "Learning curves", body: charts + "</div>")
        }
        html += PageLayout.section(id: "tags", title: "Tags", body: PageLayout.pairs(run.tags.mapValues(HTML.escape)))
        html += lineage()
        html += artifacts()
        if let log {
            let note = log.truncated ? "<p class=\"note\">The start of the log is left out.</p>" : ""
            html += PageLayout.section(
                id: "log", title: "Log", body: note + "<pre class=\"log\">\(HTML.escape(log.text))</pre>")
        }
        if !versions.isEmpty {
            var table = "<table class=\"data\"><thead><tr><th>Version</th><th>Aliases</th><th>Registered</th>"
            table += "</tr></thead><tbody>"
            for version in versions {
                let link = "/models/\(HTML.urlComponent(version.name))"
                table += "<tr><td><a href=\"\(link)\">\(HTML.escape(version.reference))</a></td>"
                table += "<td>\(HTML.escape(version.aliases.joined(separator: ", ")))</td>"
                table += "<td class=\"time\">\(Formatting.time(version.created))</td></tr>"
            }
            html += PageLayout.section(id: "versions", title: "Registered versions", body: table + "</tbody></table>")
        }
        if !related.isEmpty {
            var list = "<ul>"
            for other in related {
                list += "<li><a href=\"/runs/\(HTML.escape(other.id))\">\(HTML.escape(other.name))</a> "
                list += RunsView.status(other.status) + "</li>"
            }
            let title = run.kind == .tune ? "Trials" : "Related runs"
            html += PageLayout.section(id: "related", title: title, body: list + "</ul>")
        }
        return html
    }

    private func lineage() -> String {
        var html = "<dl class=\"facts\">"
        html += fact("Commit", RunsView.commit(run.git))
        if let branch = run.git.branch { html += fact("Branch", HTML.escape(branch)) }
        html += "</dl>"
        if run.git.dirty {
            html += "<p class=\"warning\">The work tree had uncommitted changes: the commit alone does not say "
            html += "what ran.</p>"
        }
        if !run.inputs.isEmpty {
            html += "<table class=\"data\"><thead><tr><th>Data</th><th>Object</th><th>Pointer</th></tr></thead><tbody>"
            for input in run.inputs {
                html += "<tr><td>\(HTML.escape(input.path))</td>"
                html += "<td><code title=\"\(HTML.escape(input.oid))\">\(HTML.escape(Formatting.short(input.oid)))"
                html += "</code></td><td>\(HTML.escape(input.pointer ?? "—"))</td></tr>"
            }
            html += "</tbody></table>"
        }
        return PageLayout.section(id: "lineage", title: "Lineage", body: html)
    }

    private func artifacts() -> String {
        guard !run.artifacts.isEmpty else { return "" }
        var html = "<table class=\"data\"><thead><tr><th>Artifact</th><th>Object</th><th>Size</th></tr></thead><tbody>"
        for artifact in run.artifacts {
            let size = artifactSizes[artifact.name] ?? nil
            html += "<tr><td>\(HTML.escape(artifact.name))</td>"
            html += "<td><code title=\"\(HTML.escape(artifact.oid))\">\(HTML.escape(Formatting.short(artifact.oid)))"
            html +=
                "</code></td><td class=\"number\">\(size.map { Formatting.bytes($0) } ?? "not in the cache")</td></tr>"
        }
        return PageLayout.section(id: "artifacts", title: "Artifacts", body: html + "</tbody></table>")
    }

    private func fact(_ term: String, _ value: String) -> String { "<dt>\(term)</dt><dd>\(value)</dd>" }
}

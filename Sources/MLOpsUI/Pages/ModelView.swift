import MLOpsCore

/// One model: its versions with metrics and aliases, the append-only history of what happened to it, the
/// evaluations of its versions, and (when this browser may) forms to promote and roll back through the same
/// library calls as `mlops model promote` and `mlops model rollback`.
struct ModelView {
    var name: String
    var versions: [ModelVersion]
    var history: [RegistryEvent]
    /// `eval` runs of this model's versions, newest first.
    var evaluations: [Run]
    var writable: Bool
    /// What the last action did or why it failed, shown at the top.
    var outcome: ActionOutcome?

    /// The result of a promote or rollback submitted from the page.
    struct ActionOutcome {
        var succeeded: Bool
        var message: String
    }

    func render() -> String {
        var html = "<h1>\(HTML.escape(name))</h1>\n"
        if let outcome {
            let id = outcome.succeeded ? "action-result" : "action-error"
            html += "<p id=\"\(id)\" class=\"\(outcome.succeeded ? "notice" : "error")\" role=\"status\">"
            html += "\(HTML.escape(outcome.message))</p>\n"
        }
        html += PageLayout.section(id: "versions", title: "Versions", body: versionTable())
        html += PageLayout.section(id: "actions", title: "Promote and roll back", body: actions())
        html += PageLayout.section(id: "history", title: "History", body: historyTable())
        html += PageLayout.section(id: "evaluations", title: "Evaluations", body: evaluationTable())
        return html
    }

    private func versionTable() -> String {
        let metricKeys = Set(versions.flatMap(\.metrics.keys)).sorted()
        var html = "<div class=\"scroll\"><table class=\"data\"><thead><tr><th>Version</th><th>Aliases</th>"
        html += "<th>Registered</th><th>By</th><th>Source</th>"
        for key in metricKeys { html += "<th>\(HTML.escape(key))</th>" }
        html += "</tr></thead><tbody>\n"
        for version in versions {
            html += "<tr class=\"version\" data-version=\"\(version.version)\"><td class=\"number\">\(version.version)"
            html += "</td><td class=\"aliases\">"
            html += version.aliases.sorted().map { ModelsView.alias($0) }.joined(separator: " ")
            html += "</td><td class=\"time\">\(Formatting.time(version.created))</td>"
            html += "<td>\(HTML.escape(version.actor))</td><td>"
            if let run = version.runId {
                html += "<a href=\"/runs/\(HTML.escape(run))\">run \(HTML.escape(Formatting.short(run)))</a>"
            } else {
                html += HTML.escape(version.source)
            }
            html += "</td>"
            for key in metricKeys { html += "<td class=\"number\">\(Formatting.number(version.metrics[key]))</td>" }
            html += "</tr>\n"
        }
        return html + "</tbody></table></div>"
    }

    private func actions() -> String {
        guard writable else {
            return "<p class=\"note\" id=\"read-only\">Read-only: start <code>mlops ui --token …</code> (or set "
                + "<code>MLOPS_UI_TOKEN</code>) and open the address it prints to promote and roll back here.</p>"
        }
        let action = "/models/\(HTML.urlComponent(name))"
        var options = ""
        for version in versions { options += "<option value=\"\(version.version)\">\(version.version)</option>" }
        let aliases = Set(versions.flatMap(\.aliases)).sorted()
        var aliasOptions = ""
        for alias in aliases {
            aliasOptions += "<option value=\"\(HTML.escape(alias))\">\(HTML.escape(alias))</option>"
        }
        return """
            <div class="actions">
            <form id="promote" method="post" action="\(action)/promote">
            <label>Version <select name="version">\(options)</select></label>
            <label>to alias <input name="alias" required value="production" list="aliases" size="14"></label>
            <label>Reason <input name="reason" size="30"></label>
            <button type="submit" data-confirm="Move the alias?">Promote</button>
            </form>
            <form id="rollback" method="post" action="\(action)/rollback">
            <label>Alias <select name="alias">\(aliasOptions)</select></label>
            <label>Reason <input name="reason" size="30"></label>
            <button type="submit" data-confirm="Move the alias back to the version before?">Roll back</button>
            </form>
            <datalist id="aliases">\(aliasOptions)</datalist>
            <p class="note">Approval gates in <code>.mlops/config.yaml</code> run as they do for
            <code>mlops model promote</code>; a failed gate refuses the promotion.</p>
            </div>
            """
    }

    private func historyTable() -> String {
        var html = "<table class=\"data\"><thead><tr><th>#</th><th>When</th><th>Who</th><th>Event</th>"
        html += "<th>Alias</th><th>From</th><th>To</th><th>Why</th></tr></thead><tbody>\n"
        for event in history.reversed() {
            html += "<tr class=\"event event-\(HTML.escape(event.event))\"><td class=\"number\">\(event.sequence)</td>"
            html += "<td class=\"time\">\(Formatting.time(event.at))</td><td>\(HTML.escape(event.actor))</td>"
            html += "<td>\(HTML.escape(event.event))\(event.published ? "" : " <small>(not pushed)</small>")</td>"
            html += "<td>\(HTML.escape(event.alias ?? "—"))</td>"
            html += "<td class=\"number\">\(event.fromVersion.map(String.init) ?? "—")</td>"
            html += "<td class=\"number\">\(event.toVersion.map(String.init) ?? "—")</td><td>"
            html += HTML.escape(event.reason ?? "")
            if let gates = event.approval, !gates.isEmpty {
                html += " <small>gates: "
                html += gates.map { "\(HTML.escape($0.gate)) \($0.passed ? "passed" : "failed")" }
                    .joined(separator: "; ")
                html += "</small>"
            }
            if let void = event.void { html += " <small class=\"warning\">no effect: \(HTML.escape(void))</small>" }
            html += "</td></tr>\n"
        }
        return html + "</tbody></table>"
    }

    private func evaluationTable() -> String {
        guard !evaluations.isEmpty else {
            return "<p class=\"note\">No evaluation yet: <code>mlops eval \(HTML.escape(name))@&lt;version&gt; "
                + "--data …</code>.</p>"
        }
        let metricKeys = Set(evaluations.flatMap(\.metrics.keys)).sorted()
        var html = "<div class=\"scroll\"><table class=\"data\"><thead><tr><th>Run</th><th>Version</th>"
        html += "<th>When</th><th>Data</th><th>Gates</th>"
        for key in metricKeys { html += "<th>\(HTML.escape(key))</th>" }
        html += "</tr></thead><tbody>\n"
        for run in evaluations {
            html += "<tr class=\"evaluation\"><td><a href=\"/runs/\(HTML.escape(run.id))\">"
            html += "\(HTML.escape(Formatting.short(run.id)))</a></td>"
            html += "<td>\(HTML.escape(run.tags["model_version"] ?? "—"))</td>"
            html += "<td class=\"time\">\(Formatting.time(run.started))</td>"
            html += "<td>\(HTML.escape(run.inputs.map(\.path).joined(separator: ", ")))</td>"
            let gates = run.tags["gates"] ?? "—"
            html += "<td><span class=\"gates gates-\(HTML.escape(gates))\">\(HTML.escape(gates))</span></td>"
            for key in metricKeys { html += "<td class=\"number\">\(Formatting.number(run.metrics[key]))</td>" }
            html += "</tr>\n"
        }
        return html + "</tbody></table></div>"
    }
}

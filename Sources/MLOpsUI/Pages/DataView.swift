import MLOpsCore

/// The tracked data: each target with its size and object id, what differs in the workspace (as `mlops
/// status` says), and, when asked for, what the default remote lacks (as `mlops status --remote`).
struct DataView {
    var entries: [TrackedEntry]
    var status: WorkspaceStatus
    /// The default remote's comparison; nil until asked for (it may reach the network).
    var remote: RemoteStatusReport?
    /// Why the remote could not be compared.
    var remoteProblem: String?

    func render() -> String {
        var html = "<h1>Data</h1>\n"
        var changes: [String: [FileChange]] = [:]
        for change in status.changes { changes[change.target, default: []].append(change) }
        let missing = Set(status.missing)
        let notInCache = Set(status.notInCache)
        if entries.isEmpty {
            html += "<p class=\"note\">Nothing is tracked yet: <code>mlops add data/…</code>.</p>\n"
        } else {
            html += "<table id=\"tracked\" class=\"data\"><thead><tr><th>Path</th><th>Kind</th><th>Size</th>"
            html += "<th>Files</th><th>Object</th><th>Workspace</th><th>Cache</th></tr></thead><tbody>\n"
            for entry in entries {
                let state: String
                if missing.contains(entry.path) {
                    state = "missing"
                } else if let list = changes[entry.path], !list.isEmpty {
                    let counts = Dictionary(grouping: list, by: \.kind).mapValues(\.count)
                    state = counts.sorted { $0.key.rawValue < $1.key.rawValue }
                        .map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
                } else {
                    state = "clean"
                }
                let oid = entry.oid.description
                html += "<tr class=\"target\" data-path=\"\(HTML.escape(entry.path))\"><td>\(HTML.escape(entry.path))"
                html += entry.desc.map { "<br><small>\(HTML.escape($0))</small>" } ?? ""
                html += "</td><td>\(entry.kind.rawValue)</td><td class=\"number\">\(Formatting.bytes(entry.size))</td>"
                html += "<td class=\"number\">\(entry.files.map(String.init) ?? "")</td>"
                html += "<td><code title=\"\(HTML.escape(oid))\">\(HTML.escape(Formatting.short(oid)))</code></td>"
                html +=
                    "<td class=\"workspace state-\(state == "clean" ? "clean" : "changed")\">\(HTML.escape(state))</td>"
                html += "<td>\(notInCache.contains(entry.path) ? "not cached" : "cached")</td></tr>\n"
            }
            html += "</tbody></table>\n"
        }
        if !status.changes.isEmpty {
            var table =
                "<table id=\"changes\" class=\"data\"><thead><tr><th>File</th><th>Change</th></tr></thead><tbody>"
            for change in status.changes.prefix(500) {
                table += "<tr><td>\(HTML.escape(change.path))</td><td>\(change.kind.rawValue)</td></tr>"
            }
            table += "</tbody></table>"
            if status.changes.count > 500 { table += "<p class=\"note\">and \(status.changes.count - 500) more.</p>" }
            html += PageLayout.section(id: "status", title: "Changed files", body: table)
        }
        html += PageLayout.section(id: "remote", title: "Default remote", body: remoteSection())
        return html
    }

    private func remoteSection() -> String {
        if let remoteProblem { return "<p class=\"error\">\(HTML.escape(remoteProblem))</p>" }
        guard let remote else {
            return "<form method=\"get\" action=\"/data\"><input type=\"hidden\" name=\"remote\" value=\"1\">"
                + "<button type=\"submit\">Compare with the default remote</button></form>"
        }
        var html = "<p>\(HTML.escape(remote.remote)): \(remote.inSync ? "in sync" : "differs")</p>"
        html += "<table class=\"data\"><thead><tr><th>Path</th><th>Not pushed</th><th>Not fetched</th><th>Lost</th>"
        html += "</tr></thead><tbody>"
        for target in remote.targets {
            html += "<tr><td>\(HTML.escape(target.path))</td><td class=\"number\">\(target.notPushed)</td>"
            html += "<td class=\"number\">\(target.notFetched)</td><td class=\"number\">\(target.lost)</td></tr>"
        }
        html += "</tbody></table>"
        if let records = remote.records {
            html += "<p>Runs not pushed: \(records.runsNotPushed) · registry events not pushed: "
            html += "\(records.eventsNotPushed) · entries to fetch: \(records.entriesNotFetched)</p>"
        }
        return html
    }
}

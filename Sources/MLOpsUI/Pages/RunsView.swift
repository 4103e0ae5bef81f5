import MLOpsCore

/// The runs page: the filter form, the table of runs (trials under their tune run) with the chosen parameter and
/// metric columns, sortable by any column, paged on the server; checked runs go to the compare page.
struct RunsView {
    var page: RunsPage
    var query: RunsQuery
    var queryString: QueryString
    var snapshot: RunCatalog.Snapshot

    func render() -> String {
        var html = "<h1>Runs</h1>\n"
        html += filterForm()
        if let error = page.filterError {
            html += "<p id=\"where-error\" class=\"error\" role=\"alert\">\(HTML.escape(error))</p>\n"
        }
        let rows =
            page.rows.isEmpty
            ? "\(page.groups) rows"
            : "rows \(query.offset + 1)–\(min(query.offset + query.limit, page.groups)) of \(page.groups)"
        html += """
            <form id="compare-form" method="get" action="/compare">
            <p class="summary"><span id="run-count">\(page.matched) run\(page.matched == 1 ? "" : "s")</span>\
            <span>\(rows)</span>
            <button id="compare" type="submit">Compare selected</button></p>
            <div class="scroll"><table id="runs" class="data"><thead><tr><th class="select"></th>
            """
        let fixed: [(key: String, title: String)] = [
            ("name", "Name"), ("kind", "Kind"), ("status", "Status"), ("started", "Started"),
            ("duration", "Duration"), ("commit", "Commit"),
        ]
        for (key, title) in fixed { html += header(key: key, title: title) }
        for column in page.columns { html += header(key: column, title: Self.shortName(column)) }
        html += "</tr></thead>\n<tbody>\n"
        for row in page.rows { html += self.row(row) }
        if page.rows.isEmpty {
            let span = fixed.count + page.columns.count + 1
            html += "<tr class=\"empty\"><td colspan=\"\(span)\">No runs match.</td></tr>\n"
        }
        html += "</tbody></table></div></form>\n"
        html += pager()
        return html
    }

    private func filterForm() -> String {
        var html = """
            <form id="filter" method="get" action="/" class="filter">
            <label>Where <input name="where" size="48" value="\(HTML.escape(query.expression))"
            placeholder="metrics.rmse < 3 and params.max_leaves = 31" spellcheck="false"></label>
            <label>Kind <select name="kind"><option value="">any</option>
            """
        for kind in RunKind.allCases {
            let selected = query.kind == kind ? " selected" : ""
            html += "<option\(selected)>\(kind.rawValue)</option>"
        }
        html += "</select></label>\n<label>Status <select name=\"status\"><option value=\"\">any</option>"
        for status in RunStatus.allCases {
            let selected = query.status == status ? " selected" : ""
            html += "<option\(selected)>\(status.rawValue)</option>"
        }
        html += "</select></label>\n"
        if query.limit != RunsQuery().limit {
            html += "<input type=\"hidden\" name=\"limit\" value=\"\(query.limit)\">"
        }
        if query.sortKey != "started" || !query.descending {
            html += "<input type=\"hidden\" name=\"sort\" value=\"\(HTML.escape(query.sortKey))\">"
            html += "<input type=\"hidden\" name=\"order\" value=\"\(query.descending ? "desc" : "asc")\">"
        }
        html += "<button type=\"submit\">Apply</button>\n"
        html += "<details id=\"columns\"><summary>Columns</summary><div class=\"choices\">"
        let shown = Set(page.columns)
        let offered = snapshot.paramKeys.map { "params." + $0 } + snapshot.metricKeys.map { "metrics." + $0 }
        // Columns chosen in the address that no run offers (tags) stay chosen when the form is sent.
        for key in offered + page.columns.filter({ !offered.contains($0) }) {
            let checked = shown.contains(key) ? " checked" : ""
            html += "<label><input type=\"checkbox\" name=\"column\" value=\"\(HTML.escape(key))\"\(checked)>"
            html += "\(HTML.escape(key))</label>"
        }
        html += "</div></details></form>\n"
        return html
    }

    private func header(key: String, title: String) -> String {
        let isCurrent = query.sortKey == key
        // A second click reverses; a first click sorts names A→Z and everything else largest or newest first.
        let ascending = isCurrent ? query.descending : key == "name"
        let link = queryString.encoded(
            removing: ["sort", "order", "offset", "columns", "column"],
            adding: [("sort", key), ("order", ascending ? "asc" : "desc")] + page.columns.map { ("column", $0) })
        let mark = isCurrent ? (query.descending ? " ▼" : " ▲") : ""
        let sorted = isCurrent ? " aria-sort=\"\(query.descending ? "descending" : "ascending")\"" : ""
        let group = key.split(separator: ".", maxSplits: 1).first.map { " class=\"\($0)\"" } ?? ""
        return "<th data-key=\"\(HTML.escape(key))\"\(key.contains(".") ? group : "")\(sorted)><a href=\"/?"
            + "\(HTML.escape(link))\" title=\"sort by \(HTML.escape(key))\">\(HTML.escape(title))\(mark)</a></th>"
    }

    private func row(_ row: RunsPage.Row) -> String {
        let run = row.run
        var classes = "run kind-\(run.kind.rawValue)"
        if row.isChild { classes += " child" }
        var html = "<tr class=\"\(classes)\" data-id=\"\(HTML.escape(run.id))\""
        if let parent = run.parent { html += " data-parent=\"\(HTML.escape(parent))\"" }
        html += "><td class=\"select\"><input type=\"checkbox\" name=\"run\" value=\"\(HTML.escape(run.id))\""
        html += " aria-label=\"select \(HTML.escape(run.name))\"></td>"
        html += "<td class=\"name\"><a href=\"/runs/\(HTML.escape(run.id))\">\(HTML.escape(run.name))</a></td>"
        html += "<td>\(run.kind.rawValue)</td><td>\(Self.status(run.status))</td>"
        html += "<td class=\"time\">\(Formatting.time(run.started))</td>"
        html += "<td class=\"number\">\(Formatting.duration(run.durationSeconds))</td>"
        html += "<td>\(Self.commit(run.git))</td>"
        for column in page.columns { html += cell(column, run) }
        return html + "</tr>\n"
    }

    private func cell(_ column: String, _ run: Run) -> String {
        if column.hasPrefix("metrics.") {
            return "<td class=\"number\">\(Formatting.number(run.metrics[String(column.dropFirst(8))]))</td>"
        }
        let text =
            column.hasPrefix("params.")
            ? run.params[String(column.dropFirst(7))] : run.tags[String(column.dropFirst(5))]
        return "<td>\(HTML.escape(text ?? "—"))</td>"
    }

    private func pager() -> String {
        var links: [String] = []
        if query.offset > 0 {
            let link = queryString.encoded(
                removing: ["offset"], adding: [("offset", String(max(0, query.offset - query.limit)))])
            links.append("<a rel=\"prev\" href=\"/?\(HTML.escape(link))\">← Previous</a>")
        }
        if query.offset + query.limit < page.groups {
            let link = queryString.encoded(
                removing: ["offset"], adding: [("offset", String(query.offset + query.limit))])
            links.append("<a rel=\"next\" href=\"/?\(HTML.escape(link))\">Next →</a>")
        }
        return links.isEmpty ? "" : "<nav class=\"pager\">\(links.joined(separator: " "))</nav>\n"
    }

    /// A column's field without its `metrics.`/`params.`/`tags.` prefix: the header's class says which it is.
    static func shortName(_ field: String) -> String {
        field.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) ?? field
    }

    /// A run's status as a badge.
    static func status(_ status: RunStatus) -> String {
        "<span class=\"status status-\(status.rawValue)\">\(status.rawValue)</span>"
    }

    /// A commit, shortened, marked when the work tree was dirty.
    static func commit(_ git: GitState) -> String {
        guard let commit = git.commit else { return "—" }
        let dirty = git.dirty ? " <span class=\"dirty\" title=\"uncommitted changes\">dirty</span>" : ""
        return "<code title=\"\(HTML.escape(commit))\">\(HTML.escape(Formatting.short(commit)))</code>\(dirty)"
    }
}

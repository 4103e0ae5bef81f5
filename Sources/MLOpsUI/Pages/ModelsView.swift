import MLOpsCore

/// Every registered model with its version count, newest version and aliases.
struct ModelsView {
    var models: [RegisteredModel]

    func render() -> String {
        var html = "<h1>Models</h1>\n"
        guard !models.isEmpty else {
            return html + "<p class=\"note\">No model is registered yet: "
                + "<code>mlops model register run:&lt;id&gt; --name &lt;name&gt;</code>.</p>\n"
        }
        html += "<table id=\"models\" class=\"data\"><thead><tr><th>Model</th><th>Versions</th><th>Latest</th>"
        html += "<th>Aliases</th></tr></thead><tbody>\n"
        for model in models {
            html += "<tr class=\"model\" data-name=\"\(HTML.escape(model.name))\">"
            html += "<td><a href=\"/models/\(HTML.urlComponent(model.name))\">\(HTML.escape(model.name))</a></td>"
            html += "<td class=\"number\">\(model.versions)</td><td class=\"number\">\(model.latest)</td><td>"
            html += model.aliases.sorted { $0.key < $1.key }.map { Self.alias($0.key, version: $0.value) }
                .joined(separator: " ")
            html += "</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    /// An alias and the version it points at, as a badge.
    static func alias(_ alias: String, version: Int? = nil) -> String {
        "<span class=\"alias\">\(HTML.escape(alias))\(version.map { " → \($0)" } ?? "")</span>"
    }
}

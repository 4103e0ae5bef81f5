/// The frame every page shares: the head (our stylesheet and script, nothing from elsewhere), the navigation
/// and the `main` element the script swaps when the repository changes.
struct PageLayout {
    /// The navigation's sections, in order.
    enum Section: String, CaseIterable {
        case runs, models, pipeline, data, serving

        var path: String { self == .runs ? "/" : "/" + rawValue }
        var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    var title: String
    var section: Section
    /// The page's content, already escaped.
    var content: String
    /// ``Repository/recordsChangeMarker()`` when the page was read: the script reloads `main` once it changes.
    var marker: String
    /// The repository's root, shown in the header.
    var repository: String
    /// Whether this browser may promote and roll back (the UI has a token and the browser presented it).
    var writable: Bool
    /// The address that shows this content, when the page answers a form post: the script puts it in the
    /// address bar and refreshes from it, so neither a reload nor live refresh posts the form again.
    var canonicalPath: String? = nil

    func render() -> String {
        let page = canonicalPath.map { " data-page=\"\(HTML.escape($0))\"" } ?? ""
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · mlops</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/assets/style.css">
            <script src="/assets/app.js" defer></script>
            </head>
            <body data-marker="\(HTML.escape(marker))"\(page)><header><a class="brand" href="/">mlops</a><nav>
            """
        for item in Section.allCases {
            let current = item == section ? " aria-current=\"page\"" : ""
            html += "<a href=\"\(item.path)\"\(current)>\(item.title)</a>"
        }
        html += "</nav><span class=\"repository\" title=\"the repository\">\(HTML.escape(repository))</span>"
        html += writable ? "<span class=\"mode writable\">can promote</span>" : "<span class=\"mode\">read-only</span>"
        html += "</header>\n<main id=\"main\">\n"
        html += content
        html += "\n</main></body></html>\n"
        return html
    }

    /// A titled section of a page; `body` is already escaped.
    static func section(id: String, title: String, body: String) -> String {
        "<section id=\"\(id)\"><h2>\(HTML.escape(title))</h2>\(body)</section>\n"
    }

    /// Names and values as a two-column table (values already escaped), sorted by name; "None." when empty.
    static func pairs(_ values: [String: String]) -> String {
        guard !values.isEmpty else { return "<p class=\"note\">None.</p>" }
        var html = "<table class=\"data pairs\"><tbody>"
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            html += "<tr><th scope=\"row\">\(HTML.escape(key))</th><td>\(value)</td></tr>"
        }
        return html + "</tbody></table>"
    }
}

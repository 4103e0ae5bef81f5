import Foundation
import MLOpsLearn
import MLOpsMonitor
import MLOpsTestSupport
import Testing

@Suite struct DriftReportPageTests {
    /// A column name that, unescaped, would run a script that renames the page and adds an element to it.
    static let injectedScript =
        "<script>document.title='pwned';document.body.insertAdjacentHTML('beforeend','<p id=\"injected\">x</p>')"
        + "</script>"
    /// A category that, unescaped inside an attribute, would close it and add an event handler.
    static let injectedAttribute = "x\" onmouseover=\"document.title='pwned'"
    /// A description that, unescaped, would add an image whose failed load runs a script.
    static let injectedImage = "R&D <img src=x onerror=\"document.title='pwned'\">"

    // MARK: - The string

    @Test func escapesEveryStringFromTheData() {
        let html = DriftReportPage.render(Self.report(), history: Self.history(), generated: Self.generated)
        #expect(!html.contains(Self.injectedScript))
        #expect(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;"))
        #expect(html.range(of: "<script", options: .caseInsensitive) == nil)
        #expect(!html.contains(Self.injectedAttribute))
        #expect(html.contains("x&quot; onmouseover=&quot;document.title=&#39;pwned&#39;"))
        #expect(!html.contains("<img"))
        #expect(html.contains("R&amp;D &lt;img src=x onerror=&quot;"))
        // Every hook carries the name escaped, so a test (or a reader's tool) can find the column.
        let escapedName = "data-column=\"&lt;script&gt;document.title=&#39;pwned&#39;;"
        #expect(Self.count(escapedName, in: html) == 2, "the table row and the chart")
    }

    @Test func loadsNothingFromOutsideTheFile() {
        let html = DriftReportPage.render(Self.report(), history: Self.history(), generated: Self.generated)
        #expect(Self.externalReferences(in: html) == [])
        #expect(html.contains("Content-Security-Policy"))
    }

    @Test func printsNumbersCompactlyAndNonFiniteScoresAsSymbols() {
        let html = DriftReportPage.render(Self.report(), history: [], generated: Self.generated)
        #expect(html.contains(">3.2e-05</td>"), "a small p-value in scientific notation")
        #expect(html.contains(">0.1235</td>"), "a distance to four significant digits")
        #expect(html.contains(">∞</td>"), "an infinite distance")
        #expect(html.contains(">—</td>"), "a NaN or missing score")
        #expect(html.contains("· 1,000 rows"))
        #expect(html.contains("Generated 2026-12-05 13:00 UTC"))
    }

    @Test func healthyReportSaysNoDrift() {
        let features = [
            Self.numeric("weight", test: .ks, threshold: 0.05, score: 0.4, drifted: false, bins: 10, shift: 0),
            Self.numeric("year", test: .psi, threshold: 0.2, score: 0.3, drifted: true, bins: 10, shift: 1),
        ]
        let report = DriftReport(
            model: "mpg@3", reference: "reference.csv", current: "current.csv", referenceRows: 398, currentRows: 398,
            features: features, prediction: nil, target: nil, shareThreshold: 0.6)
        let html = DriftReportPage.render(report, history: [], generated: Self.generated)
        #expect(html.contains("id=\"verdict\" class=\"verdict healthy\" data-drifted=\"false\">No drift<"))
        #expect(html.contains("below the threshold of 60%"))
        #expect(!html.contains("id=\"outputs\""), "no prediction or target, no section for them")
    }

    @Test func emptyReportHasAVerdictAndNoSections() {
        let report = DriftReport(
            model: nil, reference: "reference.csv", current: "current.csv", referenceRows: 0, currentRows: 0,
            features: [], prediction: nil, target: nil, shareThreshold: 0.5)
        let html = DriftReportPage.render(report, history: [], generated: Self.generated)
        #expect(html.contains("id=\"verdict\" class=\"verdict empty\" data-drifted=\"false\""))
        #expect(!html.contains("class=\"feature-row\""))
        #expect(!html.contains("<svg"))
        #expect(!html.contains("id=\"history\""))
        #expect(html.contains("No features were compared."))
    }

    @Test func columnWithoutPlotSaysSoAndIsNotDrawn() {
        let html = DriftReportPage.render(Self.report(), history: [], generated: Self.generated)
        #expect(html.contains("No distribution to plot: column missing from the current data"))
        #expect(!html.contains("<svg class=\"distribution\" data-column=\"model_year\""))
        // A broken plot (series of different lengths, no edges) draws nothing rather than something wrong.
        #expect(!html.contains("<svg class=\"distribution\" data-column=\"broken\""))
    }

    @Test func hundredFeaturesStayUnderTwoMegabytes() throws {
        let features = (0..<100).map { (index: Int) -> ColumnDrift in
            Self.numeric(
                "feature_\(index)_of_a_wide_table", test: .ks, threshold: 0.05, score: Double(index) / 1000,
                drifted: index % 3 == 0, bins: 20, shift: Double(index % 5))
        }
        let report = DriftReport(
            model: "wide@1", reference: "profile of run 01a2b3", current: "next-month.csv", referenceRows: 100_000,
            currentRows: 100_000, features: features, prediction: Self.report().prediction, target: nil,
            shareThreshold: 0.5)
        let html = DriftReportPage.render(report, history: Self.history(), generated: Self.generated)
        let size = Data(html.utf8).count
        #expect(size < 2_000_000, "the 100-feature report takes \(size) bytes")
        #expect(Self.count("<svg class=\"distribution\"", in: html) == 101)
    }

    // MARK: - The page in a browser

    @Test func rendersInAHeadlessBrowser() throws {
        let report = Self.report()
        let history = Self.history()
        let directory = try TemporaryDirectory()
        let path = directory.url("drift.html")
        try Fixtures.write(DriftReportPage.render(report, history: history, generated: Self.generated), to: path)

        let dom = try HeadlessBrowser.dumpDOM(ofFile: path)
        let elements = Self.tags(in: dom)

        let verdict = try #require(elements.first { $0.attributes["id"] == "verdict" }, "\(dom.prefix(500))")
        #expect(verdict.attributes["data-drifted"] == "true")
        #expect(report.drifted)
        let rows = elements.filter { $0.name == "tr" && $0.attributes["class"] == "feature-row" }
        #expect(rows.count == report.features.count)
        let charts = elements.filter { $0.name == "svg" && $0.attributes["class"] == "distribution" }
        // Every feature but model_year (no plot) and broken (nothing drawable), and the prediction.
        #expect(charts.count == report.features.count - 2 + 1)
        #expect(!charts.contains { $0.attributes["data-column"] == "model_year" })
        let metrics = Set(history.flatMap { $0.metrics.keys })
        #expect(elements.filter { $0.name == "svg" && $0.attributes["class"] == "history" }.count == 1 + metrics.count)

        // The injected markup stayed text: no script ran (the title is ours, the element it would add is absent)
        // and no element came from the data.
        let title = try #require(Self.documentTitle(dom))
        #expect(title == "Drift report · mpg@3 · Drift detected")
        #expect(!elements.contains { $0.attributes["id"] == "injected" })
        #expect(!elements.contains { $0.name == "script" || $0.name == "img" })
        #expect(elements.flatMap { $0.attributes.keys }.filter { $0.hasPrefix("on") } == [], "no event handler")
        #expect(Self.externalReferences(in: dom) == [])
    }

    // MARK: - Fixtures

    static let generated = Date(timeIntervalSince1970: 1_796_475_600)  // 2026-12-05 13:00 UTC

    /// A report with numeric and categorical features, a feature whose name is a script, one not computed, one
    /// with non-finite scores, one with a broken plot, and a drifted prediction.
    static func report() -> DriftReport {
        let origin = ColumnDrift(
            column: "origin", role: .feature, kind: .categorical, test: .chisquare, threshold: 0.05, score: 0.512,
            drifted: false, statistics: ["chisquare_statistic": 1.34, "chisquare_p_value": 0.512],
            referenceCount: 398, currentCount: 1000, unseenCategories: ["mars", injectedAttribute],
            plot: DistributionPlot(
                edges: [],
                categories: ["usa", "japan", "europe", injectedAttribute + String(repeating: "long", count: 30)],
                reference: [0.62, 0.2, 0.15, 0.03], current: [0.5, 0.28, 0.12, 0.1]))
        let missing = ColumnDrift(
            column: "model_year", role: .feature, kind: .numeric, test: .ks, threshold: 0.05,
            reason: "column missing from the current data", referenceCount: 398)
        let broken = ColumnDrift(
            column: "broken", role: .feature, kind: .numeric, test: .psi, threshold: 0.2, score: 0.01, drifted: false,
            plot: DistributionPlot(edges: [], categories: [], reference: [0.5, 0.5], current: [1]))
        let features = [
            numeric("horsepower", test: .ks, threshold: 0.05, score: 3.2e-05, drifted: true, bins: 20, shift: 3),
            numeric("weight", test: .wasserstein, threshold: 0.1, score: 0.123456, drifted: true, bins: 20, shift: 1),
            numeric(injectedScript, test: .psi, threshold: 0.2, score: .infinity, drifted: true, bins: 10, shift: 2),
            origin,
            missing,
            numeric("cylinders", test: .ks, threshold: 0.05, score: .nan, drifted: false, bins: 5, shift: 0),
            broken,
        ]
        let prediction = ColumnDrift(
            column: "prediction", role: .prediction, kind: .numeric, test: .wasserstein, threshold: 0.1, score: 0.183,
            drifted: true, referenceCount: 80, currentCount: 1000, plot: bell(bins: 20, shift: 2))
        return DriftReport(
            model: "mpg@3", reference: injectedImage, current: "next-month.csv", referenceRows: 398, currentRows: 1000,
            features: features, prediction: prediction, target: nil, shareThreshold: 0.3)
    }

    /// Five weekly checks, oldest first; the third compared no features.
    static func history() -> [MonitorHistoryPoint] {
        let shares: [Double?] = [0, 0.1, nil, 0.25, 0.5]
        let rmse = [2.9, 3.0, 3.3, 3.1, 3.8]
        return (0..<5).map { week in
            MonitorHistoryPoint(
                time: generated.addingTimeInterval(Double(week - 5) * 7 * 86_400), driftShare: shares[week],
                metrics: ["rmse": rmse[week], "mae": rmse[week] * 0.75])
        }
    }

    static func numeric(
        _ name: String, test: DriftTest, threshold: Double, score: Double, drifted: Bool, bins: Int, shift: Double
    ) -> ColumnDrift {
        ColumnDrift(
            column: name, role: .feature, kind: .numeric, test: test, threshold: threshold, score: score,
            drifted: drifted, statistics: [test.rawValue: score], referenceCount: 398, currentCount: 1000,
            referenceMissing: 6, currentMissing: 12, plot: bell(bins: bins, shift: shift))
    }

    /// A bell-shaped histogram over `bins` bins, the current one moved right by `shift` bins.
    static func bell(bins: Int, shift: Double) -> DistributionPlot {
        func shares(center: Double) -> [Double] {
            let weights = (0..<bins).map { exp(-pow((Double($0) - center) / 4, 2)) }
            let total = weights.reduce(0, +)
            return weights.map { $0 / total }
        }
        let center = Double(bins) / 2
        return DistributionPlot(
            edges: (0...bins).map { 1600 + 2.5 * Double($0) }, categories: [], reference: shares(center: center),
            current: shares(center: center + shift))
    }

    // MARK: - Reading HTML

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The document's title: the first `<title>` (the charts' tooltips are `<title>`s inside SVG, after it).
    static func documentTitle(_ html: String) -> String? {
        guard let start = html.range(of: "<title>"), let end = html[start.upperBound...].range(of: "</title>")
        else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
    }

    /// An element's opening tag: its name and attributes (values as written, entities not decoded).
    struct Tag {
        var name: String
        var attributes: [String: String]
    }

    /// The opening tags of `html`, read the way a browser tokenizes them (enough of it for the report's markup):
    /// text is skipped, so escaped data such as `&lt;img src=x&gt;` yields no tag.
    static func tags(in html: String) -> [Tag] {
        var tags: [Tag] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: open)...]
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == ":" }
            // Closing tags, comments and the doctype start with another character.
            guard name.first?.isLetter == true else { continue }
            rest = rest[name.endIndex...]
            var attributes: [String: String] = [:]
            while true {
                rest = rest.drop { $0.isWhitespace || $0 == "/" }
                guard let first = rest.first, first != ">" else { break }
                let attribute = rest.prefix { !$0.isWhitespace && $0 != "=" && $0 != ">" && $0 != "/" }
                guard !attribute.isEmpty else {
                    rest = rest.dropFirst()
                    continue
                }
                rest = rest[attribute.endIndex...]
                var value = ""
                if rest.first == "=" {
                    rest = rest.dropFirst()
                    if let quote = rest.first, quote == "\"" || quote == "'" {
                        let body = rest.dropFirst()
                        let end = body.firstIndex(of: quote) ?? body.endIndex
                        value = String(body[..<end])
                        rest = end == body.endIndex ? body[end...] : body[body.index(after: end)...]
                    } else {
                        let unquoted = rest.prefix { !$0.isWhitespace && $0 != ">" }
                        value = String(unquoted)
                        rest = rest[unquoted.endIndex...]
                    }
                }
                // As in a browser, the first of two attributes of the same name wins.
                if attributes[attribute.lowercased()] == nil { attributes[attribute.lowercased()] = value }
            }
            tags.append(Tag(name: name.lowercased(), attributes: attributes))
        }
        return tags
    }

    /// Every reference in `html` to something outside the page: an element that loads a resource, a `src`,
    /// `href`, `action`… attribute that is not a fragment or a `data:` URL, and any CSS `url(` or `@import`.
    static func externalReferences(in html: String) -> [String] {
        let loaders: Set = [
            "script", "link", "img", "iframe", "frame", "object", "embed", "video", "audio", "source", "track",
            "image", "use", "base", "form",
        ]
        let linking: Set = [
            "src", "href", "xlink:href", "action", "formaction", "poster", "srcset", "background", "data",
        ]
        var found: [String] = []
        for tag in tags(in: html) {
            if loaders.contains(tag.name) { found.append("<\(tag.name)>") }
            for (name, value) in tag.attributes where linking.contains(name) {
                let target = value.trimmingCharacters(in: .whitespaces).lowercased()
                if !target.hasPrefix("#") && !target.hasPrefix("data:") { found.append("\(name)=\(value.prefix(80))") }
            }
        }
        for marker in ["url(", "@import"] where html.range(of: marker, options: .caseInsensitive) != nil {
            found.append(marker)
        }
        return found
    }
}

import MLOpsLearn

/// A validation report for people: the verdict, then one aligned row per violation with its example lines.
///
/// Column names, labels and values come from the data being checked, which may be anyone's: control characters
/// in them are shown escaped, so they can neither drive the terminal nor break the table.
enum ValidationText {
    static func render(_ report: ValidationReport, style: TextStyle) -> String {
        let rows = report.rows == 1 ? "1 row" : "\(report.rows) rows"
        let columns = report.columns == 1 ? "1 column" : "\(report.columns) columns"
        var text =
            "\(VisibleText.escaped(report.source)): \(rows) checked against \(VisibleText.escaped(report.contract)), \(columns)\n"
        guard !report.valid else { return text + style.green("Valid: ") + "every check passed\n" }
        var table = TextTable(header: ["COLUMN", "CHECK", "PROBLEM"])
        for violation in report.violations {
            let examples = violation.examples.map { example in
                "line \(example.line)"
                    + (example.value.map { ": \(VisibleText.escaped(String($0.prefix(30))))" } ?? ": (missing)")
            }
            table.append([
                VisibleText.escaped(violation.column ?? "-"), violation.check.rawValue,
                VisibleText.escaped(violation.message)
                    + (examples.isEmpty ? "" : " [" + examples.joined(separator: "; ") + "]"),
            ])
        }
        text += table.rendered(style: style)
        let count = report.violations.count
        return text + style.red("Invalid: ") + "\(count) \(count == 1 ? "violation" : "violations")\n"
    }
}

import MLOpsLearn

/// A validation report for people: the verdict, then one aligned row per violation with its example lines.
enum ValidationText {
    static func render(_ report: ValidationReport, style: TextStyle) -> String {
        var text = "\(report.source): \(report.rows) rows checked against \(report.contract)"
        text += " (\(report.columns) columns)\n"
        guard !report.valid else { return text + style.green("Valid: ") + "every check passed\n" }
        var table = TextTable(header: ["COLUMN", "CHECK", "PROBLEM"])
        for violation in report.violations {
            let examples = violation.examples.map { example in
                "line \(example.line)" + (example.value.map { ": \($0.prefix(30))" } ?? ": (missing)")
            }
            table.append([
                violation.column ?? "-", violation.check.rawValue,
                violation.message + (examples.isEmpty ? "" : " [" + examples.joined(separator: "; ") + "]"),
            ])
        }
        text += table.rendered(style: style)
        let count = report.violations.count
        return text + style.red("Invalid: ") + "\(count) \(count == 1 ? "violation" : "violations")\n"
    }
}

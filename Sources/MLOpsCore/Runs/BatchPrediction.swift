import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// What `mlops predict` wrote.
public struct PredictionSummary: Codable, Sendable {
    /// The model as referenced, and the run that produced it (when known).
    public var model: String
    public var runId: String?
    public var rows: Int
    /// The file written, or nil when the predictions went to standard output.
    public var output: String?
    /// The columns written, in order.
    public var columns: [String]
}

extension Repository {
    /// Scores a data file with a model and writes the predictions as CSV, one row per input row in input
    /// order: `predicted_<target>` (the value, or the most probable class) and, for classifiers,
    /// `probability_<class>` for each class.
    ///
    /// - Parameters:
    ///   - reference: `name@version`, `name@alias`, `name@latest`, or `run:<id>` (a unique prefix is enough).
    ///   - output: Where to write; nil returns the CSV text in `csv` instead.
    public func predict(
        model reference: String, data: String, output: String?, workingDirectory: String
    ) throws -> (summary: PredictionSummary, csv: String?) {
        let resolved = try resolveModel(reference)
        let model = try CompiledModel(resolved.model)
        let table = try TableFile.read(path: WorkspacePath.absolute(data, relativeTo: workingDirectory))
        let predictions = try model.predict(table)
        let signature = model.signature
        var columns = ["predicted_\(signature.target)"]
        if let classes = signature.classes { columns += classes.map { "probability_\($0)" } }
        var text = columns.map(CSVText.field).joined(separator: ",") + "\n"
        let labels = predictions.labels
        for row in 0..<predictions.rowCount {
            var fields = [CSVText.field(labels[row])]
            if signature.classes != nil { fields += predictions.row(row).map { "\($0)" } }
            text += fields.joined(separator: ",") + "\n"
        }
        var written: String?
        if let output {
            let path = WorkspacePath.absolute(output, relativeTo: workingDirectory)
            try AtomicFile.write(text, to: path)
            written = path
        }
        let summary = PredictionSummary(
            model: reference, runId: resolved.runId, rows: predictions.rowCount, output: written, columns: columns)
        return (summary, output == nil ? text : nil)
    }
}

/// CSV field quoting (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled.
enum CSVText {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

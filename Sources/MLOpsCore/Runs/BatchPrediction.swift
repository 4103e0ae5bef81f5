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
    /// Scores a data file with a model and writes the predictions as CSV (``BatchPrediction/predict(_:label:runId:data:output:workingDirectory:checkOutput:)``).
    ///
    /// - Parameters:
    ///   - reference: `name@version`, `name@alias`, `name@latest`, or `run:<id>` (a unique prefix is enough).
    ///   - output: Where to write; nil returns the CSV text in `csv` instead.
    public func predict(
        model reference: String, data: String, output: String?, workingDirectory: String
    ) throws -> (summary: PredictionSummary, csv: String?) {
        let resolved = try resolveModel(reference)
        return try BatchPrediction.predict(
            resolved.model, label: reference, runId: resolved.runId, data: data, output: output,
            workingDirectory: workingDirectory
        ) { path, inputs in try SafeOutput.require(path, given: output ?? path, inputs: inputs) }
    }
}

extension VerifiedBundle {
    /// Scores a data file with the model of the bundle file `bundle`, verified first, as
    /// ``Repository/predict(model:data:output:workingDirectory:)`` does with a registered one. Needs no
    /// repository; the output may not be the bundle, the data, or inside any `.git` or `.mlops`.
    public static func predict(
        bundle: String, data: String, output: String?, workingDirectory: String
    ) throws -> (summary: PredictionSummary, csv: String?) {
        let bundlePath = WorkspacePath.absolute(bundle, relativeTo: workingDirectory)
        let verified = try read(bundlePath, given: bundle, consequence: "nothing was predicted")
        return try BatchPrediction.predict(
            verified.model, label: verified.displayName, runId: verified.manifest.lineage.runId, data: data,
            output: output,
            workingDirectory: workingDirectory
        ) { path, inputs in
            try SafeOutput.require(path, given: output ?? path, inputs: inputs + [bundlePath])
        }
    }
}

/// Batch scoring of a data file.
enum BatchPrediction {
    /// Scores a data file with `model` and writes the predictions as CSV, streaming (a CSV input is read and
    /// scored in chunks on all cores, so memory does not grow with the file), one row per input row in input
    /// order: `predicted_<target>` (the value, or the most probable class) and, for classifiers,
    /// `probability_<class>` for each class. `checkOutput` refuses an output path (absolute) before anything is
    /// written, given the input paths.
    static func predict(
        _ model: Model, label reference: String, runId: String?, data: String, output: String?,
        workingDirectory: String, checkOutput: (String, [String]) throws -> Void
    ) throws -> (summary: PredictionSummary, csv: String?) {
        let model = try CompiledModel(model)
        let signature = model.signature
        var columns = ["predicted_\(signature.target)"]
        if let classes = signature.classes { columns += classes.map { "probability_\($0)" } }
        let header = columns.map(CSVText.field).joined(separator: ",") + "\n"
        func lines(_ predictions: Predictions) -> String {
            var text = ""
            let labels = predictions.labels
            for row in 0..<predictions.rowCount {
                var fields = [CSVText.field(labels[row])]
                if signature.classes != nil { fields += predictions.row(row).map { "\($0)" } }
                text += fields.joined(separator: ",") + "\n"
            }
            return text
        }
        let dataPath = WorkspacePath.absolute(data, relativeTo: workingDirectory)
        var rows = 0
        var text = header
        guard let output else {
            try score(model, dataPath) { predictions in
                rows += predictions.rowCount
                text += lines(predictions)
            }
            return (
                PredictionSummary(model: reference, runId: runId, rows: rows, output: nil, columns: columns),
                text
            )
        }
        // Written chunk by chunk to a temporary sibling, then renamed: memory stays bounded and a crash leaves
        // the old file or none, never half of it.
        let path = WorkspacePath.absolute(output, relativeTo: workingDirectory)
        try checkOutput(path, [dataPath])
        let writer = try AtomicFile.Writer(path: path)
        try writer.append(header)
        try score(model, dataPath) { predictions in
            rows += predictions.rowCount
            try writer.append(lines(predictions))
        }
        try writer.commit()
        return (
            PredictionSummary(model: reference, runId: runId, rows: rows, output: path, columns: columns), nil
        )
    }

    /// Predicts a data file chunk by chunk (CSV streams; JSON Lines is read whole).
    private static func score(_ model: CompiledModel, _ path: String, _ consume: (Predictions) throws -> Void) throws {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") {
            try consume(try model.predict(TableFile.read(path: path, categorical: model.signature.datetimeNames)))
            return
        }
        var failure: (any Error)?
        try model.predictCSV(path: path) { (predictions: Predictions) throws(MLOpsError) in
            guard failure == nil else { return }
            do { try consume(predictions) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

/// CSV field quoting (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled.
enum CSVText {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

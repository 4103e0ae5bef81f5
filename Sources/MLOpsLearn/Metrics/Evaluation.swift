import MLOpsErrors

/// Scores a model on labelled data: the metrics of its task, and for boosted trees the learning curve.
public enum Evaluation {
    /// The metrics of `model` on `table`, which must hold the model's features and target: RMSE, MAE, R², MAPE
    /// for regression; accuracy, precision/recall/F1, log loss, ROC AUC for classification.
    ///
    /// - Throws: `notFound` for a missing column; `invalidInput` for a target with missing values, text in a
    ///   regression target, or classes the model does not know.
    public static func metrics(of model: CompiledModel, on table: Table) throws(MLOpsError) -> [String: Double] {
        try requireRows(table)
        return metrics(of: try model.predict(table), truth: try truth(for: model.signature, in: table))
    }

    /// Whether smaller values of the named metric are better (errors and losses) or larger (R², accuracy, F1…).
    public static func lowerIsBetter(_ metric: String) -> Bool {
        ["rmse", "mae", "mape", "log_loss"].contains(metric)
    }

    /// The name of the metric a learning curve tracks: `rmse` for regression, `log_loss` for classification.
    public static func curveMetric(for task: Task) -> String { task == .regression ? "rmse" : "log_loss" }

    /// What a trained model does on held-out rows, from one pass over its trees: its metrics (as
    /// ``metrics(of:on:)``), its predictions, and for boosted trees the learning curve, the curve metric (RMSE,
    /// or log loss for classification; ``curveMetric(for:)``) after each boosting round.
    public struct Holdout: Sendable {
        public var metrics: [String: Double]
        public var predictions: Predictions
        /// Empty for models without boosting rounds.
        public var curve: [Double]
    }

    /// Measures `model` on `table` (``Holdout``).
    ///
    /// - Throws: as ``metrics(of:on:)``.
    public static func holdout(of model: CompiledModel, on table: Table) throws(MLOpsError) -> Holdout {
        try requireRows(table)
        let target = try truth(for: model.signature, in: table)
        let rows = try model.encode(table)
        let count = Double(table.rowCount)
        let rounds: (losses: [Double], predictions: Predictions)?
        switch target {
        case .numbers(let values):
            rounds = model.boostingRoundLosses(encodedRows: rows) { row, prediction in
                (values[row] - prediction[0]) * (values[row] - prediction[0])
            }
        case .classes(let codes, _):
            rounds = model.boostingRoundLosses(encodedRows: rows) { row, probabilities in
                ClassificationMetrics.logLoss(probabilities: probabilities, truth: codes[row])
            }
        }
        let predictions: Predictions
        if let rounds { predictions = rounds.predictions } else { predictions = try model.predict(encodedRows: rows) }
        let curve: [Double]
        switch target {
        case .numbers: curve = (rounds?.losses ?? []).map { ($0 / count).squareRoot() }
        case .classes: curve = (rounds?.losses ?? []).map { $0 / count }
        }
        return Holdout(metrics: metrics(of: predictions, truth: target), predictions: predictions, curve: curve)
    }

    /// The metrics of `predictions` against `target`.
    private static func metrics(of predictions: Predictions, truth target: TargetValues) -> [String: Double] {
        switch target {
        case .numbers(let values):
            return RegressionMetrics(truth: values, predictions: predictions.values).named
        case .classes(let codes, let count):
            return ClassificationMetrics(truth: codes, probabilities: predictions.values, classCount: count).named
        }
    }

    /// Checks, without a model, what measuring a model of `signature` on `table` needs: rows, the target
    /// (without missing values, classes the signature knows), every feature (numbers where the model reads
    /// numbers) and datetime values in their format.
    ///
    /// - Throws: as ``metrics(of:on:)`` would.
    public static func validate(_ table: Table, for signature: Signature) throws(MLOpsError) {
        try requireRows(table)
        _ = try truth(for: signature, in: table)
        let expanded = try signature.calendarExpanded(table)
        for feature in signature.features {
            let column: Column
            do {
                column = try expanded.column(named: feature.name)
            } catch {
                throw signature.missingColumn(feature.name)
            }
            if feature.kind == .numeric, let example = column.levels?.first {
                throw MLOpsError(
                    .invalidInput,
                    "feature '\(feature.name)' must be numeric, but the data has text such as '\(example.prefix(40))'")
            }
        }
    }

    /// Metrics of no rows do not exist (every mean would divide by zero).
    private static func requireRows(_ table: Table) throws(MLOpsError) {
        guard table.rowCount > 0 else {
            throw MLOpsError(
                .invalidInput, "the data has no rows to evaluate on",
                hint: "check the file: it holds a header and nothing else")
        }
    }

    /// The target column of `table` as the model's signature reads it: numbers, or class indices.
    static func truth(for signature: Signature, in table: Table) throws(MLOpsError) -> TargetValues {
        let column = try table.column(named: signature.target)
        guard column.missingCount == 0 else {
            throw MLOpsError(
                .invalidInput, "the target '\(signature.target)' has \(column.missingCount) missing values",
                hint: "drop those rows before evaluating")
        }
        guard let classes = signature.classes else {
            guard let values = column.numericValues else {
                throw MLOpsError(
                    .invalidInput, "the target '\(signature.target)' holds text, but the model predicts numbers")
            }
            return .numbers(values)
        }
        var index: [String: Int] = [:]
        for (position, name) in classes.enumerated() { index[name] = position }
        var codes: [Int] = []
        codes.reserveCapacity(column.count)
        for row in 0..<column.count {
            let label = column.text(at: row) ?? ""
            guard let code = index[label] else {
                throw MLOpsError(
                    .invalidInput,
                    "the data has class '\(label)' in '\(signature.target)', which the model does not know",
                    hint: "the model's classes are: \(classes.joined(separator: ", "))")
            }
            codes.append(code)
        }
        return .classes(codes, count: classes.count)
    }
}

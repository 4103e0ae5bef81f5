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
        let predictions = try model.predict(table)
        switch try truth(for: model.signature, in: table) {
        case .numbers(let values):
            return RegressionMetrics(truth: values, predictions: predictions.values).named
        case .classes(let codes, let count):
            return ClassificationMetrics(truth: codes, probabilities: predictions.values, classCount: count).named
        }
    }

    /// Whether smaller values of the named metric are better (errors and losses) or larger (R², accuracy, F1…).
    public static func lowerIsBetter(_ metric: String) -> Bool {
        ["rmse", "mae", "mape", "log_loss"].contains(metric)
    }

    /// The name of the metric a learning curve tracks: `rmse` for regression, `log_loss` for classification.
    public static func curveMetric(for task: Task) -> String { task == .regression ? "rmse" : "log_loss" }

    /// For a boosted ensemble, ``curveMetric(for:)`` on `table` after each boosting round (empty for other
    /// models) — the per-iteration series a run records.
    public static func learningCurve(of model: CompiledModel, on table: Table) throws(MLOpsError) -> [Double] {
        try requireRows(table)
        let target = try truth(for: model.signature, in: table)
        let rows = try model.encode(table)
        var curve: [Double] = []
        model.forEachBoostingRound(encodedRows: rows) { predictions in
            switch target {
            case .numbers(let values):
                curve.append(RegressionMetrics(truth: values, predictions: predictions).rmse)
            case .classes(let codes, let count):
                curve.append(ClassificationMetrics(truth: codes, probabilities: predictions, classCount: count).logLoss)
            }
        }
        return curve
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

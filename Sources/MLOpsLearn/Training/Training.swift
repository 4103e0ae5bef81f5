import MLOpsErrors
import MLOpsParallel

/// What to train: the data, the column to predict, the features to use and the learner with its parameters.
public struct TrainingRequest: Sendable {
    /// The training rows.
    public var table: Table
    /// The column to predict.
    public var target: String
    /// The feature columns; `nil` for every column but the target.
    public var features: [String]?
    /// The learner.
    public var learner: Learner
    /// Hyperparameters by name, as text (`"max_leaves": "63"`); absent ones take their defaults.
    public var parameters: [String: String]
    /// Rows for early stopping (boosting); when absent and early stopping is on, a seeded
    /// `validation_fraction` of the training rows is held out instead.
    public var validation: Table?
    /// Columns to read as dates and times even when they are not ISO 8601 (with `datetimeFormat`); text
    /// columns whose every value is an ISO 8601 date or timestamp are read so without being named.
    public var datetimeColumns: [String] = []
    /// The strptime-style pattern (``DatetimeFormat``) of `datetimeColumns`; nil for ISO 8601.
    public var datetimeFormat: String?
    /// The calendar features each datetime column expands into.
    public var calendar: [CalendarPart] = CalendarPart.defaults
    /// Columns read as categories, whatever they hold: never taken for datetimes.
    public var categoricalColumns: Set<String> = []
    /// Threads to train on; results do not depend on it.
    public var threads: Int
    /// Called as boosting rounds or forest trees complete (`completed`, `total`), from any thread.
    public var progress: (@Sendable (_ completed: Int, _ total: Int) -> Void)?

    public init(
        table: Table, target: String, features: [String]? = nil, learner: Learner,
        parameters: [String: String] = [:], validation: Table? = nil, threads: Int? = nil
    ) {
        self.table = table
        self.target = target
        self.features = features
        self.learner = learner
        self.parameters = parameters
        self.validation = validation
        self.threads = threads ?? ParallelRows.threadCount
    }
}

/// Trains models. Every check of the request happens before training starts, so bad input fails fast with an
/// error naming the column or parameter at fault.
public enum Training {
    /// Checks a request as ``train(_:)`` would, without training, and returns the signature its model would
    /// have: for callers that must fail before recording anything.
    @discardableResult
    public static func validate(_ request: TrainingRequest) throws(MLOpsError) -> Signature {
        let parameters = try Parameters(
            request.parameters, specs: request.learner.parameterSpecs, learner: request.learner.rawValue)
        return try Problem(request: request, parameters: parameters).signature
    }

    /// Trains a model. The same request always gives the same model, byte for byte.
    ///
    /// - Throws: `usage` for an unknown parameter or a value out of range; `notFound` for a missing target or
    ///   feature column; `invalidInput` for an empty table, a target with missing values, a text target for
    ///   regression, or a classification target with a single class.
    public static func train(_ request: TrainingRequest) throws(MLOpsError) -> Model {
        let parameters = try Parameters(
            request.parameters, specs: request.learner.parameterSpecs, learner: request.learner.rawValue)
        let problem = try Problem(request: request, parameters: parameters)
        let model: Model
        switch request.learner {
        case .onnx: throw Problem.untrainable
        case .linear:
            let design = DesignMatrix(features: problem.features)
            guard case .numbers(let values) = problem.target else { throw problem.needsNumbers }
            let linear = LinearRegression.fit(design: design, target: values, l2: parameters.real("l2"))
            model = problem.model(learner: .linear, parameters: parameters, link: .identity, linear: linear)
        case .logistic:
            guard case .classes(let classes, let count) = problem.target else { throw problem.needsClasses }
            let linear = LogisticRegression.fit(
                design: DesignMatrix(features: problem.features), target: classes, classCount: count,
                l2: parameters.real("l2"), maxIterations: parameters.integer("max_iterations"),
                tolerance: parameters.real("tolerance"))
            model = problem.model(
                learner: .logistic, parameters: parameters, link: count == 2 ? .sigmoid : .softmax, linear: linear)
        case .gbdt:
            var features = problem.features
            var target = problem.target
            var validation = try problem.validation(request.validation)
            if validation == nil, parameters.integer("early_stopping_rounds") > 0 {
                let split = try DataSplit.split(
                    rowCount: target.count, testFraction: parameters.real("validation_fraction"),
                    seed: UInt64(parameters.integer("seed")))
                validation = GradientBoosting.Validation(
                    columns: features.map { $0.rows(split.test) }, target: target.rows(split.test))
                features = features.map { $0.rows(split.train) }
                target = target.rows(split.train)
            }
            let ensemble = GradientBoosting.fit(
                columns: features, target: target, parameters: parameters, validation: validation,
                threads: request.threads, progress: request.progress)
            let link: Model.Link = target.outputs > 1 ? .softmax : (problem.task == .regression ? .identity : .sigmoid)
            model = problem.model(learner: .gbdt, parameters: parameters, link: link, trees: ensemble)
        case .forest:
            let ensemble = RandomForest.fit(
                columns: problem.features, target: problem.target, parameters: parameters, threads: request.threads,
                progress: request.progress)
            let link: Model.Link = problem.task == .regression ? .identity : .probability
            model = problem.model(learner: .forest, parameters: parameters, link: link, trees: ensemble)
        }
        return model
    }
}

/// A validated training problem: feature columns in signature order, the target as numbers or class indices.
private struct Problem {
    let signature: Signature
    let features: [Column]
    let target: TargetValues
    var task: Task { signature.task }

    /// The error for training with the `onnx` learner, which only names models trained elsewhere.
    static let untrainable = MLOpsError(
        .usage, "mlops does not train ONNX models; 'onnx' is the learner of models registered from ONNX files",
        hint: "train with linear, logistic, gbdt or forest, or register your own ONNX model with mlops model register")

    init(request: TrainingRequest, parameters: Parameters) throws(MLOpsError) {
        let table = request.table
        guard table.rowCount > 0 else {
            throw MLOpsError(.invalidInput, "the training data has no rows", hint: "check the file and its header")
        }
        let targetColumn = try table.column(named: request.target)
        let featureNames = request.features ?? table.columnNames.filter { $0 != request.target }
        guard !featureNames.isEmpty else {
            throw MLOpsError(.invalidInput, "there are no feature columns besides the target '\(request.target)'")
        }
        guard !featureNames.contains(request.target) else {
            throw MLOpsError(
                .invalidInput, "the target '\(request.target)' is also listed as a feature",
                hint: "remove it from the features")
        }
        guard !request.calendar.isEmpty, Set(request.calendar).count == request.calendar.count else {
            throw MLOpsError(
                .usage, "a datetime column needs at least one calendar part, each listed once",
                hint: "for example hour, day_of_week, weekend")
        }
        if let format = request.datetimeFormat {
            guard !request.datetimeColumns.isEmpty else {
                throw MLOpsError(.usage, "a datetime format needs the datetime columns it reads")
            }
            _ = try DatetimeFormat(format)
        }
        for name in request.datetimeColumns {
            _ = try table.column(named: name)
            guard name != request.target else {
                throw MLOpsError(
                    .usage, "the datetime column '\(name)' is the target",
                    hint: "a model predicts numbers or classes; leave it out of the datetime columns")
            }
        }
        var features: [Column] = []
        var datetimes: [DatetimeColumn] = []
        for name in featureNames {
            let column = try table.column(named: name)
            let datetime: DatetimeColumn
            if request.datetimeColumns.contains(name) {
                datetime = DatetimeColumn(name: name, format: request.datetimeFormat, parts: request.calendar)
            } else if !request.categoricalColumns.contains(name), Self.isISODatetime(column) {
                datetime = DatetimeColumn(name: name, parts: request.calendar)
            } else {
                features.append(column)
                continue
            }
            for calendar in datetime.calendarColumns(wallClocks: try datetime.wallClocks(of: column)) {
                guard !featureNames.contains(calendar.name), calendar.name != request.target else {
                    throw MLOpsError(
                        .invalidInput,
                        "the calendar feature '\(calendar.name)' of the datetime column '\(name)' has the name of another column (a feature or the target)",
                        hint: "rename the column '\(calendar.name)'")
                }
                features.append(calendar)
            }
            datetimes.append(datetime)
        }

        let missing = targetColumn.missingCount
        if missing > 0 {
            let first = (targetColumn.missing.firstIndex(of: true) ?? 0) + 1
            throw MLOpsError(
                .invalidInput,
                "the target '\(request.target)' has \(missing) missing value\(missing == 1 ? "" : "s") (first in data row \(first))",
                hint: "drop those rows or fill them in before training")
        }
        let task: Task
        switch request.learner {
        case .onnx: throw Problem.untrainable
        case .linear: task = .regression
        case .logistic: task = .classification
        case .gbdt, .forest:
            switch parameters.text("task") {
            case "regression": task = .regression
            case "classification": task = .classification
            default: task = targetColumn.kind == .categorical ? .classification : .regression
            }
        }

        var classes: [String]?
        switch (task, targetColumn.storage) {
        case (.regression, .numeric(let values)):
            // Means, gradients and squared errors of the target must stay finite numbers.
            guard values.reduce(0, { $0 + $1 * $1 }).isFinite else {
                throw MLOpsError(
                    .invalidInput,
                    "the target '\(request.target)' holds values too large to learn from (up to \(values.map(abs).max() ?? 0))",
                    hint: "scale the target (for example to thousands or millions) before training")
            }
            target = .numbers(values)
        case (.regression, .categorical(_, let levels)):
            throw MLOpsError(
                .invalidInput,
                "the target '\(request.target)' holds text such as '\(levels.first ?? "")', but regression needs numbers",
                hint: "train a classifier: --model logistic, or task=classification with gbdt or forest")
        case (.classification, _):
            let labels = (0..<targetColumn.count).map { targetColumn.text(at: $0) ?? "" }
            var names = Array(Set(labels))
            if targetColumn.kind == .numeric {
                names.sort { (Double($0) ?? 0) < (Double($1) ?? 0) }
            } else {
                names.sort()
            }
            guard names.count >= 2 else {
                throw MLOpsError(
                    .invalidInput, "the target '\(request.target)' has only one class ('\(names.first ?? "")')",
                    hint: "a classifier needs rows of at least two classes")
            }
            var index: [String: Int] = [:]
            for (position, name) in names.enumerated() { index[name] = position }
            target = .classes(labels.map { index[$0] ?? 0 }, count: names.count)
            classes = names
        }
        self.features = features
        signature = Signature(
            features: features.map { Signature.Feature(name: $0.name, kind: $0.kind, levels: $0.levels) },
            target: request.target, task: task, classes: classes, datetimes: datetimes.isEmpty ? nil : datetimes)
    }

    /// Whether `column` holds text whose every value is an ISO 8601 date or timestamp (the first is tried
    /// first, so other text columns cost one parse).
    private static func isISODatetime(_ column: Column) -> Bool {
        guard let levels = column.levels, let first = levels.first, Timestamp.wallClock(first) != nil else {
            return false
        }
        return levels.allSatisfy { Timestamp.wallClock($0) != nil }
    }

    var needsNumbers: MLOpsError {
        MLOpsError(.invalidInput, "regression needs a numeric target")
    }

    var needsClasses: MLOpsError {
        MLOpsError(.invalidInput, "classification needs a target with classes")
    }

    /// Validation data coded like the training data.
    func validation(_ table: Table?) throws(MLOpsError) -> GradientBoosting.Validation? {
        guard let table = try table.map({ table throws(MLOpsError) in try signature.calendarExpanded(table) }) else {
            return nil
        }
        var columns: [Column] = []
        for feature in signature.features {
            let column = try table.column(named: feature.name)
            columns.append(feature.levels.map { column.recoded(to: $0) } ?? column)
        }
        return GradientBoosting.Validation(columns: columns, target: try Evaluation.truth(for: signature, in: table))
    }

    func model(
        learner: Learner, parameters: Parameters, link: Model.Link, linear: LinearModel? = nil,
        trees: TreeEnsemble? = nil
    ) -> Model {
        Model(
            formatVersion: Model.currentFormatVersion, learner: learner, parameters: parameters,
            signature: signature, link: link, linear: linear, trees: trees)
    }
}

extension TargetValues {
    /// The target at `indices`.
    func rows(_ indices: [Int]) -> TargetValues {
        switch self {
        case .numbers(let values): return .numbers(indices.map { values[$0] })
        case .classes(let values, let count): return .classes(indices.map { values[$0] }, count: count)
        }
    }
}

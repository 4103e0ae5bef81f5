import MLOpsErrors

/// What a model learns to do.
public enum Task: String, Codable, Sendable, CaseIterable {
    /// Predict a number.
    case regression
    /// Predict one of a fixed set of classes, with probabilities.
    case classification
}

/// A model's interface: the features it reads (names, kinds, category levels), the target it predicts and,
/// for classification, the class labels in the order of its probability outputs.
public struct Signature: Codable, Hashable, Sendable {
    /// One input of a model.
    public struct Feature: Codable, Hashable, Sendable {
        /// The column name.
        public var name: String
        /// Numeric or categorical.
        public var kind: ColumnKind
        /// For categorical features, the levels seen in training, in code order; other labels are "unknown".
        public var levels: [String]?

        public init(name: String, kind: ColumnKind, levels: [String]? = nil) {
            self.name = name
            self.kind = kind
            self.levels = levels
        }
    }

    /// The inputs, in the order the model's parameters refer to them by index.
    public var features: [Feature]
    /// The name of the predicted column.
    public var target: String
    /// Regression or classification.
    public var task: Task
    /// For classification, the class labels; probability outputs follow this order.
    public var classes: [String]?
    /// The datetime columns the model reads and expands into calendar features (numeric features named
    /// `<column>.<part>`, listed in `features`); nil when it reads none.
    public var datetimes: [DatetimeColumn]?

    public init(
        features: [Feature], target: String, task: Task, classes: [String]? = nil, datetimes: [DatetimeColumn]? = nil
    ) {
        self.features = features
        self.target = target
        self.task = task
        self.classes = classes
        self.datetimes = datetimes
    }
}

extension Signature {
    /// The error for data without the column `name`, which a model of this signature reads.
    public func missingColumn(_ name: String) -> MLOpsError {
        MLOpsError(
            .notFound, "the data has no column '\(name)', which the model reads",
            hint: "the model reads: \(inputNames.joined(separator: ", "))")
    }

    /// The most features a model may read: far more than any tabular model has, few enough that an encoded
    /// chunk of rows stays bounded.
    public static let maximumFeatures = 100_000
    /// The most category levels all features may list together.
    public static let maximumLevels = 10_000_000

    /// Checks what every consumer of a signature relies on, so a damaged or hand-written `model.json` is refused
    /// when it is loaded instead of crashing `predict` or a server later: unique, non-empty feature names; levels
    /// exactly on categorical features, unique within each; classes exactly on classifiers (at least two,
    /// unique); bounded sizes. Returns the problem in words, or nil when there is none.
    public func problem() -> String? {
        guard !features.isEmpty else { return "it has no features" }
        guard features.count <= Self.maximumFeatures else {
            return "it has \(features.count) features; at most \(Self.maximumFeatures) are supported"
        }
        var names = Set<String>()
        var levelCount = 0
        for feature in features {
            guard !feature.name.isEmpty else { return "a feature has an empty name" }
            guard names.insert(feature.name).inserted else { return "feature '\(feature.name)' is listed twice" }
            switch (feature.kind, feature.levels) {
            case (.categorical, nil): return "categorical feature '\(feature.name)' lists no levels"
            case (.numeric, .some): return "numeric feature '\(feature.name)' lists levels"
            case (.categorical, .some(let levels)):
                guard Set(levels).count == levels.count else { return "feature '\(feature.name)' lists a level twice" }
                levelCount += levels.count
            case (.numeric, nil): break
            }
        }
        guard levelCount <= Self.maximumLevels else {
            return "its features list \(levelCount) levels; at most \(Self.maximumLevels) are supported"
        }
        if let problem = datetimeProblem(featureNames: names) { return problem }
        switch (task, classes) {
        case (.regression, .some): return "a regression model lists classes"
        case (.classification, nil): return "a classifier needs at least two classes"
        case (.classification, .some(let classes)):
            guard classes.count >= 2 else { return "a classifier needs at least two classes" }
            guard Set(classes).count == classes.count else { return "a class is listed twice" }
        case (.regression, nil): break
        }
        return nil
    }

    /// What is wrong with `datetimes`: each names a column that is not a feature itself, lists calendar parts
    /// once each, and each of its `<column>.<part>` features is a numeric feature; formats compile.
    private func datetimeProblem(featureNames: Set<String>) -> String? {
        guard let datetimes else { return nil }
        var columns = Set<String>()
        var calendarFeatures = Set<String>()
        let numericFeatures = Set(features.lazy.filter { $0.kind == .numeric }.map(\.name))
        for datetime in datetimes {
            guard !datetime.name.isEmpty else { return "a datetime column has an empty name" }
            guard columns.insert(datetime.name).inserted else {
                return "datetime column '\(datetime.name)' is listed twice"
            }
            guard !featureNames.contains(datetime.name), datetime.name != target else {
                return "'\(datetime.name)' is both a datetime column and a feature or the target"
            }
            guard !datetime.parts.isEmpty, Set(datetime.parts).count == datetime.parts.count else {
                return "datetime column '\(datetime.name)' needs its calendar parts, each once"
            }
            if let format = datetime.format, (try? DatetimeFormat(format)) == nil {
                return
                    "datetime column '\(datetime.name)' has the format '\(format.prefix(DatetimeFormat.maximumLength))', which is not one mlops reads"
            }
            for part in datetime.parts {
                let name = datetime.featureName(part)
                guard calendarFeatures.insert(name).inserted, numericFeatures.contains(name), name != target else {
                    return "the calendar feature '\(name)' is not a numeric feature of the model, or is listed twice"
                }
            }
        }
        return nil
    }
}

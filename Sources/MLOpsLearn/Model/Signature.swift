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

    public init(features: [Feature], target: String, task: Task, classes: [String]? = nil) {
        self.features = features
        self.target = target
        self.task = task
        self.classes = classes
    }
}

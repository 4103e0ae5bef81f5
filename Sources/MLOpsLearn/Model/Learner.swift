/// The built-in learners and the hyperparameters each accepts.
public enum Learner: String, Codable, Sendable, CaseIterable {
    /// Least squares with an optional ridge penalty; regression.
    case linear
    /// L2-regularized logistic regression, binary or multinomial; classification.
    case logistic
    /// Histogram gradient-boosted decision trees; regression or classification.
    case gbdt
    /// A random forest of histogram decision trees; regression or classification.
    case forest
    /// A model trained elsewhere and registered as ONNX (``ONNXModel``); mlops never trains one.
    case onnx

    /// The learners `train` and `tune` can use.
    public static let trainable: [Learner] = [.linear, .logistic, .gbdt, .forest]

    /// What each hyperparameter of this learner accepts, and its default.
    public var parameterSpecs: [ParameterSpec] {
        let seed = ParameterSpec(
            name: "seed", summary: "seed of every random choice in training", domain: .integer(0...Int(Int32.max)),
            defaultValue: .integer(0))
        let task = ParameterSpec(
            name: "task", summary: "regression, classification, or auto (classification for a text target)",
            domain: .choice(["auto", "regression", "classification"]), defaultValue: .text("auto"))
        let maxBins = ParameterSpec(
            name: "max_bins", summary: "histogram bins per numeric feature", domain: .integer(2...255),
            defaultValue: .integer(255))
        switch self {
        case .linear:
            return [
                ParameterSpec(
                    name: "l2", summary: "ridge penalty on the standardized coefficients (0 = least squares)",
                    domain: .real(0...1e12), defaultValue: .real(0))
            ]
        case .logistic:
            return [
                ParameterSpec(
                    name: "l2", summary: "L2 penalty on the coefficients (scikit-learn's 1/C)",
                    domain: .real(0...1e12), defaultValue: .real(1)),
                ParameterSpec(
                    name: "max_iterations", summary: "L-BFGS iteration limit", domain: .integer(1...100_000),
                    defaultValue: .integer(200)),
                ParameterSpec(
                    name: "tolerance", summary: "stop when the gradient's largest entry is below this",
                    domain: .real(0...1), defaultValue: .real(1e-5)),
            ]
        case .gbdt:
            return [
                task, seed, maxBins,
                ParameterSpec(
                    name: "rounds", summary: "boosting rounds (trees per output)", domain: .integer(1...100_000),
                    defaultValue: .integer(100)),
                ParameterSpec(
                    name: "learning_rate", summary: "shrinkage applied to each tree", domain: .real(1e-6...1),
                    defaultValue: .real(0.1)),
                ParameterSpec(
                    name: "max_leaves", summary: "leaves per tree (grown best-first)", domain: .integer(2...131_072),
                    defaultValue: .integer(31)),
                ParameterSpec(
                    name: "max_depth", summary: "depth limit of a tree (0 = none)", domain: .integer(0...64),
                    defaultValue: .integer(0)),
                ParameterSpec(
                    name: "min_samples_leaf", summary: "fewest training rows in a leaf",
                    domain: .integer(1...1_000_000), defaultValue: .integer(20)),
                ParameterSpec(
                    name: "l2", summary: "L2 penalty on leaf values", domain: .real(0...1e12), defaultValue: .real(0)),
                ParameterSpec(
                    name: "min_gain", summary: "smallest loss reduction worth a split", domain: .real(0...1e12),
                    defaultValue: .real(0)),
                ParameterSpec(
                    name: "subsample", summary: "fraction of rows drawn for each round", domain: .real(0.01...1),
                    defaultValue: .real(1)),
                ParameterSpec(
                    name: "colsample", summary: "fraction of features drawn for each tree", domain: .real(0.01...1),
                    defaultValue: .real(1)),
                ParameterSpec(
                    name: "early_stopping_rounds",
                    summary: "stop when the validation loss has not improved for this many rounds (0 = off)",
                    domain: .integer(0...100_000), defaultValue: .integer(0)),
                ParameterSpec(
                    name: "validation_fraction",
                    summary: "rows held out for early stopping when no validation data is given",
                    domain: .real(0.01...0.5), defaultValue: .real(0.1)),
            ]
        case .onnx:
            return []
        case .forest:
            return [
                task, seed, maxBins,
                ParameterSpec(
                    name: "trees", summary: "number of trees", domain: .integer(1...100_000),
                    defaultValue: .integer(100)),
                ParameterSpec(
                    name: "max_depth", summary: "depth limit of a tree (0 = none)", domain: .integer(0...64),
                    defaultValue: .integer(0)),
                ParameterSpec(
                    name: "min_samples_leaf", summary: "fewest training rows in a leaf",
                    domain: .integer(1...1_000_000), defaultValue: .integer(1)),
                ParameterSpec(
                    name: "max_features",
                    summary:
                        "fraction of features tried at each split (0 = sqrt(n) for classification, all for regression)",
                    domain: .real(0...1), defaultValue: .real(0)),
                ParameterSpec(
                    name: "bootstrap", summary: "1 to draw each tree's rows with replacement, 0 to use all rows",
                    domain: .integer(0...1), defaultValue: .integer(1)),
            ]
        }
    }
}

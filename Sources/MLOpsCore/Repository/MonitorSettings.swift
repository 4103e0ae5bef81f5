import Foundation

/// The `monitor:` section of `.mlops/config.yaml`: drift tests and thresholds, live-quality gates, the
/// retraining `mlops monitor check --retrain` runs and how `monitor compare` judges two versions (README,
/// "Monitoring"). Every part is optional; without it the defaults are Evidently's.
public struct MonitorSettings: Codable, Equatable, Sendable {
    /// One column's test and threshold.
    public struct DriftRule: Codable, Equatable, Sendable {
        /// `ks`, `wasserstein`, `psi`, `chisquare` or `jensenshannon`.
        public var test: String
        /// A p-value (`ks`, `chisquare`: drift below it) or a distance (the others: drift at or above it).
        public var threshold: Double?

        public init(test: String, threshold: Double? = nil) {
            self.test = test
            self.threshold = threshold
        }

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: ["test", "threshold"])
            let container = try decoder.container(keyedBy: CodingKeys.self)
            test = try container.decode(String.self, forKey: .test)
            threshold = try container.decodeIfPresent(Double.self, forKey: .threshold)
        }
    }

    /// How drift is decided.
    public struct Drift: Codable, Equatable, Sendable {
        /// The data set drifts when at least this share of its features drift (default 0.5).
        public var share: Double?
        /// The rule for every numeric / categorical feature without one of its own (default: Evidently's choice
        /// by the reference's size).
        public var numeric: DriftRule?
        public var categorical: DriftRule?
        /// Rules by column name (features, `prediction`, the target).
        public var columns: [String: DriftRule]?

        public init(
            share: Double? = nil, numeric: DriftRule? = nil, categorical: DriftRule? = nil,
            columns: [String: DriftRule]? = nil
        ) {
            self.share = share
            self.numeric = numeric
            self.categorical = categorical
            self.columns = columns
        }

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: ["share", "numeric", "categorical", "columns"])
            let container = try decoder.container(keyedBy: CodingKeys.self)
            share = try container.decodeIfPresent(Double.self, forKey: .share)
            numeric = try container.decodeIfPresent(DriftRule.self, forKey: .numeric)
            categorical = try container.decodeIfPresent(DriftRule.self, forKey: .categorical)
            columns = try container.decodeIfPresent([String: DriftRule].self, forKey: .columns)
        }
    }

    /// The gates live quality must pass.
    public struct Quality: Codable, Equatable, Sendable {
        /// Absolute gates such as `rmse < 4`.
        public var gates: [String]?
        /// Relative gates such as `rmse=10%`, against the version's own evaluation metrics.
        public var maxRegression: [String]?
        /// Fewer labelled rows than this leave quality unjudged (default 30).
        public var minLabelled: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case gates
            case maxRegression = "max_regression"
            case minLabelled = "min_labelled"
        }

        public init(gates: [String]? = nil, maxRegression: [String]? = nil, minLabelled: Int? = nil) {
            self.gates = gates
            self.maxRegression = maxRegression
            self.minLabelled = minLabelled
        }

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            gates = try container.decodeIfPresent([String].self, forKey: .gates)
            maxRegression = try container.decodeIfPresent([String].self, forKey: .maxRegression)
            minLabelled = try container.decodeIfPresent(Int.self, forKey: .minLabelled)
        }
    }

    /// What `check --retrain` runs: a `train` configuration file, or a pipeline stage that trains.
    public struct Retrain: Codable, Equatable, Sendable {
        /// A training configuration (the YAML `mlops train --config` reads), relative to the repository root.
        public var train: String?
        /// A stage of `mlops.yaml` whose command runs `mlops train` (or `tune`); the newest such run it made is
        /// the candidate.
        public var stage: String?

        public init(train: String? = nil, stage: String? = nil) {
            self.train = train
            self.stage = stage
        }

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: ["train", "stage"])
            let container = try decoder.container(keyedBy: CodingKeys.self)
            train = try container.decodeIfPresent(String.self, forKey: .train)
            stage = try container.decodeIfPresent(String.self, forKey: .stage)
        }
    }

    /// How `monitor compare` (and `monitor check --challenger`) judge two served versions.
    public struct Compare: Codable, Equatable, Sendable {
        /// The metric compared: `mae` (default for regression), `mse`, `rmse`, `accuracy` (default for
        /// classification) or `f1`.
        public var metric: String?
        /// The significance level (default 0.05).
        public var alpha: Double?
        /// Fewer labelled rows than this on either side leave the comparison undecided (default 30).
        public var minLabelled: Int?
        /// For `--promote-if not-worse`: how much worse than the champion (in the metric's units) the challenger's
        /// confidence bound may be (default: no bound; only "not significantly worse" is required).
        public var margin: Double?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case metric, alpha, margin
            case minLabelled = "min_labelled"
        }

        public init(metric: String? = nil, alpha: Double? = nil, minLabelled: Int? = nil, margin: Double? = nil) {
            self.metric = metric
            self.alpha = alpha
            self.minLabelled = minLabelled
            self.margin = margin
        }

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            metric = try container.decodeIfPresent(String.self, forKey: .metric)
            alpha = try container.decodeIfPresent(Double.self, forKey: .alpha)
            minLabelled = try container.decodeIfPresent(Int.self, forKey: .minLabelled)
            margin = try container.decodeIfPresent(Double.self, forKey: .margin)
        }
    }

    public var drift: Drift?
    public var quality: Quality?
    public var retrain: Retrain?
    public var compare: Compare?

    public init(drift: Drift? = nil, quality: Quality? = nil, retrain: Retrain? = nil, compare: Compare? = nil) {
        self.drift = drift
        self.quality = quality
        self.retrain = retrain
        self.compare = compare
    }

    public init(from decoder: any Decoder) throws {
        try UnknownSetting.reject(in: decoder, known: ["drift", "quality", "retrain", "compare"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        drift = try container.decodeIfPresent(Drift.self, forKey: .drift)
        quality = try container.decodeIfPresent(Quality.self, forKey: .quality)
        retrain = try container.decodeIfPresent(Retrain.self, forKey: .retrain)
        compare = try container.decodeIfPresent(Compare.self, forKey: .compare)
    }
}

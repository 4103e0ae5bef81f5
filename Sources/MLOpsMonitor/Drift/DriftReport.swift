import Foundation
import MLOpsLearn

/// The statistical test or distance that decides whether one column drifted.
public enum DriftTest: String, Codable, Sendable, CaseIterable {
    /// Two-sample Kolmogorov–Smirnov (numeric): drift when the p-value is below the threshold.
    case ks
    /// Wasserstein distance divided by the reference's standard deviation (numeric): drift at or above the threshold.
    case wasserstein
    /// Population stability index over 10 reference-quantile bins (numeric) or the categories: drift at or above.
    case psi
    /// Pearson's chi-square against the reference's proportions (categorical): drift when the p-value is below.
    case chisquare
    /// Jensen–Shannon distance, base 2, of the category proportions (categorical): drift at or above.
    case jensenshannon

    /// Whether the test's score is a p-value (drift below the threshold) rather than a distance (drift at or above).
    public var scoreIsPValue: Bool { self == .ks || self == .chisquare }

    /// Whether the test applies to columns of `kind`.
    public func applies(to kind: ColumnKind) -> Bool {
        switch self {
        case .ks, .wasserstein: kind == .numeric
        case .chisquare, .jensenshannon: kind == .categorical
        case .psi: true
        }
    }
}

/// The distributions of one column on both sides, for plots: shares of the non-missing rows per bin or category.
public struct DistributionPlot: Codable, Sendable, Equatable {
    /// Numeric columns: `bins.count + 1` ascending edges; empty for categorical columns.
    public var edges: [Double]
    /// Categorical columns: the category of each bar (the most frequent ones, then `(other)`); empty for numeric.
    public var categories: [String]
    /// Share of the reference's non-missing values in each bar.
    public var reference: [Double]
    /// Share of the current data's non-missing values in each bar.
    public var current: [Double]

    public init(edges: [Double], categories: [String], reference: [Double], current: [Double]) {
        self.edges = edges
        self.categories = categories
        self.reference = reference
        self.current = current
    }
}

/// The drift verdict for one column (a feature, the prediction or the target).
public struct ColumnDrift: Codable, Sendable, Equatable {
    public var column: String
    public var role: ColumnRole
    public var kind: ColumnKind
    /// The test that decides `drifted`.
    public var test: DriftTest
    /// Drift when the score is below it (p-value tests) or at or above it (distances).
    public var threshold: Double
    /// The deciding test's score: a p-value or a distance; nil when it could not be computed (see `reason`).
    public var score: Double?
    /// Whether the column drifted; nil when the test could not be computed, which is never read as "healthy".
    public var drifted: Bool?
    /// Why the test was not computed (the column is missing from the current data, its type changed, no values).
    public var reason: String?
    /// Every statistic computed for the column, by name: `ks_statistic`, `ks_p_value`, `wasserstein`
    /// (normalized), `psi`, `chisquare_statistic`, `chisquare_p_value`, `jensenshannon`.
    public var statistics: [String: Double]
    public var referenceCount: Int
    public var currentCount: Int
    public var referenceMissing: Int
    public var currentMissing: Int
    /// Categories the current data holds and the reference never had (at most 20 listed).
    public var unseenCategories: [String]?
    public var plot: DistributionPlot?

    public init(
        column: String, role: ColumnRole, kind: ColumnKind, test: DriftTest, threshold: Double, score: Double? = nil,
        drifted: Bool? = nil, reason: String? = nil, statistics: [String: Double] = [:], referenceCount: Int = 0,
        currentCount: Int = 0, referenceMissing: Int = 0, currentMissing: Int = 0, unseenCategories: [String]? = nil,
        plot: DistributionPlot? = nil
    ) {
        self.column = column
        self.role = role
        self.kind = kind
        self.test = test
        self.threshold = threshold
        self.score = score
        self.drifted = drifted
        self.reason = reason
        self.statistics = statistics
        self.referenceCount = referenceCount
        self.currentCount = currentCount
        self.referenceMissing = referenceMissing
        self.currentMissing = currentMissing
        self.unseenCategories = unseenCategories
        self.plot = plot
    }
}

/// The outcome of comparing current data with a reference: per column, and for the data set as a whole.
public struct DriftReport: Codable, Sendable, Equatable {
    /// The model version the reference belongs to (`mpg@3`), when one was named.
    public var model: String?
    /// Where the reference came from: `profile of run 01a2…`, or a data file.
    public var reference: String
    /// Where the current data came from: a data file, or `serving_log since 2026-12-05T13:00:00Z`.
    public var current: String
    public var referenceRows: Int
    public var currentRows: Int
    /// The model's features, in signature order.
    public var features: [ColumnDrift]
    /// Drift of the model's predictions (reference: its predictions on the hold-out), reported separately.
    public var prediction: ColumnDrift?
    /// Drift of the target, when the current data has labels, reported separately.
    public var target: ColumnDrift?
    /// Features that drifted, and features whose test could be computed.
    public var driftedFeatures: Int
    public var computedFeatures: Int
    /// The data set drifts when at least this share of the features drift.
    public var shareThreshold: Double
    /// `driftedFeatures / features.count`.
    public var driftShare: Double
    /// Whether the data set drifted: at least `shareThreshold` of its features drifted, or a feature could not be
    /// compared at all (missing from the current data, its type changed, no values), which is never healthy.
    public var drifted: Bool

    public init(
        model: String?, reference: String, current: String, referenceRows: Int, currentRows: Int,
        features: [ColumnDrift], prediction: ColumnDrift?, target: ColumnDrift?, shareThreshold: Double
    ) {
        self.model = model
        self.reference = reference
        self.current = current
        self.referenceRows = referenceRows
        self.currentRows = currentRows
        self.features = features
        self.prediction = prediction
        self.target = target
        self.shareThreshold = shareThreshold
        computedFeatures = features.filter { $0.drifted != nil }.count
        driftedFeatures = features.filter { $0.drifted != false }.count
        driftShare = features.isEmpty ? 0 : Double(driftedFeatures) / Double(features.count)
        drifted = driftShare >= shareThreshold || computedFeatures < features.count
    }
}

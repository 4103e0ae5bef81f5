import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsLearn

/// Which test decides each column's drift, and at what threshold: `monitor.drift` of `.mlops/config.yaml`, else
/// Evidently's defaults (a reference of at most 1,000 rows: KS for numbers and chi-square for categories, drift
/// at p < 0.05; larger: normalized Wasserstein and Jensen–Shannon, drift at 0.1; a numeric column with at most 5
/// distinct values is tested as categories; the data set drifts when half its features do).
///
/// Our Jensen–Shannon distance is in base 2 (between 0 and 1); Evidently's is in base e, which is the base-2
/// distance times √ln 2. Its default threshold, 0.1 in base e, is therefore 0.1 / √ln 2 ≈ 0.1201 here, so both
/// reach the same verdicts.
public struct DriftRules: Sendable {
    /// A test with its threshold.
    public struct Rule: Sendable, Equatable {
        public var test: DriftTest
        public var threshold: Double
    }

    /// The share of drifted features at which the data set drifts.
    public var share: Double
    var numeric: Rule?
    var categorical: Rule?
    var columns: [String: Rule]

    /// The largest reference for which Evidently's defaults pick the p-value tests.
    static let smallReference = 1_000
    /// Numeric columns with at most this many distinct values (both sides together) are tested as categories.
    static let fewValues = 5
    /// Evidently's Jensen–Shannon threshold (0.1 in base e) in base 2.
    static let jensenShannonThreshold = 0.1 / log(2.0).squareRoot()

    /// Reads and checks `monitor.drift` (nil: the defaults), refusing unknown tests, thresholds out of range and
    /// a test that does not fit the kind it is set for.
    public init(_ settings: MonitorSettings.Drift?) throws(MLOpsError) {
        share = settings?.share ?? 0.5
        guard share > 0, share <= 1 else {
            throw MLOpsError(
                .invalidInput, "monitor.drift.share is \(share) in .mlops/config.yaml",
                hint: "give a share of the features between 0 (exclusive) and 1, such as 0.5")
        }
        numeric = try settings?.numeric.map { rule throws(MLOpsError) in
            try Self.rule(rule, setting: "numeric", kind: .numeric)
        }
        categorical = try settings?.categorical.map { rule throws(MLOpsError) in
            try Self.rule(rule, setting: "categorical", kind: .categorical)
        }
        columns = [:]
        for (name, rule) in settings?.columns ?? [:] {
            columns[name] = try Self.rule(rule, setting: "columns.\(name)", kind: nil)
        }
    }

    /// Whether column `name` has a rule of its own or of its kind (and so no default to choose).
    func isConfigured(_ name: String, kind: ColumnKind) -> Bool {
        columns[name] != nil || (kind == .numeric ? numeric : categorical) != nil
    }

    /// The rule for column `name` of `kind`, given how many rows the reference has.
    func rule(for name: String, kind: ColumnKind, referenceRows: Int) throws(MLOpsError) -> Rule {
        if let rule = columns[name] {
            guard rule.test.applies(to: kind) else {
                throw MLOpsError(
                    .invalidInput,
                    "monitor.drift.columns.\(name) sets the test \(rule.test.rawValue), which does not apply to "
                        + "the \(kind.rawValue) column '\(name)'",
                    hint: kind == .numeric ? "use ks, wasserstein or psi" : "use chisquare, jensenshannon or psi")
            }
            return rule
        }
        if let rule = kind == .numeric ? numeric : categorical { return rule }
        let small = referenceRows <= Self.smallReference
        switch kind {
        case .numeric: return Rule(test: small ? .ks : .wasserstein, threshold: small ? 0.05 : 0.1)
        case .categorical:
            return Rule(
                test: small ? .chisquare : .jensenshannon, threshold: small ? 0.05 : Self.jensenShannonThreshold)
        }
    }

    private static func rule(
        _ setting: MonitorSettings.DriftRule, setting path: String, kind: ColumnKind?
    ) throws(MLOpsError) -> Rule {
        guard let test = DriftTest(rawValue: setting.test) else {
            throw MLOpsError(
                .invalidInput, "monitor.drift.\(path) names the test '\(setting.test)' in .mlops/config.yaml",
                hint: "the tests are: " + DriftTest.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let kind, !test.applies(to: kind) {
            throw MLOpsError(
                .invalidInput,
                "monitor.drift.\(path): the test \(test.rawValue) does not apply to \(kind.rawValue) columns")
        }
        let threshold =
            setting.threshold
            ?? (test.scoreIsPValue ? 0.05 : test == .jensenshannon ? Self.jensenShannonThreshold : 0.1)
        guard threshold.isFinite, threshold > 0, !test.scoreIsPValue || threshold < 1 else {
            throw MLOpsError(
                .invalidInput, "monitor.drift.\(path) has the threshold \(threshold)",
                hint: test.scoreIsPValue
                    ? "a p-value threshold lies between 0 and 1, such as 0.05" : "give a positive distance")
        }
        return Rule(test: test, threshold: threshold)
    }
}

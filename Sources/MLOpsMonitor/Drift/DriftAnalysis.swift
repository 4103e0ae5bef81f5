import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsParallel

/// The columns of one side of a comparison, by role and name.
public struct DriftSide: Sendable {
    /// Where the data came from, for the report: `profile of run 01a2…`, a file, a serving-log window.
    public var description: String
    /// The rows the features were read from.
    public var rows: Int
    fileprivate var samples: [ColumnRole: [String: ColumnSample]] = [:]
    fileprivate var columns: [ColumnRole: [String: Column]] = [:]

    /// A stored profile: its sketches.
    public init(profile: DataProfile, description: String) {
        self.description = description
        rows = profile.rows
        for column in profile.columns {
            samples[column.role, default: [:]][column.name] = ColumnSample(profile: column)
        }
    }

    /// Data: exact. `roles` maps each column of `table` to compare to its role; `predictions`, when given, is the
    /// model's output on these rows.
    public init(table: Table, roles: [String: ColumnRole], predictions: Column? = nil, description: String) {
        self.description = description
        rows = table.rowCount
        for column in table.columns {
            if let role = roles[column.name] { columns[role, default: [:]][column.name] = column }
        }
        if let predictions { columns[.prediction] = ["prediction": predictions] }
    }

    func has(_ name: String, role: ColumnRole) -> Bool {
        samples[role]?[name] != nil || columns[role]?[name] != nil
    }

    /// The column's kind on this side, when it has it.
    func kind(of name: String, role: ColumnRole) -> ColumnKind? {
        samples[role]?[name]?.kind ?? columns[role]?[name]?.kind
    }

    func sample(_ name: String, role: ColumnRole, as kind: ColumnKind?) -> ColumnSample? {
        if let sample = samples[role]?[name] { return sample }
        return columns[role]?[name].map { ColumnSample(column: $0, as: kind) }
    }
}

/// Compares current data with a reference column by column (docs/monitoring: which test, which threshold) and
/// decides whether the data set drifted.
public enum DriftAnalysis {
    /// The report for `features` (in order), the prediction column and `target` when both sides have them.
    /// Columns are compared in parallel. A feature the current side lacks, or whose type changed, is reported
    /// "not computed" with the reason, and counts as drifted: a comparison that could not be made is never healthy.
    public static func compare(
        reference: DriftSide, current: DriftSide, features: [String], target: String?, model: String?,
        rules: DriftRules
    ) throws(MLOpsError) -> DriftReport {
        guard !features.isEmpty else {
            throw MLOpsError(
                .invalidInput, "there are no features to compare", hint: "the reference holds no column but the target")
        }
        var jobs: [(name: String, role: ColumnRole)] = features.map { ($0, .feature) }
        if reference.has("prediction", role: .prediction), current.has("prediction", role: .prediction) {
            jobs.append(("prediction", .prediction))
        }
        if let target, reference.has(target, role: .target), current.has(target, role: .target) {
            jobs.append((target, .target))
        }
        var planned: [(name: String, role: ColumnRole, rule: DriftRules.Rule?, kind: ColumnKind?)] = []
        for job in jobs {
            let kind = reference.kind(of: job.name, role: job.role)
            let rule = try kind.map { kind throws(MLOpsError) in
                try rules.rule(for: job.name, kind: kind, referenceRows: reference.rows)
            }
            planned.append((job.name, job.role, rule, kind))
        }
        let results: [ColumnDrift]
        let work = planned
        do {
            results = try ParallelWork.map(work.count) { index in
                let job = work[index]
                return column(
                    job.name, role: job.role, kind: job.kind, rule: job.rule,
                    configured: job.kind.map { rules.isConfigured(job.name, kind: $0) } ?? false, reference: reference,
                    current: current)
            }
        } catch {
            throw MLOpsError(.failure, "drift could not be computed", cause: error)
        }
        let featureResults = results.filter { $0.role == .feature }
        return DriftReport(
            model: model, reference: reference.description, current: current.description,
            referenceRows: reference.rows, currentRows: current.rows, features: featureResults,
            prediction: results.first { $0.role == .prediction }, target: results.first { $0.role == .target },
            shareThreshold: rules.share)
    }

    static func column(
        _ name: String, role: ColumnRole, kind: ColumnKind?, rule: DriftRules.Rule?, configured: Bool,
        reference: DriftSide, current: DriftSide
    ) -> ColumnDrift {
        guard let kind, let rule, let referenceSample = reference.sample(name, role: role, as: nil) else {
            let currentKind = current.kind(of: name, role: role) ?? .numeric
            return ColumnDrift(
                column: name, role: role, kind: currentKind, test: currentKind == .numeric ? .ks : .chisquare,
                threshold: 0, reason: "the reference has no column '\(name)'")
        }
        var drift = ColumnDrift(
            column: name, role: role, kind: kind, test: rule.test, threshold: rule.threshold,
            referenceCount: referenceSample.count, referenceMissing: referenceSample.missing)
        guard let currentSample = current.sample(name, role: role, as: kind) else {
            drift.reason = "the current data has no column '\(name)'"
            return drift
        }
        drift.currentCount = currentSample.count
        drift.currentMissing = currentSample.missing
        guard currentSample.kind == kind else {
            drift.reason = "'\(name)' holds numbers in the reference and text in the current data"
            return drift
        }
        guard referenceSample.count > 0, currentSample.count > 0 else {
            drift.reason = referenceSample.count == 0 ? "the reference has no values of '\(name)'" : "no current values"
            return drift
        }
        switch kind {
        case .numeric where !configured && Self.hasFewValues(referenceSample, currentSample):
            // Evidently's default for a numeric column of few values (a rating, a count): test the values as
            // categories, with the categorical test the reference's size picks.
            let small = reference.rows <= DriftRules.smallReference
            drift.test = small ? .chisquare : .jensenshannon
            drift.threshold = small ? 0.05 : DriftRules.jensenShannonThreshold
            compareCategories(referenceSample.asCategories(), currentSample.asCategories(), into: &drift)
        case .numeric: compareNumbers(referenceSample, currentSample, into: &drift)
        case .categorical: compareCategories(referenceSample, currentSample, into: &drift)
        }
        // JSON has no infinities: a chi-square statistic is infinite when a category is new (its p-value, 0, stays).
        drift.statistics = drift.statistics.filter { $0.value.isFinite }
        let score: Double? =
            switch drift.test {
            case .ks: drift.statistics["ks_p_value"]
            case .wasserstein: drift.statistics["wasserstein"]
            case .psi: drift.statistics["psi"]
            case .chisquare: drift.statistics["chisquare_p_value"]
            case .jensenshannon: drift.statistics["jensenshannon"]
            }
        guard let score else {
            drift.reason = "\(drift.test.rawValue) is undefined for these values"
            return drift
        }
        drift.score = score
        drift.drifted = drift.test.scoreIsPValue ? score < drift.threshold : score >= drift.threshold
        return drift
    }

    /// Whether both sides together hold at most ``DriftRules/fewValues`` distinct values (exact samples only: a
    /// compressed sketch has many).
    private static func hasFewValues(_ reference: ColumnSample, _ current: ColumnSample) -> Bool {
        guard reference.sample.values.count <= DriftRules.fewValues else { return false }
        return Set(reference.sample.values).union(current.sample.values.prefix(DriftRules.fewValues + 1)).count
            <= DriftRules.fewValues
    }

    private static func compareNumbers(
        _ reference: ColumnSample, _ current: ColumnSample, into drift: inout ColumnDrift
    ) {
        // The p-value of large samples in the drift zone costs a quarter of a second (SciPy's algorithm sums
        // about n terms), so it is computed only when it decides; the statistic is cheap.
        let ks =
            drift.test == .ks
            ? KolmogorovSmirnov.test(reference: reference.sample, current: current.sample)
            : (statistic: KolmogorovSmirnov.statistic(reference.sample, current.sample), pValue: Double.nan)
        // Evidently's floor: a constant reference column would otherwise divide by zero.
        let scale = max(reference.standardDeviation.isFinite ? reference.standardDeviation : 0, 0.001)
        drift.statistics = [
            "ks_statistic": ks.statistic, "ks_p_value": ks.pValue,
            "wasserstein": Wasserstein.distance(reference.sample, current.sample) / scale,
            "psi": PopulationStability.numeric(reference: reference.sample, current: current.sample),
        ]
        drift.plot = DistributionPlots.numeric(reference.sample, current.sample)
    }

    private static func compareCategories(
        _ reference: ColumnSample, _ current: ColumnSample, into drift: inout ColumnDrift
    ) {
        var currentCategories = current.categories
        var referenceCategories = reference.categories
        if reference.otherCount > 0 {
            // The profile kept only its most frequent categories: the rest of both sides are compared as one.
            let other = "(other)"
            referenceCategories[other] = reference.otherCount
            for (name, count) in current.categories where reference.categories[name] == nil {
                currentCategories[name] = nil
                currentCategories[other, default: 0] += count
            }
        }
        let categories = Set(referenceCategories.keys).union(currentCategories.keys).sorted()
        let referenceCounts = categories.map { referenceCategories[$0] ?? 0 }
        let currentCounts = categories.map { currentCategories[$0] ?? 0 }
        let unseen = categories.filter { referenceCategories[$0] == nil }
        // As `scipy.stats.chisquare(f_obs, f_exp)` with expected counts in the reference's proportions.
        let scale = currentCounts.reduce(0, +) / max(referenceCounts.reduce(0, +), 1)
        // One category on both sides (a constant column): the same distribution, which chi-square cannot test.
        let chi =
            categories.count == 1
            ? (statistic: 0.0, pValue: 1.0)
            : ChiSquare.test(observed: currentCounts, expected: referenceCounts.map { $0 * scale })
        drift.statistics = [
            "chisquare_statistic": chi.statistic, "chisquare_p_value": chi.pValue,
            "jensenshannon": JensenShannon.distance(referenceCounts, currentCounts),
            "psi": PopulationStability.categorical(reference: referenceCounts, current: currentCounts),
        ]
        if !unseen.isEmpty { drift.unseenCategories = Array(unseen.prefix(20)) }
        drift.plot = DistributionPlots.categorical(categories, referenceCounts, currentCounts)
    }
}

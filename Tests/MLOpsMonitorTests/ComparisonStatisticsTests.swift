import Foundation
import MLOpsMonitor
import Testing

/// The statistics of an A/B comparison of two model versions against SciPy 1.17's numbers in
/// `Fixtures/comparison.json` (written by `scripts/make-monitor-fixtures`), all at ``agrees(_:_:)``'s 1e-6 relative
/// tolerance. The largest relative differences observed when this was written: 2e-14 (t.sf), 8e-16 (t.ppf), 3e-14
/// (norm.sf at z = 37), 3e-16 (norm.ppf), 6e-16 (mean intervals), 2e-14 (Welch: its p-value of 1.6e-271) and 2e-15
/// (its bounds), 4e-16 (Wilson), 4e-14 (two proportions: the p-value at z = 11) and 9e-14 (a Newcombe bound near 0).
@Suite struct ComparisonStatisticsTests {
    private static let file = "comparison.json"

    private func cases(_ section: String) throws -> [[String: Any]] {
        try SciPyFixture.cases(section, file: Self.file)
    }

    private func number(_ case_: [String: Any], _ key: String) throws -> Double {
        try #require(SciPyFixture.number(case_[key]), "\(key) in \(case_["name"] ?? case_)")
    }

    private func integer(_ case_: [String: Any], _ key: String) throws -> Int {
        try #require(case_[key] as? Int, "\(key) in \(case_["name"] ?? case_)")
    }

    private func values(_ case_: [String: Any], _ key: String) throws -> [Double] {
        try #require(SciPyFixture.values(case_[key]), "\(key) in \(case_["name"] ?? case_)")
    }

    /// An empty or truncated fixture must not pass by comparing nothing.
    @Test func fixtureHoldsEveryCase() throws {
        let minimumCounts = [
            "t_sf": 130, "t_ppf": 100, "norm_sf": 15, "norm_ppf": 15, "mean_interval": 8, "welch": 12,
            "wilson": 10, "two_proportion": 10, "bootstrap": 3,
        ]
        for (section, minimum) in minimumCounts {
            #expect(try cases(section).count >= minimum, "\(section)")
        }
    }

    @Test func studentTSurvivalMatchesSciPy() throws {
        for case_ in try cases("t_sf") {
            let t = try number(case_, "t")
            let df = try number(case_, "df")
            let expected = try number(case_, "sf")
            let survival = StudentT.survival(t, degreesOfFreedom: df)
            #expect(agrees(survival, expected), "t.sf(\(t), \(df)): \(survival) vs \(expected)")
        }
    }

    /// Where SciPy 1.17's `t.ppf` is wrong (p = 1e-300 with ν = 1.5, 2.7, 5, 12.3: +inf, or a value whose cdf is not
    /// p) the fixture's reference is the exact inversion of the series' leading term, and SciPy's value is kept
    /// under "scipy" for the record.
    @Test func studentTQuantileMatchesSciPy() throws {
        for case_ in try cases("t_ppf") {
            let p = try number(case_, "p")
            let df = try number(case_, "df")
            let expected = try number(case_, "ppf")
            let quantile = StudentT.quantile(p, degreesOfFreedom: df)
            #expect(agrees(quantile, expected), "t.ppf(\(p), \(df)): \(quantile) vs \(expected)")
        }
    }

    /// survival(−quantile(p)) gives back p, to far better than the SciPy tolerance, in both tails and the middle.
    @Test func studentTQuantileInvertsSurvival() {
        for df in [0.9, 1, 2.7, 12.3, 30, 147.9, 1000, 1e6, 1e9] {
            for p in [1e-250, 1e-30, 1e-8, 0.01, 0.2, 0.3, 0.45] {
                let t = StudentT.quantile(p, degreesOfFreedom: df)
                let back = StudentT.survival(-t, degreesOfFreedom: df)
                #expect(abs(back - p) <= 1e-9 * p, "ν \(df), p \(p): t \(t), back \(back)")
            }
        }
    }

    @Test func standardNormalMatchesSciPy() throws {
        for case_ in try cases("norm_sf") {
            let z = try number(case_, "z")
            let expected = try number(case_, "sf")
            let survival = StandardNormal.survival(z)
            #expect(agrees(survival, expected), "norm.sf(\(z)): \(survival) vs \(expected)")
        }
        for case_ in try cases("norm_ppf") {
            let p = try number(case_, "p")
            let expected = try number(case_, "ppf")
            let quantile = StandardNormal.quantile(p)
            #expect(agrees(quantile, expected), "norm.ppf(\(p)): \(quantile) vs \(expected)")
        }
        // ν = ∞ is the normal distribution.
        #expect(StudentT.survival(2.5, degreesOfFreedom: .infinity) == StandardNormal.survival(2.5))
        #expect(StudentT.quantile(0.025, degreesOfFreedom: .infinity) == StandardNormal.quantile(0.025))
    }

    @Test func meanEstimateMatchesSciPy() throws {
        for case_ in try cases("mean_interval") {
            let name = try #require(case_["name"] as? String)
            let level = try number(case_, "level")
            let estimate = MeanEstimate.of(try values(case_, "values"), level: level)
            #expect(estimate.count == (try integer(case_, "count")), "\(name): count")
            #expect(estimate.level == level)
            for (label, ours, key) in [
                ("mean", estimate.mean, "mean"), ("sd", estimate.standardDeviation, "standard_deviation"),
                ("lower", estimate.lower, "lower"), ("upper", estimate.upper, "upper"),
            ] {
                let expected = try number(case_, key)
                #expect(agrees(ours, expected), "\(name): \(label) \(ours) vs \(expected)")
            }
        }
    }

    @Test func welchTestMatchesSciPy() throws {
        let cases = try cases("welch")
        for case_ in cases {
            let name = try #require(case_["name"] as? String)
            let level = try number(case_, "level")
            let result = try #require(WelchTest.test(try values(case_, "a"), try values(case_, "b"), level: level))
            #expect(result.level == level)
            for (label, ours, key) in [
                ("statistic", result.statistic, "statistic"), ("df", result.degreesOfFreedom, "df"),
                ("p", result.pValue, "pvalue"), ("difference", result.difference, "difference"),
                ("lower", result.lower, "lower"), ("upper", result.upper, "upper"),
            ] {
                let expected = try number(case_, key)
                #expect(agrees(ours, expected), "\(name): \(label) \(ours) vs \(expected)")
            }
        }
    }

    @Test func wilsonIntervalMatchesSciPy() throws {
        for case_ in try cases("wilson") {
            let successes = try integer(case_, "successes")
            let trials = try integer(case_, "trials")
            let level = try number(case_, "level")
            let estimate = ProportionEstimate.wilson(successes: successes, trials: trials, level: level)
            let label = "\(successes)/\(trials) at \(level)"
            #expect(estimate.successes == successes && estimate.trials == trials && estimate.level == level)
            for (bound, ours, key) in [
                ("proportion", estimate.proportion, "proportion"), ("lower", estimate.lower, "lower"),
                ("upper", estimate.upper, "upper"),
            ] {
                let expected = try number(case_, key)
                #expect(agrees(ours, expected), "\(label): \(bound) \(ours) vs \(expected)")
            }
        }
    }

    /// The p-value is chi2_contingency's (without Yates' correction) and the interval Newcombe's, computed in the
    /// fixture script from SciPy's Wilson bounds.
    @Test func twoProportionTestMatchesSciPy() throws {
        for case_ in try cases("two_proportion") {
            let name = try #require(case_["name"] as? String)
            let level = try number(case_, "level")
            let result = try #require(
                TwoProportionTest.test(
                    successesA: try integer(case_, "successes_a"), trialsA: try integer(case_, "trials_a"),
                    successesB: try integer(case_, "successes_b"), trialsB: try integer(case_, "trials_b"),
                    level: level))
            #expect(result.level == level)
            for (label, ours, key) in [
                ("z", result.statistic, "statistic"), ("p", result.pValue, "pvalue"),
                ("difference", result.difference, "difference"), ("lower", result.lower, "lower"),
                ("upper", result.upper, "upper"),
            ] {
                let expected = try number(case_, key)
                #expect(agrees(ours, expected), "\(name): \(label) \(ours) vs \(expected)")
            }
        }
    }

    /// Both sides are random, so the bounds are compared loosely: each of ours within 15% of SciPy's interval width
    /// of SciPy's (9999 resamples on both sides). On these large normal samples the bootstrap p-value must also be
    /// within 0.02 of Welch's (between 0.01 and 0.5 by construction).
    @Test func bootstrapAgreesWithSciPyAndWelch() throws {
        for case_ in try cases("bootstrap") {
            let name = try #require(case_["name"] as? String)
            let a = try values(case_, "a")
            let b = try values(case_, "b")
            let level = try number(case_, "level")
            let result = try #require(
                BootstrapDifference.run(
                    countA: a.count, countB: b.count, resamples: try integer(case_, "n_resamples"), level: level,
                    seed: 7
                ) { side, indices in Self.mean(side == .a ? a : b, indices) })
            let low = try number(case_, "low")
            let high = try number(case_, "high")
            let width = high - low
            #expect(abs(result.lower - low) <= 0.15 * width, "\(name): lower \(result.lower) vs \(low)")
            #expect(abs(result.upper - high) <= 0.15 * width, "\(name): upper \(result.upper) vs \(high)")
            let observed = Self.mean(a, Array(a.indices)) - Self.mean(b, Array(b.indices))
            #expect(result.difference == observed)
            #expect(result.lower < result.difference && result.difference < result.upper)
            let welchP = try number(case_, "welch_pvalue")
            let welch = try #require(WelchTest.test(a, b))
            #expect(agrees(welch.pValue, welchP), "\(name): Welch p \(welch.pValue) vs \(welchP)")
            #expect(abs(result.pValue - welchP) <= 0.02, "\(name): bootstrap p \(result.pValue) vs Welch \(welchP)")
        }
    }

    @Test func bootstrapIsDeterministicForASeed() throws {
        let a = (0..<60).map { Double($0 % 7) }
        let b = (0..<45).map { Double($0 % 5) + 0.5 }
        func run(seed: UInt64) -> BootstrapDifference? {
            BootstrapDifference.run(countA: a.count, countB: b.count, resamples: 300, seed: seed) { side, indices in
                Self.mean(side == .a ? a : b, indices)
            }
        }
        let first = try #require(run(seed: 42))
        #expect(run(seed: 42) == first)
        #expect(run(seed: 43) != first)
        #expect(first.resamples == 300 && first.level == 0.95)
        #expect(first.pValue >= 2.0 / 301 && first.pValue <= 1)
    }

    /// Degenerate input gives nil, NaN or the documented value, never a trap.
    @Test func degenerateInputsGiveDocumentedValues() throws {
        // Means: NaN skipped, fewer than 2 values, a constant sample.
        let empty = MeanEstimate.of([.nan])
        #expect(empty.count == 0 && empty.mean.isNaN && empty.lower.isNaN && empty.upper.isNaN)
        let one = MeanEstimate.of([3, .nan])
        #expect(one.count == 1 && one.mean == 3 && one.standardDeviation.isNaN && one.lower.isNaN)
        let constant = MeanEstimate.of([2.5, 2.5, 2.5])
        #expect(constant.standardDeviation == 0 && constant.lower == 2.5 && constant.upper == 2.5)
        #expect(MeanEstimate.of([1, 2, 3], level: 1.5).lower.isNaN)
        // Welch: fewer than 2 values on a side.
        #expect(WelchTest.test([1], [1, 2, 3]) == nil)
        #expect(WelchTest.test([1, 2, .nan], [.nan, 4]) == nil)
        // Proportions.
        let noTrials = ProportionEstimate.wilson(successes: 0, trials: 0)
        #expect(noTrials.proportion.isNaN && noTrials.lower.isNaN && noTrials.upper.isNaN)
        #expect(ProportionEstimate.wilson(successes: 5, trials: 3).lower.isNaN)
        #expect(TwoProportionTest.test(successesA: 0, trialsA: 0, successesB: 1, trialsB: 2) == nil)
        #expect(TwoProportionTest.test(successesA: 3, trialsA: 2, successesB: 1, trialsB: 2) == nil)
        let allSuccesses = try #require(TwoProportionTest.test(successesA: 5, trialsA: 5, successesB: 9, trialsB: 9))
        #expect(allSuccesses.statistic == 0 && allSuccesses.pValue == 1 && allSuccesses.difference == 0)
        #expect(allSuccesses.lower < 0 && allSuccesses.upper > 0)
        let allFailures = try #require(TwoProportionTest.test(successesA: 0, trialsA: 4, successesB: 0, trialsB: 7))
        #expect(allFailures.statistic == 0 && allFailures.pValue == 1)
        // Bootstrap.
        #expect(BootstrapDifference.run(countA: 0, countB: 3) { _, _ in 0 } == nil)
        #expect(BootstrapDifference.run(countA: 3, countB: 3, resamples: 0) { _, _ in 0 } == nil)
        let undefined = try #require(
            BootstrapDifference.run(countA: 3, countB: 3, resamples: 10) { side, _ in side == .a ? .nan : 0 })
        #expect(undefined.lower.isNaN && undefined.upper.isNaN && undefined.pValue.isNaN)
        let same = try #require(BootstrapDifference.run(countA: 4, countB: 4, resamples: 50) { _, _ in 1 })
        #expect(same.difference == 0 && same.lower == 0 && same.upper == 0 && same.pValue == 1)
        // Distributions.
        #expect(StudentT.survival(1, degreesOfFreedom: 0).isNaN)
        #expect(StudentT.survival(.nan, degreesOfFreedom: 3).isNaN)
        #expect(StudentT.survival(.infinity, degreesOfFreedom: 3) == 0)
        #expect(StudentT.survival(-.infinity, degreesOfFreedom: 3) == 1)
        #expect(StudentT.survival(0, degreesOfFreedom: 3) == 0.5)
        #expect(StudentT.quantile(0, degreesOfFreedom: 3) == -.infinity)
        #expect(StudentT.quantile(1, degreesOfFreedom: 3) == .infinity)
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 3) == 0)
        #expect(StudentT.quantile(1.5, degreesOfFreedom: 3).isNaN)
        #expect(StudentT.quantile(0.3, degreesOfFreedom: -1).isNaN)
        #expect(StandardNormal.survival(.nan).isNaN)
        #expect(StandardNormal.survival(.infinity) == 0)
        #expect(StandardNormal.survival(-.infinity) == 1)
        #expect(StandardNormal.quantile(0) == -.infinity)
        #expect(StandardNormal.quantile(1) == .infinity)
        #expect(StandardNormal.quantile(-0.1).isNaN)
    }

    private static func mean(_ sample: [Double], _ indices: [Int]) -> Double {
        var sum = 0.0
        for index in indices { sum += sample[index] }
        return sum / Double(indices.count)
    }
}

import Foundation
import MLOpsMonitor
import MLOpsTestSupport
import Testing

/// SciPy's (and NumPy's) numbers for fixed inputs, written by `scripts/make-monitor-fixtures`: `statistics.json` for
/// the drift statistics, `comparison.json` for those of an A/B comparison (``ComparisonStatisticsTests``).
///
/// Input arrays hold raw observations with null for a missing value; results are numbers, or the strings "inf",
/// "-inf" and "nan" for non-finite ones.
enum SciPyFixture {
    static func load(_ file: String = "statistics.json") throws -> [String: Any] {
        let path = Fixtures.projectRoot + "/Tests/MLOpsMonitorTests/Fixtures/" + file
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func cases(_ section: String, file: String = "statistics.json") throws -> [[String: Any]] {
        try #require(try load(file)[section] as? [[String: Any]], "fixture section \(section) of \(file)")
    }

    static func number(_ value: Any?) -> Double? {
        switch value {
        case let text as String:
            return ["inf": Double.infinity, "-inf": -Double.infinity, "nan": Double.nan][text]
        case let number as NSNumber:
            return number.doubleValue
        default:
            return nil
        }
    }

    /// A raw array, null → NaN.
    static func values(_ value: Any?) -> [Double]? {
        guard let array = value as? [Any] else { return nil }
        var values: [Double] = []
        for element in array {
            if element is NSNull {
                values.append(.nan)
            } else if let number = number(element) {
                values.append(number)
            } else {
                return nil
            }
        }
        return values
    }

    static func sample(_ value: Any?) throws -> WeightedSample {
        WeightedSample(unsorted: try #require(values(value)))
    }
}

/// The tolerance for every comparison with SciPy: |ours − scipy| ≤ 1e-6·|scipy| (1e-6 relative; in practice the
/// ports agree to about 1e-12 or better), except that a SciPy value below 1e-300 in magnitude (where both sides are
/// at the end of the double range) may differ by 1e-300 absolute. Infinities and NaN must match exactly.
func agrees(_ ours: Double, _ scipy: Double) -> Bool {
    if scipy.isNaN || ours.isNaN { return scipy.isNaN && ours.isNaN }
    if scipy.isInfinite || ours.isInfinite { return ours == scipy }
    if abs(scipy) < 1e-300 { return abs(ours - scipy) <= 1e-300 }
    return abs(ours - scipy) <= 1e-6 * abs(scipy)
}

@Suite struct StatisticsTests {
    /// An empty or truncated fixture must not pass by comparing nothing.
    @Test func fixtureHoldsEveryCase() throws {
        let minimumCounts = [
            "ks_2samp": 18, "kstwo_sf": 100, "chisquare": 8, "chi2_sf": 150, "wasserstein_distance": 6,
            "jensenshannon": 6, "psi_numeric": 7, "psi_categorical": 4,
        ]
        for (section, minimum) in minimumCounts {
            #expect(try SciPyFixture.cases(section).count >= minimum, "\(section)")
        }
    }

    @Test func kolmogorovSmirnovMatchesSciPy() throws {
        let cases = try SciPyFixture.cases("ks_2samp")
        #expect(cases.count >= 18)
        for case_ in cases {
            let name = try #require(case_["name"] as? String)
            let reference = try SciPyFixture.sample(case_["reference"])
            let current = try SciPyFixture.sample(case_["current"])
            let statistic = try #require(SciPyFixture.number(case_["statistic"]))
            let pValue = try #require(SciPyFixture.number(case_["pvalue"]))
            let result = KolmogorovSmirnov.test(reference: reference, current: current)
            #expect(agrees(result.statistic, statistic), "\(name): D \(result.statistic) vs \(statistic)")
            #expect(agrees(result.pValue, pValue), "\(name): p \(result.pValue) vs \(pValue)")
        }
    }

    @Test func kolmogorovDistributionMatchesSciPy() throws {
        let cases = try SciPyFixture.cases("kstwo_sf")
        #expect(cases.count >= 100)
        for case_ in cases {
            let n = try #require(case_["n"] as? Int)
            let d = try #require(SciPyFixture.number(case_["d"]))
            let expected = try #require(SciPyFixture.number(case_["sf"]))
            let survival = KolmogorovDistribution.survival(n: n, d: d)
            #expect(agrees(survival, expected), "kstwo.sf(\(d), \(n)): \(survival) vs \(expected)")
        }
    }

    @Test func chiSquareMatchesSciPy() throws {
        let cases = try SciPyFixture.cases("chisquare")
        #expect(cases.count >= 8)
        for case_ in cases {
            let name = try #require(case_["name"] as? String)
            let observed = try #require(SciPyFixture.values(case_["observed"]))
            let expected = try #require(SciPyFixture.values(case_["expected"]))
            let statistic = try #require(SciPyFixture.number(case_["statistic"]))
            let pValue = try #require(SciPyFixture.number(case_["pvalue"]))
            let result = ChiSquare.test(observed: observed, expected: expected)
            #expect(agrees(result.statistic, statistic), "\(name): statistic \(result.statistic) vs \(statistic)")
            #expect(agrees(result.pValue, pValue), "\(name): p \(result.pValue) vs \(pValue)")
        }
    }

    @Test func chiSquareSurvivalMatchesSciPy() throws {
        let cases = try SciPyFixture.cases("chi2_sf")
        #expect(cases.count >= 150)
        for case_ in cases {
            let x = try #require(SciPyFixture.number(case_["x"]))
            let df = try #require(SciPyFixture.number(case_["df"]))
            let expected = try #require(SciPyFixture.number(case_["sf"]))
            let survival = ChiSquare.survival(x, degreesOfFreedom: df)
            #expect(agrees(survival, expected), "chi2.sf(\(x), \(df)): \(survival) vs \(expected)")
        }
    }

    @Test func wassersteinMatchesSciPy() throws {
        let cases = try SciPyFixture.cases("wasserstein_distance")
        #expect(cases.count >= 6)
        for case_ in cases {
            let name = try #require(case_["name"] as? String)
            let u: WeightedSample
            let v: WeightedSample
            if case_["u_weights"] != nil {
                // The weighted cases list distinct ascending values, as WeightedSample(values:weights:) requires.
                u = WeightedSample(
                    values: try #require(SciPyFixture.values(case_["u_values"])),
                    weights: try #require(SciPyFixture.values(case_["u_weights"])))
                v = WeightedSample(
                    values: try #require(SciPyFixture.values(case_["v_values"])),
                    weights: try #require(SciPyFixture.values(case_["v_weights"])))
            } else {
                u = try SciPyFixture.sample(case_["u_values"])
                v = try SciPyFixture.sample(case_["v_values"])
            }
            let expected = try #require(SciPyFixture.number(case_["distance"]))
            let distance = Wasserstein.distance(u, v)
            #expect(agrees(distance, expected), "\(name): \(distance) vs \(expected)")
        }
    }

    @Test func jensenShannonMatchesSciPy() throws {
        let cases = try SciPyFixture.cases("jensenshannon")
        #expect(cases.count >= 6)
        for case_ in cases {
            let name = try #require(case_["name"] as? String)
            let p = try #require(SciPyFixture.values(case_["p"]))
            let q = try #require(SciPyFixture.values(case_["q"]))
            let expected = try #require(SciPyFixture.number(case_["distance"]))
            let distance = JensenShannon.distance(p, q)
            // Identical distributions are exactly 0 on both sides, which the relative tolerance compares exactly.
            #expect(agrees(distance, expected), "\(name): \(distance) vs \(expected)")
        }
    }

    @Test func populationStabilityMatchesNumPy() throws {
        let numeric = try SciPyFixture.cases("psi_numeric")
        #expect(numeric.count >= 7)
        for case_ in numeric {
            let name = try #require(case_["name"] as? String)
            let reference = try SciPyFixture.sample(case_["reference"])
            let current = try SciPyFixture.sample(case_["current"])
            let bins = try #require(case_["bins"] as? Int)
            let edges = try #require(SciPyFixture.values(case_["edges"]))
            #expect(edges.count == bins - 1)
            for (index, edge) in edges.enumerated() {
                let quantile = reference.quantile(Double(index + 1) / Double(bins))
                #expect(agrees(quantile, edge), "\(name): numpy.quantile edge \(index) \(quantile) vs \(edge)")
            }
            let expected = try #require(SciPyFixture.number(case_["psi"]))
            let psi = PopulationStability.numeric(reference: reference, current: current, bins: bins)
            #expect(agrees(psi, expected), "\(name): \(psi) vs \(expected)")
        }
        let categorical = try SciPyFixture.cases("psi_categorical")
        #expect(categorical.count >= 4)
        for case_ in categorical {
            let name = try #require(case_["name"] as? String)
            let reference = try #require(SciPyFixture.values(case_["reference"]))
            let current = try #require(SciPyFixture.values(case_["current"]))
            let expected = try #require(SciPyFixture.number(case_["psi"]))
            let psi = PopulationStability.categorical(reference: reference, current: current)
            #expect(agrees(psi, expected), "\(name): \(psi) vs \(expected)")
        }
    }

    @Test func weightedSampleDropsMissingValuesAndMergesTies() {
        let sample = WeightedSample(unsorted: [3, .nan, 1, 3, .infinity, -0.0, 0.0, -.infinity, 1])
        #expect(sample.values == [0, 1, 3])
        #expect(sample.weights == [2, 2, 2])
        #expect(sample.total == 6)
        #expect(!sample.isEmpty)
        // numpy.quantile([0, 0, 1, 1, 3, 3], q).
        #expect(sample.quantile(0) == 0)
        #expect(sample.quantile(0.5) == 1)
        #expect(sample.quantile(0.9) == 3)
        #expect(sample.quantile(0.7) == 2.0)
        #expect(sample.quantile(1) == 3)
        #expect(WeightedSample(unsorted: [.nan]).isEmpty)
    }

    /// Degenerate input gives NaN or the documented value, never a trap.
    @Test func degenerateInputsGiveDocumentedValues() {
        let empty = WeightedSample(unsorted: [])
        let one = WeightedSample(unsorted: [1])
        #expect(KolmogorovSmirnov.test(reference: empty, current: one).pValue.isNaN)
        #expect(KolmogorovSmirnov.test(reference: one, current: empty).statistic.isNaN)
        let zeroWeight = WeightedSample(values: [1, 2], weights: [0, 0])
        #expect(KolmogorovSmirnov.test(reference: zeroWeight, current: one).pValue.isNaN)
        #expect(KolmogorovSmirnov.test(reference: one, current: one) == (0, 1))
        #expect(KolmogorovDistribution.survival(n: 0, d: 0.5).isNaN)
        #expect(KolmogorovDistribution.survival(n: 10, d: .nan).isNaN)
        #expect(KolmogorovDistribution.survival(n: 10, d: -1) == 1)
        #expect(KolmogorovDistribution.survival(n: 10, d: 2) == 0)
        #expect(KolmogorovDistribution.survival(n: Int.max, d: 0.5) == 0)
        #expect(ChiSquare.test(observed: [1], expected: [1]).pValue.isNaN)
        #expect(ChiSquare.test(observed: [1, 2], expected: [1]).statistic.isNaN)
        #expect(ChiSquare.test(observed: [-1, 2], expected: [1, 1]).pValue.isNaN)
        #expect(ChiSquare.test(observed: [5, 0], expected: [0, 5]) == (.infinity, 0))
        #expect(ChiSquare.survival(-1, degreesOfFreedom: 3) == 1)
        #expect(ChiSquare.survival(.infinity, degreesOfFreedom: 3) == 0)
        #expect(ChiSquare.survival(1, degreesOfFreedom: -1).isNaN)
        #expect(Wasserstein.distance(empty, one).isNaN)
        #expect(Wasserstein.distance(zeroWeight, one).isNaN)
        #expect(JensenShannon.distance([], []).isNaN)
        #expect(JensenShannon.distance([0, 0], [1, 1]).isNaN)
        #expect(JensenShannon.distance([1], [1, 2]).isNaN)
        #expect(PopulationStability.numeric(reference: empty, current: one).isNaN)
        #expect(PopulationStability.numeric(reference: one, current: one, bins: 0).isNaN)
        #expect(PopulationStability.categorical(reference: [0, 0], current: [1, 1]).isNaN)
        #expect(PopulationStability.categorical(reference: [1, 2], current: [1]).isNaN)
        #expect(empty.quantile(0.5).isNaN)
    }

    /// The exact unequal-size path is O(n1·n2) at worst; 1000 vs 10000 takes a few milliseconds in release builds, and
    /// half a second leaves room for debug builds on a busy machine.
    @Test func kolmogorovSmirnovExactPathIsFast() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / 0x1p53
        }
        func normal(_ count: Int, mean: Double) -> [Double] {
            (0..<count).map { _ in
                let value = mean + (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
                return (value * 100).rounded() / 100
            }
        }
        let reference = WeightedSample(unsorted: normal(1000, mean: 0))
        let current = WeightedSample(unsorted: normal(10000, mean: 0.2))
        let clock = ContinuousClock()
        var result = (statistic: 0.0, pValue: 0.0)
        let elapsed = clock.measure { result = KolmogorovSmirnov.test(reference: reference, current: current) }
        #expect(result.statistic > 0 && result.pValue < 0.05)
        #expect(elapsed < .milliseconds(500), "\(elapsed)")
    }
}

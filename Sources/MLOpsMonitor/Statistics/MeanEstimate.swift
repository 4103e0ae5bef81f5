import Foundation

/// A sample's mean with Student's t confidence interval.
public struct MeanEstimate: Sendable, Equatable, Codable {
    /// The number of values counted (NaN values are skipped).
    public let count: Int
    /// The arithmetic mean; NaN when `count` is 0.
    public let mean: Double
    /// The sample standard deviation (ddof 1); NaN when `count` < 2.
    public let standardDeviation: Double
    /// The interval's lower bound; NaN when `count` < 2.
    public let lower: Double
    /// The interval's upper bound; NaN when `count` < 2.
    public let upper: Double
    /// The confidence level the interval was computed for, e.g. 0.95.
    public let level: Double

    /// The mean of `values` and its two-sided confidence interval at `level`:
    /// `scipy.stats.t.interval(level, n - 1, loc=mean, scale=scipy.stats.sem(values))`.
    ///
    /// - NaN values are skipped (SciPy's `nan_policy='omit'`); an infinite value makes the mean infinite or NaN and
    ///   the standard deviation and bounds NaN.
    /// - Fewer than 2 values give NaN bounds (and a NaN standard deviation).
    /// - A constant sample (standard deviation exactly 0) gives lower = upper = mean. SciPy returns NaN there, as its
    ///   scale must be positive; the degenerate interval is what the formula gives in the limit.
    /// - A level outside [0, 1] gives NaN bounds; level 1 gives infinite ones.
    ///
    /// The mean is a compensated (Neumaier) sum, the variance the corrected two-pass formula
    /// (Σ(x − m)² − (Σ(x − m))²/n)/(n − 1), so both are at least as accurate as NumPy's pairwise sums.
    public static func of(_ values: [Double], level: Double = 0.95) -> MeanEstimate {
        let summary = SampleSummary(values)
        let n = summary.count
        guard n >= 2 else {
            return MeanEstimate(
                count: n, mean: summary.mean, standardDeviation: .nan, lower: .nan, upper: .nan, level: level)
        }
        let standardDeviation = summary.variance.squareRoot()
        let standardError = standardDeviation / Double(n).squareRoot()
        let degreesOfFreedom = Double(n - 1)
        let lower: Double
        let upper: Double
        if standardError == 0 && (0...1).contains(level) {
            lower = summary.mean
            upper = summary.mean
        } else {
            // rv_continuous.interval: ppf((1 − level)/2) and ppf((1 + level)/2), times scale, plus loc.
            lower =
                StudentT.quantile((1 - level) / 2, degreesOfFreedom: degreesOfFreedom) * standardError + summary.mean
            upper =
                StudentT.quantile((1 + level) / 2, degreesOfFreedom: degreesOfFreedom) * standardError + summary.mean
        }
        return MeanEstimate(
            count: n, mean: summary.mean, standardDeviation: standardDeviation, lower: lower, upper: upper,
            level: level)
    }
}

/// The count, mean and sample variance (ddof 1) of the non-NaN values of a sample, for ``MeanEstimate`` and
/// ``WelchTest``.
struct SampleSummary {
    /// The number of non-NaN values.
    let count: Int
    /// NaN when `count` is 0.
    let mean: Double
    /// NaN when `count` < 2.
    let variance: Double

    init(_ values: [Double]) {
        var sum = CompensatedSum()
        var n = 0
        for value in values where !value.isNaN {
            sum.add(value)
            n += 1
        }
        count = n
        guard n > 0 else {
            mean = .nan
            variance = .nan
            return
        }
        let m = sum.value / Double(n)
        mean = m
        guard n >= 2, m.isFinite else {
            variance = .nan
            return
        }
        var squares = CompensatedSum()
        var deviations = CompensatedSum()
        for value in values where !value.isNaN {
            let deviation = value - m
            squares.add(deviation * deviation)
            deviations.add(deviation)
        }
        let sumOfDeviations = deviations.value
        variance = max(0, (squares.value - sumOfDeviations * sumOfDeviations / Double(n)) / Double(n - 1))
    }
}

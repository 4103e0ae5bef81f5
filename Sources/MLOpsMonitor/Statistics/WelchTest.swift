import Foundation

/// Welch's unequal-variances t-test of two samples' means, with the confidence interval for their difference.
public struct WelchTest: Sendable, Equatable, Codable {
    /// t = (mean(a) − mean(b)) / √(var(a)/n_a + var(b)/n_b), variances with ddof 1.
    public let statistic: Double
    /// The Welch–Satterthwaite degrees of freedom (fractional).
    public let degreesOfFreedom: Double
    /// The two-sided p-value 2·P(T > |t|).
    public let pValue: Double
    /// mean(a) − mean(b).
    public let difference: Double
    /// The lower bound of the confidence interval for the difference.
    public let lower: Double
    /// The upper bound of the confidence interval for the difference.
    public let upper: Double
    /// The confidence level of the interval, e.g. 0.95.
    public let level: Double

    /// `scipy.stats.ttest_ind(a, b, equal_var=False)` (two-sided) and its `.confidence_interval(level)`, or nil when
    /// either side has fewer than 2 values.
    ///
    /// - NaN values are skipped on each side (SciPy's `nan_policy='omit'`).
    /// - Degrees of freedom ν = (v_a + v_b)² / (v_a²/(n_a − 1) + v_b²/(n_b − 1)) with v = var/n; the interval is
    ///   difference + t.ppf((1 − level)/2, ν)·se and difference + t.ppf(1 − (1 − level)/2, ν)·se.
    /// - Both sides constant (both variances exactly 0), as SciPy: ν is 0/0, which SciPy replaces by 1; the
    ///   statistic is difference/0, so NaN with p-value NaN when the two constants are equal and ±inf with p-value
    ///   0 when they differ; the bounds then both equal the difference.
    /// - A level outside [0, 1] gives NaN bounds.
    public static func test(_ a: [Double], _ b: [Double], level: Double = 0.95) -> WelchTest? {
        let first = SampleSummary(a)
        let second = SampleSummary(b)
        guard first.count >= 2, second.count >= 2 else { return nil }
        let n1 = Double(first.count)
        let n2 = Double(second.count)
        let vn1 = first.variance / n1
        let vn2 = second.variance / n2
        var degreesOfFreedom = (vn1 + vn2) * (vn1 + vn2) / (vn1 * vn1 / (n1 - 1) + vn2 * vn2 / (n2 - 1))
        // SciPy: "If df is undefined, variances are zero… it doesn't matter what df is as long as it's not NaN."
        if degreesOfFreedom.isNaN { degreesOfFreedom = 1 }
        let standardError = (vn1 + vn2).squareRoot()
        let difference = first.mean - second.mean
        let statistic = difference / standardError
        let pValue = 2 * StudentT.survival(abs(statistic), degreesOfFreedom: degreesOfFreedom)
        let tail = (1 - level) / 2
        let lower = StudentT.quantile(tail, degreesOfFreedom: degreesOfFreedom) * standardError + difference
        let upper = StudentT.quantile(1 - tail, degreesOfFreedom: degreesOfFreedom) * standardError + difference
        return WelchTest(
            statistic: statistic, degreesOfFreedom: degreesOfFreedom, pValue: pValue, difference: difference,
            lower: lower, upper: upper, level: level)
    }
}

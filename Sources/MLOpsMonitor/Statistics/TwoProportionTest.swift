import Foundation

/// The pooled two-proportion z-test of A's success rate against B's, with Newcombe's interval for the difference.
public struct TwoProportionTest: Sendable, Equatable, Codable {
    /// The pooled z statistic (p_A − p_B) / √(p(1 − p)(1/n_A + 1/n_B)), p = (s_A + s_B)/(n_A + n_B).
    public let statistic: Double
    /// The two-sided p-value 2·P(Z > |z|).
    public let pValue: Double
    /// p_A − p_B.
    public let difference: Double
    /// The lower bound of the confidence interval for the difference.
    public let lower: Double
    /// The upper bound of the confidence interval for the difference.
    public let upper: Double
    /// The confidence level of the interval, e.g. 0.95.
    public let level: Double

    /// The test of s_A successes in n_A trials against s_B in n_B, or nil when a side has no trials, a count is
    /// negative or successes exceed trials.
    ///
    /// - The p-value is `scipy.stats.chi2_contingency([[sA, nA − sA], [sB, nB − sB]], correction=False).pvalue`:
    ///   Pearson's statistic of that 2×2 table without Yates' correction is exactly z², and chi2.sf(z², 1) =
    ///   2·norm.sf(|z|), which is how it is computed here (``StandardNormal/survival(_:)``).
    /// - All successes or all failures on both sides (pooled p = 0 or 1, so z = 0/0): SciPy raises (an expected
    ///   frequency is 0); here the statistic is 0 and the p-value 1, as no difference is observable. The interval is
    ///   still Newcombe's (the difference is 0).
    /// - The interval is Newcombe's hybrid score interval (method 10 of Newcombe 1998) from the two Wilson intervals
    ///   (l_A, u_A), (l_B, u_B) of ``ProportionEstimate/wilson(successes:trials:level:)`` at `level`:
    ///   d − √((p_A − l_A)² + (u_B − p_B)²) and d + √((u_A − p_A)² + (p_B − l_B)²).
    /// - A level outside [0, 1] gives NaN bounds.
    public static func test(
        successesA: Int, trialsA: Int, successesB: Int, trialsB: Int, level: Double = 0.95
    ) -> TwoProportionTest? {
        guard trialsA > 0, trialsB > 0, (0...trialsA).contains(successesA), (0...trialsB).contains(successesB)
        else { return nil }
        let nA = Double(trialsA)
        let nB = Double(trialsB)
        let pA = Double(successesA) / nA
        let pB = Double(successesB) / nB
        // (s_A·n_B − s_B·n_A)/(n_A·n_B): p_A − p_B of the rounded proportions loses the digits that cancel (1e-13 of
        // the p-value at n = 1e6 each); the integer products are exact below 2^53.
        let difference = fma(Double(successesA), nB, -(Double(successesB) * nA)) / (nA * nB)
        let pooled = (Double(successesA) + Double(successesB)) / (nA + nB)
        let standardError = (pooled * (1 - pooled) * (1 / nA + 1 / nB)).squareRoot()
        let statistic: Double
        let pValue: Double
        if standardError > 0 {
            statistic = difference / standardError
            pValue = min(1, 2 * StandardNormal.survival(abs(statistic)))
        } else {
            statistic = 0
            pValue = 1
        }
        let a = ProportionEstimate.wilsonBounds(successes: successesA, trials: trialsA, level: level)
        let b = ProportionEstimate.wilsonBounds(successes: successesB, trials: trialsB, level: level)
        let lower = difference - ((pA - a.lower) * (pA - a.lower) + (b.upper - pB) * (b.upper - pB)).squareRoot()
        let upper = difference + ((a.upper - pA) * (a.upper - pA) + (pB - b.lower) * (pB - b.lower)).squareRoot()
        return TwoProportionTest(
            statistic: statistic, pValue: pValue, difference: difference, lower: lower, upper: upper, level: level)
    }
}

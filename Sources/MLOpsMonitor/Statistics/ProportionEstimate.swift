import Foundation

/// A proportion of successes with its Wilson score confidence interval.
public struct ProportionEstimate: Sendable, Equatable, Codable {
    /// The number of successes.
    public let successes: Int
    /// The number of trials.
    public let trials: Int
    /// successes / trials; NaN when trials is 0.
    public let proportion: Double
    /// The lower bound of the interval.
    public let lower: Double
    /// The upper bound of the interval.
    public let upper: Double
    /// The confidence level of the interval, e.g. 0.95.
    public let level: Double

    /// The two-sided Wilson score interval without continuity correction:
    /// `scipy.stats.binomtest(successes, trials).proportion_ci(confidence_level=level, method='wilson')`.
    ///
    /// With p = k/n and z = Φ⁻¹(½ + ½·level): center (2np + z²)/(2(n + z²)) ± z/(2(n + z²))·√(4npq + z²), the same
    /// operations as SciPy; the lower bound is exactly 0 when k = 0 and the upper exactly 1 when k = n, as SciPy
    /// sets them.
    ///
    /// Zero trials, negative counts or more successes than trials give NaN proportion and bounds (SciPy raises);
    /// a level outside [0, 1] gives NaN bounds.
    public static func wilson(successes: Int, trials: Int, level: Double = 0.95) -> ProportionEstimate {
        guard trials > 0, successes >= 0, successes <= trials else {
            return ProportionEstimate(
                successes: successes, trials: trials, proportion: .nan, lower: .nan, upper: .nan, level: level)
        }
        let bounds = wilsonBounds(successes: successes, trials: trials, level: level)
        return ProportionEstimate(
            successes: successes, trials: trials, proportion: Double(successes) / Double(trials),
            lower: bounds.lower, upper: bounds.upper, level: level)
    }

    /// The Wilson bounds for valid counts (trials > 0, 0 ≤ successes ≤ trials).
    static func wilsonBounds(successes: Int, trials: Int, level: Double) -> (lower: Double, upper: Double) {
        let n = Double(trials)
        let p = Double(successes) / n
        let z = StandardNormal.quantile(0.5 + 0.5 * level)
        let denominator = 2 * (n + z * z)
        let center = (2 * n * p + z * z) / denominator
        let q = 1 - p
        let delta = z / denominator * (4 * n * p * q + z * z).squareRoot()
        let lower = successes == 0 && !z.isNaN ? 0 : center - delta
        let upper = successes == trials && !z.isNaN ? 1 : center + delta
        return (lower, upper)
    }
}

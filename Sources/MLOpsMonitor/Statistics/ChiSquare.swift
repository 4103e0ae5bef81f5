import Foundation

/// Pearson's chi-square goodness-of-fit test, as `scipy.stats.chisquare` computes it.
public enum ChiSquare {
    /// `scipy.stats.chisquare(f_obs=observed, f_exp=expected)`: the statistic Σ (o − e)² / e over the categories and
    /// the p-value `chi2.sf(statistic, k − 1)`.
    ///
    /// - `observed[i]` and `expected[i]` belong to the same category; both are counts (≥ 0, finite). Evidently's
    ///   convention is expected = reference share × current total; unlike SciPy, the totals are not required to
    ///   agree.
    /// - A category with expected 0 and observed > 0 (one the reference never had) makes the statistic +inf and the
    ///   p-value 0, as SciPy's division by zero does.
    /// - A category that is 0 on both sides is left out entirely: it adds nothing and does not count in k (SciPy on
    ///   the same input without that category).
    /// - k < 2 counted categories gives p-value NaN (no degrees of freedom); the statistic is still returned.
    /// - Different lengths, or a negative or non-finite count, give (NaN, NaN).
    public static func test(observed: [Double], expected: [Double]) -> (statistic: Double, pValue: Double) {
        guard observed.count == expected.count else { return (.nan, .nan) }
        var statistic = CompensatedSum()
        var categories = 0
        for (o, e) in zip(observed, expected) {
            guard o.isFinite, e.isFinite, o >= 0, e >= 0 else { return (.nan, .nan) }
            if o == 0 && e == 0 { continue }
            categories += 1
            // A category the reference never had makes the statistic +inf, as SciPy's division by zero does.
            statistic.add(e == 0 ? .infinity : (o - e) * (o - e) / e)
        }
        guard categories >= 2 else { return (statistic.value, .nan) }
        return (statistic.value, survival(statistic.value, degreesOfFreedom: Double(categories - 1)))
    }

    /// `scipy.stats.chi2.sf(x, df)` (`scipy.special.chdtrc(df, x)`) = Q(df/2, x/2), the regularized upper incomplete
    /// gamma function, to about 1e-14 relative.
    ///
    /// x < 0 gives 1 (Cephes' convention), x = +inf gives 0; df < 0 or NaN arguments give NaN; df = 0 gives 0 for
    /// x > 0 and NaN at x = 0.
    public static func survival(_ x: Double, degreesOfFreedom: Double) -> Double {
        if x < 0 { return 1 }
        return GammaFunctions.regularizedUpperGamma(degreesOfFreedom / 2, x / 2)
    }
}

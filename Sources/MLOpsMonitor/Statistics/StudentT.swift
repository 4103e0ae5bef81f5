import Foundation

/// Student's t distribution with real degrees of freedom ν > 0 (Welch's are fractional), as SciPy computes it.
public enum StudentT {
    /// Above this many degrees of freedom t is the standard normal to double precision (Boost's cut-off, 1/ε).
    static let normalLimit = 1 / Double.ulpOfOne

    /// P(T > t) for T ~ t(ν): `scipy.stats.t.sf(t, df)` (`scipy.special.stdtr(df, -t)`), to about 1e-13 relative in
    /// both tails, down to the least normal double (3e-14 against 60-digit values for ν from 1 to 1e15).
    ///
    /// With z = ν/(ν + t²), P(|T| > |t|) = I_z(ν/2, ½) = 1 − I_(1−z)(½, ν/2); the form whose argument is small is
    /// evaluated (1 − z when ν > 2t², as Boost does), from ``BetaFunctions``, which keeps the complement's precision.
    /// Beyond t² = 1e20·ν, where z would lose range, the leading term z^(ν/2) / ((ν/2)·B(ν/2, ½)) of the series is
    /// exact and used instead. ν = +inf (or above 1/ε) is the standard normal (``StandardNormal/survival(_:)``).
    ///
    /// t = +inf gives 0 and −inf gives 1; NaN arguments, ν ≤ 0 give NaN.
    public static func survival(_ t: Double, degreesOfFreedom: Double) -> Double {
        let df = degreesOfFreedom
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if df > normalLimit { return StandardNormal.survival(t) }
        if t.isInfinite { return t > 0 ? 0 : 1 }
        if t == 0 { return 0.5 }
        let tail = upperTail(abs(t), df)
        return t > 0 ? tail : 1 - tail
    }

    /// The t with P(T ≤ t) = p for T ~ t(ν): `scipy.stats.t.ppf(p, df)` (`scipy.special.stdtrit(df, p)`), to about
    /// 1e-14 relative, for p down to the least normal double in either tail (3e-15 against 60-digit values for ν from
    /// 0.5 to 1e12; a t beyond the double range is ±inf).
    ///
    /// Cephes `stdtri` for real ν: for ¼ < p < ¾, t² = ν·z/(1 − z) with z = I⁻¹(½, ν/2; |1 − 2p|); otherwise
    /// t² = ν·(1 − z)/z with z = I⁻¹(ν/2, ½; 2q), q the smaller tail, both z and 1 − z from
    /// ``BetaFunctions/inverseIncompleteBeta(_:_:_:complement:)``. When z < 1e-20 (small ν in a far tail, where z
    /// itself can underflow: ν = 1, p = 1e-300 needs z ≈ 1e-599), the leading term of the series is inverted
    /// exactly instead: z^(ν/2) = 2q·(ν/2)·B(ν/2, ½). SciPy 1.17 is wrong in some of these tails (+inf for
    /// p = 1e-300 and ν = 2.7, 5 or 12.3; −8.2e153 instead of −5.2e199 for ν = 1.5). ν = +inf (or above 1/ε) is
    /// ``StandardNormal/quantile(_:)``.
    ///
    /// p = 0 gives −inf and p = 1 gives +inf; p outside [0, 1], NaN arguments and ν ≤ 0 give NaN.
    public static func quantile(_ p: Double, degreesOfFreedom: Double) -> Double {
        let df = degreesOfFreedom
        if p.isNaN || df.isNaN || df <= 0 || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if df > normalLimit { return StandardNormal.quantile(p) }
        if p == 0.5 { return 0 }
        let a = df / 2
        if p > 0.25 && p < 0.75 {
            // 1 − 2p is exact here; z = t²/(ν + t²).
            let root = BetaFunctions.inverseIncompleteBeta(0.5, a, abs(1 - 2 * p))
            let t = (df * root.x / root.complement).squareRoot()
            return p < 0.5 ? -t : t
        }
        // 1 − p is exact for p ≥ ½.
        let tail = p < 0.5 ? p : 1 - p
        let sign: Double = p < 0.5 ? -1 : 1
        let logZ = (log(2 * tail) + log(a) + BetaFunctions.logBeta(a, 0.5)) / a
        if logZ < -46 {
            // z < 1e-20: the series' further terms and the factor (1 − z)^½ are below 1e-20 relative. z^a itself,
            // 2q·a·B(a, ½), is a double when normal: then t = √ν·(z^a)^e, e = −1/(2a), by `pow` keeps its few ulps,
            // where exp of the logarithms (up to 700) would lose up to 1e-13. e is split into a double and the
            // rounding error of it (from an fma), whose factor is 1 + tiny, for the same reason.
            let leading = 2 * tail * a * BetaFunctions.beta(a, 0.5)
            let exponent = -0.5 / a
            let exponentError = fma(-exponent, a, -0.5) / a
            let t = df.squareRoot() * pow(leading, exponent) * exp(exponentError * log(leading))
            if leading.isNormal && t.isFinite { return sign * t }
            return sign * exp((log(df) - logZ) / 2)
        }
        // z = ν/(ν + t²).
        let root = BetaFunctions.inverseIncompleteBeta(a, 0.5, 2 * tail)
        if root.x == 0 { return sign * .infinity }
        return sign * (df * root.complement / root.x).squareRoot()
    }

    /// P(T > x) for finite x > 0 and finite ν > 0.
    private static func upperTail(_ x: Double, _ df: Double) -> Double {
        let a = df / 2
        let ratio = df / x / x
        if ratio < 1e-20 {
            // z = ν/(ν + t²) < 1e-20: the leading term z^a / (a·B(a, ½)) of I_z(a, ½), whose further terms are below
            // 1e-20 relative, with z^a = (√ν/t)^ν·(1 + ν/t²)^(−a) by `pow` while √ν/t is a normal double (exp of the
            // logarithms, up to 700, would lose up to 1e-13).
            let base = df.squareRoot() / x
            if base.isNormal && a + 0.5 < BetaFunctions.maximumGamma {
                return 0.5 * pow(base, df) * exp(-a * log1p(ratio)) / (a * BetaFunctions.beta(a, 0.5))
            }
            let logZ = log(df) - 2 * log(x) - log1p(ratio)
            return 0.5 * exp(a * logZ - log(a) - BetaFunctions.logBeta(a, 0.5))
        }
        let square = x * x
        let sum = df + square
        if df > 2 * square {
            return 0.5 * BetaFunctions.incompleteBeta(0.5, a, x: square / sum, complement: df / sum).upper
        }
        return 0.5 * BetaFunctions.incompleteBeta(a, 0.5, x: df / sum, complement: square / sum).lower
    }
}

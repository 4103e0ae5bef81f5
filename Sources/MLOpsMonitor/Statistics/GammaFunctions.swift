import Foundation

/// The regularized incomplete gamma functions, for the chi-square survival function (``ChiSquare``).
enum GammaFunctions {
    /// Q(a, x) = Γ(a, x) / Γ(a), the regularized upper incomplete gamma function (`scipy.special.gammaincc`,
    /// Cephes `igamc`), to about 1e-14 relative.
    ///
    /// Domain as in Cephes: NaN for a NaN argument, x < 0 or a < 0; Q(0, x) = 0 for x > 0 and NaN for x = 0;
    /// Q(a, 0) = 1; Q(∞, x) = 1 for finite x; Q(a, ∞) = 0.
    ///
    /// Numerical Recipes' scheme: the power series for P = 1 - Q when x < a + 1 (where Q ≥ about 1/2, so 1 - P keeps
    /// full relative precision), else Lentz's continued fraction for Q itself, both to a relative tolerance of one
    /// ulp. The common factor x^a·e^(-x)/Γ(a) comes from `lgamma` for small a and from Stirling's series with
    /// log(1 + σ) - σ for a ≥ 10, which avoids the cancellation of a·log(x) - x - lgamma(a) for large a.
    static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        if a.isNaN || x.isNaN || x < 0 || a < 0 { return .nan }
        if a == 0 { return x > 0 ? 0 : .nan }
        if x == 0 { return 1 }
        if a.isInfinite { return x.isInfinite ? .nan : 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 {
            return 1 - lowerSeries(a, x)
        }
        return upperContinuedFraction(a, x)
    }

    /// P(a, x) = γ(a, x) / Γ(a), the regularized lower incomplete gamma function, for the same domain.
    static func regularizedLowerGamma(_ a: Double, _ x: Double) -> Double {
        if a.isNaN || x.isNaN || x < 0 || a < 0 { return .nan }
        if a == 0 { return x > 0 ? 1 : .nan }
        if x == 0 { return 0 }
        if a.isInfinite { return x.isInfinite ? .nan : 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 { return lowerSeries(a, x) }
        return 1 - upperContinuedFraction(a, x)
    }

    /// Enough for the series and the fraction, which need O(√a) terms near x ≈ a.
    private static func iterationLimit(_ a: Double) -> Int { 1000 + 20 * Int(min(a, 1e12).squareRoot()) }

    /// P(a, x) by the series e^(-x)·x^a / Γ(a + 1) · Σ x^n / ((a + 1)···(a + n)), for x < a + 1.
    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        let prefactor = powerExpOverGamma(a, x)
        if prefactor == 0 { return 0 }
        var denominator = a
        var term = 1.0 / a
        var sum = term
        for _ in 0..<iterationLimit(a) {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * Double.ulpOfOne / 2 { break }
        }
        return min(sum * prefactor, 1)
    }

    /// Q(a, x) by the continued fraction e^(-x)·x^a / Γ(a) · 1/(x + 1 - a - 1·(1 - a)/(x + 3 - a - ...)), modified
    /// Lentz's method, for x ≥ a + 1.
    private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let prefactor = powerExpOverGamma(a, x)
        if prefactor == 0 { return 0 }
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        var i = 1.0
        for _ in 0..<iterationLimit(a) {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            fraction *= delta
            if abs(delta - 1) <= Double.ulpOfOne { break }
            i += 1
        }
        return min(prefactor * fraction, 1)
    }

    /// x^a·e^(-x)/Γ(a).
    static func powerExpOverGamma(_ a: Double, _ x: Double) -> Double {
        if a < 10 {
            return exp(a * log(x) - x - lgamma(a))
        }
        // a·log(x) - x - lgamma(a) = a·(log(1 + σ) - σ) + ½·log(a / 2π) - stirling(a), σ = (x - a)/a: each part is
        // computed without cancelling large terms.
        let sigma = (x - a) / a
        return (a / (2 * Double.pi)).squareRoot() * exp(a * log1pMinusX(sigma) - stirlingCorrection(a))
    }

    /// log(1 + σ) - σ without cancellation near 0: with t = σ/(2 + σ), log(1 + σ) = 2·atanh(t) and σ - 2t = σ·t.
    static func log1pMinusX(_ sigma: Double) -> Double {
        if sigma <= -1 { return sigma == -1 ? -.infinity : .nan }
        if abs(sigma) > 0.5 { return log1p(sigma) - sigma }
        let t = sigma / (2 + sigma)
        let t2 = t * t
        var power = t * t2
        var series = 0.0
        var k = 3.0
        while true {
            let term = power / k
            series += term
            if abs(term) <= abs(series) * Double.ulpOfOne / 4 { break }
            power *= t2
            k += 2
            if k > 199 { break }
        }
        return -sigma * t + 2 * series
    }

    /// lgamma(a) - ((a - ½)·log(a) - a + ½·log(2π)), Stirling's series, for a ≥ 10 (its terms stay below 1e-16 of
    /// the first beyond the seventh there).
    static func stirlingCorrection(_ a: Double) -> Double {
        let coefficients: [Double] = [
            1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360_360, 1.0 / 156,
        ]
        let inverse = 1 / a
        let inverseSquared = inverse * inverse
        var sum = 0.0
        for coefficient in coefficients.reversed() { sum = sum * inverseSquared + coefficient }
        return sum * inverse
    }
}

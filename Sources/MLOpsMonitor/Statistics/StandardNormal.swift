import Foundation

/// The standard normal distribution's tail and quantile, as SciPy computes them (Cephes `ndtr` and `ndtri`).
public enum StandardNormal {
    /// P(Z > z) for a standard normal Z: `scipy.stats.norm.sf(z)` (`scipy.special.ndtr(-z)`).
    ///
    /// Cephes' `ndtr` over the platform's `erf`/`erfc`: ½ + ½·erf(x) for |x| < 1, else ½·erfc(|x|) (or 1 minus it),
    /// with x = −z/√2, so the far upper tail keeps full relative precision down to the least subnormal
    /// (z ≈ 38.5); the rounding of z/√2 costs up to about z²·1e-16 relative there (4e-13 at z = 37), as in SciPy.
    /// NaN gives NaN, +inf gives 0 and −inf gives 1.
    public static func survival(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        let x = -z * 0.70710678118654752440
        if abs(x) < 1 { return 0.5 + 0.5 * erf(x) }
        let tail = 0.5 * erfc(abs(x))
        return x > 0 ? 1 - tail : tail
    }

    /// The z with P(Z ≤ z) = p: `scipy.stats.norm.ppf(p)` (`scipy.special.ndtri(p)`), a port of Cephes `ndtri`, to
    /// about 1e-16 relative.
    ///
    /// p = 0 gives −inf, p = 1 gives +inf; p outside [0, 1] or NaN gives NaN. A rational approximation in p − ½
    /// for e^-2 < p < 1 − e^-2, else two in 1/√(−2·log q) for the smaller tail q (split at q = e^-32).
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let expMinusTwo = 0.13533528323661269189
        var y = p
        var upper = false
        if y > 1 - expMinusTwo {
            y = 1 - y
            upper = true
        }
        if y > expMinusTwo {
            y -= 0.5
            let y2 = y * y
            let x = y + y * (y2 * polynomial(y2, centralNumerator) / monicPolynomial(y2, centralDenominator))
            return x * 2.50662827463100050242  // √(2π)
        }
        let x = (-2 * log(y)).squareRoot()
        let x0 = x - log(x) / x
        let z = 1 / x
        let x1: Double
        if x < 8 {
            // y > exp(-32) = 1.27e-14
            x1 = z * polynomial(z, nearNumerator) / monicPolynomial(z, nearDenominator)
        } else {
            x1 = z * polynomial(z, farNumerator) / monicPolynomial(z, farDenominator)
        }
        let result = x0 - x1
        return upper ? result : -result
    }

    /// c[0]·x^n + … + c[n] (Cephes `polevl`).
    static func polynomial(_ x: Double, _ coefficients: [Double]) -> Double {
        var result = 0.0
        for coefficient in coefficients { result = result * x + coefficient }
        return result
    }

    /// x^n + c[0]·x^(n−1) + … + c[n−1], the leading coefficient 1 implied (Cephes `p1evl`).
    static func monicPolynomial(_ x: Double, _ coefficients: [Double]) -> Double {
        var result = 1.0
        for coefficient in coefficients { result = result * x + coefficient }
        return result
    }

    /// Cephes `ndtri` P0/Q0, for 0 ≤ |p − ½| ≤ 3/8.
    private static let centralNumerator = [
        -5.99633501014107895267E1, 9.80010754185999661536E1, -5.66762857469070293439E1,
        1.39312609387279679503E1, -1.23916583867381258016E0,
    ]
    private static let centralDenominator = [
        1.95448858338141759834E0, 4.67627912898881538453E0, 8.63602421390890590575E1, -2.25462687854119370527E2,
        2.00260212380060660359E2, -8.20372256168333339912E1, 1.59056225126211695515E1, -1.18331621121330003142E0,
    ]
    /// P1/Q1, for z = √(−2·log p) between 2 and 8.
    private static let nearNumerator = [
        4.05544892305962419923E0, 3.15251094599893866154E1, 5.71628192246421288162E1,
        4.40805073893200834700E1, 1.46849561928858024014E1, 2.18663306850790267539E0,
        -1.40256079171354495875E-1, -3.50424626827848203418E-2, -8.57456785154685413611E-4,
    ]
    private static let nearDenominator = [
        1.57799883256466749731E1, 4.53907635128879210584E1, 4.13172038254672030440E1,
        1.50425385692907503408E1, 2.50464946208309415979E0, -1.42182922854787788574E-1,
        -3.80806407691578277194E-2, -9.33259480895457427372E-4,
    ]
    /// P2/Q2, for z between 8 and 64.
    private static let farNumerator = [
        3.23774891776946035970E0, 6.91522889068984211695E0, 3.93881025292474443415E0,
        1.33303460815807542389E0, 2.01485389549179081538E-1, 1.23716634817820021358E-2,
        3.01581553508235416007E-4, 2.65806974686737550832E-6, 6.23974539184983293730E-9,
    ]
    private static let farDenominator = [
        6.02427039364742014255E0, 3.67983563856160859403E0, 1.37702099489081330271E0, 2.16236993594496635890E-1,
        1.34204006088543189037E-2, 3.28014464682127739104E-4, 2.89247864745380683936E-6, 6.79019408009981274425E-9,
    ]
}

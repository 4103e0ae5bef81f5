import Foundation

/// The regularized incomplete beta function and its inverse, for Student's t distribution (``StudentT``).
///
/// Ports of Cephes `incbet` and `incbi` (Stephen L. Moshier's Cephes Math Library, as SciPy carries it in
/// `xsf/cephes`), with changes that only add precision:
/// - Both take x together with its complement 1 − x, and both return the pair (I, 1 − I). Cephes forms 1 − x and
///   1 − I by subtraction, which loses every digit of a complement near 0: Student's t needs I_z(ν/2, ½) with
///   z = ν/(ν + t²) near 1 for large ν, and tails far below 1e-16.
/// - ln B(a, b) for a + b beyond the gamma function's range avoids the cancellation of
///   lgamma(a) + lgamma(b) − lgamma(a + b) (Stirling's series with log1p), which cost Cephes about 1e-9 at a = 5e5.
/// - For a ≥ 15 and b ≤ 1, where Cephes falls back on its continued fractions (1e-11 relative at a = 5e5, b = ½,
///   Student's t with ν = 1e6, and 3e-5 at ν = 1e12), the asymptotic expansion of TOMS 708 (`bgrat`) is used, as
///   Boost and SciPy's cdflib do; Student's t is then within 3e-14 of 60-digit values for ν up to 1e15.
/// - The inverse tracks I_x − y on the side of the pair that holds it precisely, so its root finding keeps full
///   relative precision for targets down to the least normal double on either side.
enum BetaFunctions {
    /// Cephes `MACHEP`, 2^-53.
    static let machineEpsilon = 1.11022302462515654042e-16
    /// Cephes `MAXLOG`, log(DBL_MAX).
    static let maximumLog = 7.09782712893383996843e2
    /// Cephes `MINLOG`, log(2^-1022).
    static let minimumLog = -7.08396418532264106224e2
    /// Cephes `MAXGAM`: Γ overflows beyond it.
    static let maximumGamma = 171.624376956302725

    /// I_x(a, b), the regularized incomplete beta function (`scipy.special.betainc(a, b, x)`, Cephes `incbet`).
    ///
    /// NaN for a ≤ 0, b ≤ 0, a non-finite a or b, x outside [0, 1] or a NaN argument; I_0 = 0 and I_1 = 1.
    static func regularizedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        incompleteBeta(a, b, x: x, complement: 1 - x).lower
    }

    /// The pair (I_x(a, b), 1 − I_x(a, b) = I_(1−x)(b, a)) for x and its complement y = 1 − x, both supplied so that
    /// whichever is small keeps its relative precision.
    ///
    /// Cephes computes one member of the pair directly (the power series for I_x, or, reversing a and b when x is
    /// above the mean a/(a + b), the continued fractions, the asymptotic expansion when a ≥ 15 and b ≤ 1, or the series
    /// for the complement) and the other as 1 minus it; the directly computed one is the smaller or close to ½, so
    /// both hold full relative precision in practice. Results below about 1e-308 (Cephes' MINLOG) may be 0.
    static func incompleteBeta(_ a: Double, _ b: Double, x: Double, complement y: Double)
        -> (lower: Double, upper: Double)
    {
        guard a > 0, b > 0, a.isFinite, b.isFinite, x >= 0, x <= 1, y >= 0, y <= 1 else { return (.nan, .nan) }
        // x = 1 with y > 0 (or y = 1 with x > 0) is a complement below half an ulp of 1: the other one holds it.
        if x == 0 { return (0, 1) }
        if y == 0 { return (1, 0) }
        if b * x <= 1 && x <= 0.95 {
            let lower = powerSeries(a, b, x)
            return (lower, 1 - lower)
        }
        // Reverse a and b if x is greater than the mean; `direct` is then the complement.
        let reversed = x > a / (a + b)
        let (p, q, u, v) = reversed ? (b, a, y, x) : (a, b, x, y)
        let direct: Double
        if reversed && q * u <= 1 && u <= 0.95 {
            direct = powerSeries(p, q, u)
        } else if p >= 15 && q <= 1, let expansion = largeParameterExpansion(p, q, x: u, y: v) {
            direct = expansion
        } else {
            // Choose the expansion that converges faster.
            let fraction: Double
            if u * (p + q - 2) - (p - 1) < 0 {
                fraction = continuedFraction(p, q, u)
            } else {
                fraction = continuedFractionOfRatio(p, q, u, v) / v
            }
            // Multiply by x^a (1 − x)^b Γ(a + b) / (a Γ(a) Γ(b)).
            let logU = logarithm(u, complement: v)
            let logV = logarithm(v, complement: u)
            if p + q < maximumGamma && abs(p * logU) < maximumLog && abs(q * logV) < maximumLog {
                var t = power(v, complement: u, q)
                t *= power(u, complement: v, p)
                t /= p
                t *= fraction
                t *= 1 / beta(p, q)
                direct = t
            } else {
                let logT = p * logU + q * logV - logBeta(p, q) + log(fraction / p)
                direct = logT < minimumLog ? 0 : exp(logT)
            }
        }
        return reversed ? (1 - direct, direct) : (direct, 1 - direct)
    }

    /// The x with I_x(a, b) = y (`scipy.special.betaincinv(a, b, y)`, Cephes `incbi`), returned with its complement
    /// 1 − x, each to about 1e-14 relative.
    ///
    /// `complement` is 1 − y, supplied when y is near 1 so that the target keeps its precision. y ≤ 0 gives (0, 1),
    /// y ≥ 1 gives (1, 0); NaN for a ≤ 0, b ≤ 0, a non-finite a or b, or a NaN y.
    ///
    /// Cephes' scheme: an approximation through the normal quantile when a, b > 1, else the mean as a start;
    /// interval halving until within a relative 1e-4 (1e-6 when a or b ≤ 1) of the target, reversing a and b
    /// whenever the bracket passes 0.75 so that the variable solved for stays small; then up to eight Newton steps,
    /// and halving to 256 ulps if they do not converge.
    static func inverseIncompleteBeta(_ a: Double, _ b: Double, _ y: Double, complement: Double? = nil)
        -> (x: Double, complement: Double)
    {
        guard a > 0, b > 0, a.isFinite, b.isFinite, !y.isNaN else { return (.nan, .nan) }
        let yComplement = complement ?? 1 - y
        if y <= 0 { return (0, 1) }
        if y >= 1 || yComplement <= 0 { return (1, 0) }
        var solver = InverseSolver(a: a, b: b, target: y, targetComplement: yComplement)
        return solver.solve()
    }

    /// B(a, b) = Γ(a) Γ(b) / Γ(a + b) for a, b > 0 with a + b below ``maximumGamma`` (Cephes `beta`).
    static func beta(_ a: Double, _ b: Double) -> Double {
        let (large, small) = a >= b ? (a, b) : (b, a)
        if large > 1e6 * small && large > 1e6 { return exp(asymptoticLogBeta(large, small)) }
        let sum = large + small
        if sum > maximumGamma { return exp(logBeta(large, small)) }
        let reciprocal = 1 / tgamma(sum)
        let gammaA = tgamma(a)
        let gammaB = tgamma(b)
        // Cephes multiplies the factor nearer 1 first, which keeps the product in range.
        if abs(abs(gammaA * reciprocal) - 1) > abs(abs(gammaB * reciprocal) - 1) {
            return gammaB * reciprocal * gammaA
        }
        return gammaA * reciprocal * gammaB
    }

    /// ln B(a, b) for a, b > 0 (Cephes `lbeta`).
    ///
    /// Beyond the gamma function's range, with a ≥ b (so a > 85), Stirling's series for lgamma(a) − lgamma(a + b)
    /// is combined before it is evaluated: −(a − ½)·log1p(b/a) − b·log(a + b) + b + s(a) − s(a + b), no term of
    /// which is large when b is small, unlike lgamma(a) − lgamma(a + b) itself (about 6e6 at a = 5e5).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let (large, small) = a >= b ? (a, b) : (b, a)
        if large > 1e6 * small && large > 1e6 { return asymptoticLogBeta(large, small) }
        let sum = large + small
        if sum > maximumGamma {
            let ratio =
                -(large - 0.5) * log1p(small / large) - small * log(sum) + small
                + GammaFunctions.stirlingCorrection(large) - GammaFunctions.stirlingCorrection(sum)
            return lgamma(small) + ratio
        }
        return log(beta(large, small))
    }

    /// ln B(a, b) for a > 1e6·max(b, 1): Cephes `lbeta_asymp`.
    private static func asymptoticLogBeta(_ a: Double, _ b: Double) -> Double {
        var r: Double = lgamma(b)
        r -= b * log(a)
        r += b * (1 - b) / (2 * a)
        r += b * (1 - b) * (1 - 2 * b) / (12 * a * a)
        r += -b * b * (1 - b) * (1 - b) / (12 * a * a * a)
        return r
    }

    /// log(base) where base = 1 − complement: log1p(−complement) when base is near 1.
    private static func logarithm(_ base: Double, complement: Double) -> Double {
        base > 0.5 ? log1p(-complement) : log(base)
    }

    /// base^exponent where base = 1 − complement: through log1p(−complement) when base is near 1, where the
    /// complement holds more digits than base itself.
    private static func power(_ base: Double, complement: Double, _ exponent: Double) -> Double {
        base > 0.5 ? exp(exponent * log1p(-complement)) : pow(base, exponent)
    }

    /// I_x(a, b) by its power series, for b·x ≤ 1 and x ≤ 0.95 (Cephes `incbet_pseries`).
    private static func powerSeries(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let inverseA = 1 / a
        var u = (1 - b) * x
        var v = u / (a + 1)
        let firstTerm = v
        var t = u
        var n = 2.0
        var sum = 0.0
        let tolerance = machineEpsilon * inverseA
        // The terms shrink at least like x^n with x ≤ 0.95; the cap only guards against a non-finite argument.
        var iterations = 0
        while abs(v) > tolerance && iterations < 10_000 {
            u = (n - b) * x / n
            t *= u
            v = t / (a + n)
            sum += v
            n += 1
            iterations += 1
        }
        sum += firstTerm
        sum += inverseA
        let logPower = a * log(x)
        if a + b < maximumGamma && abs(logPower) < maximumLog {
            return (sum * (1 / beta(a, b))) * pow(x, a)
        }
        let logResult = -logBeta(a, b) + logPower + log(sum)
        return logResult < minimumLog ? 0 : exp(logResult)
    }

    /// I_x(a, b) for a ≥ 15 and b ≤ 1 by the asymptotic expansion of DiDonato and Morris (TOMS 708 `bgrat`, Algorithm
    /// 708, 1992), or nil where it cannot be evaluated (a result below the double range).
    ///
    /// Cephes' continued fractions lose about 1e-9 relative at a = 5e5, b = ½ (Student's t with ν = 1e6), and
    /// need more than their 300 terms beyond; this expansion in powers of 1/ν², ν = a + (b − 1)/2, converges to
    /// double precision in a few terms there. I_x = U·Σ d_n·J_n, with z = −ν·ln x, J_0 = Q(b, z)/r,
    /// r = e^(−z)·z^b/Γ(b) and U = r·Γ(a + b)/(Γ(a)·ν^b); ln(Γ(a)/Γ(a + b)) + b·ln ν is taken from Stirling's series
    /// combined before evaluation (see ``logBeta(_:_:)``), where TOMS 708 calls `algdiv`.
    private static func largeParameterExpansion(_ a: Double, _ b: Double, x: Double, y: Double) -> Double? {
        let bm1 = (b - 0.5) - 0.5
        let nu = a + 0.5 * bm1
        let lnx = y > 0.375 ? log(x) : log1p(-y)
        let z = -nu * lnx
        if b * z == 0 { return nil }
        let r = exp(b * log(z) - z) / tgamma(b)
        let logRatio =
            -(a - 0.5) * log1p(b / a) + b + GammaFunctions.stirlingCorrection(a)
            - GammaFunctions.stirlingCorrection(a + b) + b * log1p(-(b + 1) / (2 * (a + b)))
        let u = r * exp(-logRatio)
        if r == 0 || u == 0 || !u.isFinite { return nil }
        let q = GammaFunctions.regularizedUpperGamma(b, z)
        let v = 0.25 / (nu * nu)
        let t2 = 0.25 * lnx * lnx
        var j = q / r
        var sum = j
        var t = 1.0
        var cn = 1.0
        var n2 = 0.0
        var c = [Double](repeating: 0, count: 30)
        var d = [Double](repeating: 0, count: 30)
        for n in 1...30 {
            let bp2n = b + n2
            j = (bp2n * (bp2n + 1) * j + (z + bp2n + 1) * t) * v
            n2 += 2
            t *= t2
            cn /= n2 * (n2 + 1)
            c[n - 1] = cn
            var s = 0.0
            var coefficient = b - Double(n)
            for i in 1..<n {
                s += coefficient * c[i - 1] * d[n - i - 1]
                coefficient += b
            }
            d[n - 1] = bm1 * cn + s / Double(n)
            let dj = d[n - 1] * j
            sum += dj
            if sum <= 0 { return nil }
            if abs(dj) <= machineEpsilon * sum { break }
        }
        return u * sum
    }

    /// Cephes' rescaling thresholds for the continued fractions' numerators and denominators.
    private static let big = 4.503599627370496e15
    private static let bigInverse = 2.22044604925031308085e-16

    /// The continued fraction expansion #1 for the incomplete beta integral (Cephes `incbcf`).
    private static func continuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        var k1 = a
        var k2 = a + b
        var k3 = a
        var k4 = a + 1
        var k5 = 1.0
        var k6 = b - 1
        var k7 = a + 1
        var k8 = a + 2
        return evaluateFraction(x) {
            let first = -(x * k1 * k2) / (k3 * k4)
            let second = (x * k5 * k6) / (k7 * k8)
            k1 += 1
            k2 += 1
            k3 += 2
            k4 += 2
            k5 += 1
            k6 -= 1
            k7 += 2
            k8 += 2
            return (first, second)
        }
    }

    /// The continued fraction expansion #2 (Cephes `incbd`), in z = x / (1 − x); the caller divides by 1 − x.
    private static func continuedFractionOfRatio(_ a: Double, _ b: Double, _ x: Double, _ complement: Double)
        -> Double
    {
        let z = x / complement
        var k1 = a
        var k2 = b - 1
        var k3 = a
        var k4 = a + 1
        var k5 = 1.0
        var k6 = a + b
        var k7 = a + 1
        var k8 = a + 2
        return evaluateFraction(z) {
            let first = -(z * k1 * k2) / (k3 * k4)
            let second = (z * k5 * k6) / (k7 * k8)
            k1 += 1
            k2 -= 1
            k3 += 2
            k4 += 2
            k5 += 1
            k6 += 1
            k7 += 2
            k8 += 2
            return (first, second)
        }
    }

    /// Cephes' forward recurrence shared by `incbcf` and `incbd`: two partial numerators per step (from
    /// `nextCoefficients`), stopping at a relative change below 3 ulps (Cephes stops after 300 steps; the cap here
    /// is 200,000, which only parameters far beyond Cephes' range approach).
    private static func evaluateFraction(_ x: Double, nextCoefficients: () -> (Double, Double)) -> Double {
        var pkm2 = 0.0
        var qkm2 = 1.0
        var pkm1 = 1.0
        var qkm1 = 1.0
        var answer = 1.0
        var ratio = 1.0
        let threshold = 3 * machineEpsilon
        for _ in 0..<200_000 {
            let (first, second) = nextCoefficients()
            var pk = pkm1 + pkm2 * first
            var qk = qkm1 + qkm2 * first
            pkm2 = pkm1
            pkm1 = pk
            qkm2 = qkm1
            qkm1 = qk
            pk = pkm1 + pkm2 * second
            qk = qkm1 + qkm2 * second
            pkm2 = pkm1
            pkm1 = pk
            qkm2 = qkm1
            qkm1 = qk
            if qk != 0 { ratio = pk / qk }
            let change: Double
            if ratio != 0 {
                change = abs((answer - ratio) / ratio)
                answer = ratio
            } else {
                change = 1
            }
            if change < threshold { break }
            if abs(qk) + abs(pk) > big {
                pkm2 *= bigInverse
                pkm1 *= bigInverse
                qkm2 *= bigInverse
                qkm1 *= bigInverse
            }
            if abs(qk) < bigInverse || abs(pk) < bigInverse {
                pkm2 *= big
                pkm1 *= big
                qkm2 *= big
                qkm1 *= big
            }
        }
        return answer
    }
}

/// Cephes `incbi`'s state: its `goto`s between interval halving and Newton's method become the two methods here.
///
/// Where Cephes compares y = I_x(a, b) with the target y0 it compares the offset f = I_x − y0 here, taken from the
/// side of the pair (I, 1 − I) that holds it precisely; the bracket values yl, yh become offsets too.
private struct InverseSolver {
    let originalA: Double
    let originalB: Double
    let originalTarget: Double
    let originalTargetComplement: Double
    var a: Double
    var b: Double
    var target: Double
    var targetComplement: Double
    /// True while a and b are swapped: x is then the complement of the answer.
    var reversed = false
    var x = 0.0
    var offset = 0.0
    var lowX = 0.0
    var highX = 1.0
    var lowOffset: Double
    var highOffset: Double
    var threshold = 1e-6
    var newtonTried = false

    private static let epsilon = BetaFunctions.machineEpsilon

    init(a: Double, b: Double, target: Double, targetComplement: Double) {
        originalA = a
        originalB = b
        originalTarget = target
        originalTargetComplement = targetComplement
        self.a = a
        self.b = b
        self.target = target
        self.targetComplement = targetComplement
        lowOffset = -target
        highOffset = targetComplement
    }

    /// I_x(a, b) − target, from the precise side.
    func offset(at x: Double) -> Double {
        let pair = BetaFunctions.incompleteBeta(a, b, x: x, complement: 1 - x)
        return target <= 0.5 ? pair.lower - target : targetComplement - pair.upper
    }

    /// The offset relative to the target (Cephes' (y − y0)/y0), relative to the smaller of target and complement.
    func relativeOffset(_ offset: Double) -> Double { offset / min(target, targetComplement) }

    var result: (x: Double, complement: Double) { reversed ? (1 - x, x) : (x, 1 - x) }

    private enum Step { case halve, newton, underflow, done }

    mutating func solve() -> (x: Double, complement: Double) {
        var step: Step
        if a <= 1 || b <= 1 {
            threshold = 1e-6
            x = a / (a + b)
            offset = offset(at: x)
            step = .halve
        } else {
            threshold = 1e-4
            step = approximate()
        }
        // Each pass either finishes or moves from halving to Newton's method or back; Newton runs twice at most.
        for _ in 0..<8 {
            switch step {
            case .halve: step = halve()
            case .newton: step = newton()
            case .underflow:
                x = 0
                return result
            case .done: return result
            }
        }
        return result
    }

    /// The normal approximation to the inverse, for a, b > 1.
    private mutating func approximate() -> Step {
        var yp = -StandardNormal.quantile(target)
        if target > 0.5 {
            reverse()
            yp = -yp
        }
        let lgm = (yp * yp - 3) / 6
        let h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
        var d = yp * (h + lgm).squareRoot() / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lgm + 5.0 / 6 - 2 / (3 * h))
        d *= 2
        if d < BetaFunctions.minimumLog { return .underflow }
        x = a / (a + b * exp(d))
        offset = offset(at: x)
        return abs(relativeOffset(offset)) < 0.2 ? .newton : .halve
    }

    /// Swaps a and b (and the target with its complement), so that x becomes 1 − x.
    private mutating func reverse() {
        reversed.toggle()
        a = reversed ? originalB : originalA
        b = reversed ? originalA : originalB
        target = reversed ? originalTargetComplement : originalTarget
        targetComplement = reversed ? originalTarget : originalTargetComplement
        lowOffset = -target
        highOffset = targetComplement
    }

    private mutating func halve() -> Step {
        // A reversal restarts the halving; the answer then lies below 0.25, so a second one does not happen.
        var restart = true
        var passes = 0
        while restart && passes < 4 {
            restart = false
            passes += 1
            var direction = 0
            var fraction = 0.5
            for iteration in 0..<100 {
                if iteration != 0 {
                    x = lowX + fraction * (highX - lowX)
                    if x == 1 { x = 1 - Self.epsilon }
                    if x == 0 {
                        fraction = 0.5
                        x = lowX + fraction * (highX - lowX)
                        if x == 0 { return .underflow }
                    }
                    offset = offset(at: x)
                    if abs((highX - lowX) / (highX + lowX)) < threshold { return .newton }
                    if abs(relativeOffset(offset)) < threshold { return .newton }
                }
                if offset < 0 {
                    lowX = x
                    lowOffset = offset
                    if direction < 0 {
                        direction = 0
                        fraction = 0.5
                    } else if direction > 3 {
                        fraction = 1 - (1 - fraction) * (1 - fraction)
                    } else if direction > 1 {
                        fraction = 0.5 * fraction + 0.5
                    } else {
                        fraction = -offset / (highOffset - lowOffset)
                    }
                    direction += 1
                    if lowX > 0.75 {
                        // Solve for the complement instead, which is then the smaller.
                        reverse()
                        x = 1 - x
                        offset = offset(at: x)
                        lowX = 0
                        highX = 1
                        restart = true
                        break
                    }
                } else {
                    // Cephes gives up here (x = 0) when reversed and highX < 2^-53, as 1 − x could not hold the
                    // answer; the pair holds it, so the halving goes on.
                    highX = x
                    highOffset = offset
                    if direction > 0 {
                        direction = 0
                        fraction = 0.5
                    } else if direction < -3 {
                        fraction = fraction * fraction
                    } else if direction < -1 {
                        fraction = 0.5 * fraction
                    } else {
                        fraction = offset / (highOffset - lowOffset)
                    }
                    direction -= 1
                }
            }
        }
        // Cephes reports a loss of precision here and goes on with what it has.
        if lowX >= 1 {
            x = 1 - Self.epsilon
            return .done
        }
        if x <= 0 { return .underflow }
        return .newton
    }

    private mutating func newton() -> Step {
        if newtonTried { return .done }
        newtonTried = true
        let logNormalizer = -BetaFunctions.logBeta(a, b)
        for iteration in 0..<8 {
            if iteration != 0 { offset = offset(at: x) }
            if offset < lowOffset {
                x = lowX
                offset = lowOffset
            } else if offset > highOffset {
                x = highX
                offset = highOffset
            } else if offset < 0 {
                lowX = x
                lowOffset = offset
            } else {
                highX = x
                highOffset = offset
            }
            if x == 1 || x == 0 { break }
            // The density of the beta distribution at x.
            var d = (a - 1) * log(x) + (b - 1) * log1p(-x) + logNormalizer
            if d < BetaFunctions.minimumLog { return .done }
            if d > BetaFunctions.maximumLog { break }
            d = exp(d)
            d = offset / d
            var next = x - d
            if next <= lowX {
                let share = (x - lowX) / (highX - lowX)
                next = lowX + 0.5 * share * (x - lowX)
                if next <= 0 { break }
            }
            if next >= highX {
                let share = (highX - x) / (highX - lowX)
                next = highX - 0.5 * share * (highX - x)
                if next >= 1 { break }
            }
            x = next
            if abs(d / x) < 128 * Self.epsilon { return .done }
        }
        // Did not converge: halve to a tighter threshold, then finish.
        threshold = 256 * Self.epsilon
        return .halve
    }
}

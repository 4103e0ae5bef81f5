import Foundation

/// The distribution of the two-sided one-sample Kolmogorov-Smirnov statistic D_n, as SciPy computes it.
///
/// A port of `scipy/stats/_ksstats.py` (SciPy 1.17): Simard and L'Ecuyer's choice between exact and approximate
/// methods by n and n·d², with the Durbin matrix algorithm (Marsaglia-Tsang-Wang), the Pomeranz recursion, the
/// Pelz-Good expansion, Ruben-Gambino's closed forms and `2 * scipy.special.smirnov` (ported from xsf's
/// `cephes/kolmogorov.h`, in the same double-double arithmetic). The ranges that pick each method are SciPy's.
public enum KolmogorovDistribution {
    /// `scipy.stats.kstwo.sf(d, n)`: Pr(D_n ≥ d), the port of `kolmogn(n, d, cdf=False)` behind `kstwo`'s support
    /// [0.5/n, 1] (d ≤ 0.5/n gives 1, d ≥ 1 gives 0).
    ///
    /// n < 1 or a NaN `d` gives NaN. The work is at most O(n) for the exact sums (n ≤ 1,000,000; larger n uses
    /// SciPy's approximation) and O(k³ log n) with k ≈ n·d ≤ 60 for the matrix method.
    public static func survival(n: Int, d: Double) -> Double {
        guard n >= 1, !d.isNaN else { return .nan }
        if d <= 0.5 / Double(n) { return 1 }
        if d >= 1 { return 0 }
        return kolmogorovSurvival(n, d)
    }

    // MARK: - kolmogn(n, x, cdf=False)

    private static let twoTo128 = 0x1p128
    private static let twoToMinus128 = 0x1p-128

    private static func clip(_ p: Double) -> Double {
        // np.clip keeps NaN.
        p.isNaN ? p : min(max(p, 0), 1)
    }

    /// `_kolmogn(n, x, cdf=False)` for 0 < x < 1.
    static func kolmogorovSurvival(_ n: Int, _ x: Double) -> Double {
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let size = Double(n)
        let t = size * x
        if t <= 1 {
            // Ruben-Gambino: 1/(2n) <= x <= 1/n.
            if t <= 0.5 { return 1 }
            let prob: Double
            if n <= 140 {
                var product = 1.0
                for i in 1...n { product *= Double(i) * (1.0 / size) * (2 * t - 1) }
                prob = product
            } else {
                prob = exp(logFactorialOverPower(n) + size * log(2 * t - 1))
            }
            return clip(1 - prob)
        }
        if t >= size - 1 {
            // Ruben-Gambino at the other end.
            return clip(2 * pow(1 - x, size))
        }
        if x >= 0.5 {
            return clip(2 * smirnovSurvival(n, x))
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 { return clip(1 - durbinMatrixCDF(n, x)) }
            if nxSquared <= 4 { return clip(1 - pomeranzCDF(n, x)) }
            return clip(2 * smirnovSurvival(n, x))
        }
        // SciPy splits the CDF and the survival function at different n·x² cut-offs; this is the survival side.
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 { return clip(2 * smirnovSurvival(n, x)) }
        let cdf: Double
        if nxSquared >= 18 {
            cdf = 1
        } else if n <= 100_000 && size * pow(x, 1.5) <= 1.4 {
            cdf = durbinMatrixCDF(n, x)
        } else {
            cdf = pelzGoodCDF(n, x)
        }
        return clip(1 - cdf)
    }

    /// log(n! / n^n) by Stirling's series with n·log(n) removed up front (`_log_nfactorial_div_n_pow_n`).
    private static func logFactorialOverPower(_ n: Int) -> Double {
        let coefficients = [
            -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
            8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
            -2.7777777777777777778e-3, 8.3333333333333333333e-2,
        ]
        let size = Double(n)
        let rn = 1.0 / size
        var polynomial = 0.0
        for coefficient in coefficients { polynomial = polynomial * (rn / size) + coefficient }
        return log(size) / 2 - size + log(2 * Double.pi) / 2 + rn * polynomial
    }

    // MARK: Durbin matrix (Marsaglia, Tsang, Wang)

    /// `_kolmogn_DMTW(n, d)`: Pr(D_n <= d) as the k-th diagonal entry of (n!/n^n)·H^n, with H of order 2k - 1.
    static func durbinMatrixCDF(_ n: Int, _ d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1

        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var factorial = 1.0
        for j in 1...m {
            w[j - 1] = factorial
            // Underflow of 1/j! is harmless here.
            factorial /= Double(j)
            v[j - 1] = (1.0 - pow(h, Double(j))) * factorial
        }
        let tt = pow(max(2 * h - 1.0, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1.0 + tt) * factorial

        var power = Matrix(order: m)
        for i in 1..<max(m, 1) {
            for row in (i - 1)..<m { power[row, i] = w[row - (i - 1)] }
        }
        for row in 0..<m { power[row, 0] = v[row] }
        for column in 0..<m { power[m - 1, column] = v[m - 1 - column] }

        var result = Matrix.identity(order: m)
        var remaining = n
        var exponent = 0
        var powerExponent = 0
        // Square-and-multiply, rescaling the running power by 2^-128 whenever its k-th diagonal entry passes 2^128 and
        // keeping the scale as an exponent, so that H^n cannot overflow.
        while remaining > 0 {
            if remaining % 2 == 1 {
                result = result.multiplied(by: power)
                exponent += powerExponent
            }
            remaining /= 2
            // SciPy squares once more after the last bit; the result does not use it.
            guard remaining > 0 else { break }
            power = power.multiplied(by: power)
            powerExponent *= 2
            if abs(power[k - 1, k - 1]) > twoTo128 {
                power.scale(by: twoToMinus128)
                powerExponent += 128
            }
        }
        var p = result[k - 1, k - 1]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < twoToMinus128 {
                p *= twoTo128
                exponent -= 128
            }
        }
        if exponent != 0 { p = scalbn(p, exponent) }
        return clip(p)
    }

    /// A small dense square matrix, row-major.
    private struct Matrix {
        let order: Int
        var entries: [Double]

        init(order: Int) {
            self.order = order
            entries = [Double](repeating: 0, count: order * order)
        }

        static func identity(order: Int) -> Matrix {
            var matrix = Matrix(order: order)
            for i in 0..<order { matrix[i, i] = 1 }
            return matrix
        }

        subscript(row: Int, column: Int) -> Double {
            get { entries[row * order + column] }
            set { entries[row * order + column] = newValue }
        }

        mutating func scale(by factor: Double) {
            for index in entries.indices { entries[index] *= factor }
        }

        func multiplied(by other: Matrix) -> Matrix {
            var product = Matrix(order: order)
            let n = order
            // Unsafe buffers keep the O(k³) loop fast in debug builds too.
            entries.withUnsafeBufferPointer { a in
                other.entries.withUnsafeBufferPointer { b in
                    product.entries.withUnsafeMutableBufferPointer { c in
                        for i in 0..<n {
                            for l in 0..<n {
                                let factor = a[i * n + l]
                                if factor == 0 { continue }
                                for j in 0..<n { c[i * n + j] += factor * b[l * n + j] }
                            }
                        }
                    }
                }
            }
            return product
        }
    }

    // MARK: Pomeranz

    /// `_pomeranz_compute_j1j2`: the first and last non-zero entries of row i.
    private static func pomeranzBounds(_ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int) -> (Int, Int) {
        var j1: Int
        var j2: Int
        if i == 0 {
            j1 = -ll - ceilf - 1
            j2 = ll + ceilf - 1
        } else {
            let half = (i + 1) / 2
            if (i + 1) % 2 == 0 {
                if half == n + 1 {
                    j1 = n - ll - ceilf - 1
                    j2 = n + ll + ceilf - 1
                } else {
                    j1 = half - 1 - ll - roundf - 1
                    j2 = half + ll - 1 + ceilf - 1
                }
            } else {
                j1 = half - 1 - ll - 1
                j2 = half + ll + roundf - 1
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// `_kolmogn_Pomeranz(n, x)`: Pr(D_n <= x) by the Pomeranz recursion, each row a convolution of the previous row
    /// with one of three (unnormalised) Poisson probability vectors, rescaled against underflow.
    static func pomeranzCDF(_ n: Int, _ x: Double) -> Double {
        let size = Double(n)
        let t = size * x
        let ll = Int(t.rounded(.down))
        let f = 1.0 * (t - Double(ll))
        let g = min(f, 1.0 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let powerCount = 2 * (ll + 1)
        var gPower = [Double](repeating: 1, count: powerCount)
        var twoGPower = [Double](repeating: 1, count: powerCount)
        var oneMinusTwoGPower = [Double](repeating: 1, count: powerCount)
        let gOverN = g / size
        let twoGOverN = 2 * g / size
        let oneMinusTwoGOverN = (1 - 2 * g) / size
        for m in 1..<powerCount {
            gPower[m] = gPower[m - 1] * gOverN / Double(m)
            twoGPower[m] = twoGPower[m - 1] * twoGOverN / Double(m)
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / Double(m)
        }

        var previous = [Double](repeating: 0, count: powerCount)
        var current = [Double](repeating: 0, count: powerCount)
        current[0] = 1
        var previousStart = 0
        var currentStart = 0
        var exponent = 0
        var (j1, j2) = pomeranzBounds(0, n, ll, ceilf, roundf)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&previous, &current)
            swap(&previousStart, &currentStart)
            for index in current.indices { current[index] = 0 }
            (j1, j2) = pomeranzBounds(i, n, ll, ceilf, roundf)
            let powers = i == 1 || i == 2 * n + 1 ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower)
            let length = j2 - k1 + 1
            guard length > 0 else { continue }
            let offset = k1 - previousStart
            let convolutionStart = j1 - k1
            let convolutionLength = j2 - j1 + 1
            // SciPy's slices stay inside the rows for every n <= 140 (checked exhaustively); a violation would be a
            // bug here, reported as NaN rather than a trap.
            guard offset >= 0, offset + length <= powerCount, length <= powerCount, convolutionStart >= 0,
                convolutionLength <= powerCount, convolutionStart + convolutionLength <= 2 * length - 1
            else { return .nan }
            // The entries convolutionStart ..< convolutionStart + convolutionLength of the full convolution of
            // previous[offset ..< offset + length] with powers[0 ..< length].
            var largest = -Double.infinity
            for r in 0..<convolutionLength {
                let k = convolutionStart + r
                var sum = 0.0
                for a in max(0, k - length + 1)...min(k, length - 1) {
                    sum += previous[offset + a] * powers[k - a]
                }
                current[r] = sum
                largest = max(largest, sum)
            }
            for index in convolutionLength..<powerCount { largest = max(largest, current[index]) }
            if largest > 0 && largest < twoToMinus128 {
                for index in current.indices { current[index] *= twoTo128 }
                exponent -= 128
            }
            currentStart = previousStart + j1 - k1
        }
        let last = n - currentStart
        guard last >= 0, last < powerCount else { return .nan }
        var answer = current[last]
        for m in 1...n {
            if abs(answer) > twoTo128 {
                answer *= twoToMinus128
                exponent += 128
            }
            answer *= Double(m)
        }
        if exponent != 0 { answer = scalbn(answer, exponent) }
        return clip(answer)
    }

    // MARK: Pelz-Good

    /// `_kolmogn_PelzGood(n, x)`: the Li-Chien/Korolyuk expansion in the Pelz-Good form suited to small n·x².
    /// Not clipped, as in SciPy.
    static func pelzGoodCDF(_ n: Int, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let size = Double(n)
        let piSquared = Double.pi * Double.pi
        let piFour = pow(Double.pi, 4)
        let piSix = pow(Double.pi, 6)
        let z = size.squareRoot() * x
        let zSquared = pow(z, 2)
        let zThree = pow(z, 3)
        let zFour = pow(z, 4)
        let zSix = pow(z, 6)

        let qLog = -piSquared / 8 / zSquared
        if qLog < -708 { return 0 }
        var q = exp(qLog)

        let k1a = -zSquared
        let k1b = piSquared / 4
        let k2a = 6 * zSix + 2 * zFour
        let k2b = (2 * zFour - 5 * zSquared) * piSquared / 4
        let k2c = piFour * (1 - 2 * zSquared) / 16
        let k3d = piSix * (5 - 30 * zSquared) / 64
        let k3c = piFour * (-60 * zSquared + 212 * zFour) / 16
        let k3b = piSquared * (135 * zFour - 96 * zSix) / 4
        let k3a = -30 * zSix - 90 * pow(z, 8)

        var terms = [0.0, 0.0, 0.0, 0.0]
        // Horner's scheme over the odd integers m = 2k - 1 of the theta-function sums c_m q^(m²).
        let maxK = Int((16 * z / Double.pi).rounded(.up))
        var k = maxK
        while k >= 1 {
            let m = Double(2 * k - 1)
            let mSquared = m * m
            let mFour = pow(m, 4)
            let mSix = pow(m, 6)
            let qPower = pow(q, Double(8 * k))
            let coefficients = [
                1.0, k1a + k1b * mSquared, k2a + k2b * mSquared + k2c * mFour,
                k3a + k3b * mSquared + k3c * mFour + k3d * mSix,
            ]
            for index in 0..<4 { terms[index] = terms[index] * qPower + coefficients[index] }
            k -= 1
        }
        let sqrtTwoPi = (2 * Double.pi).squareRoot()
        let divisors = [z, 6 * zFour, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for index in 0..<4 { terms[index] = terms[index] * q * sqrtTwoPi / divisors[index] }

        // The sums over all integers k of the extra K2 and K3 terms: no cancellation to speak of, summed directly.
        q = exp(-piSquared / 2 / zSquared)
        let sqrt3z = 3.0.squareRoot() * z
        var k2Extra = 0.0
        var k3Extra = 0.0
        k = maxK
        while k >= 1 {
            let kSquared = Double(k * k)
            let kPi = Double.pi * Double(k)
            let qPower = pow(q, kSquared)
            k2Extra += kSquared * qPower
            k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qPower
            k -= 1
        }
        terms[2] += k2Extra * (piSquared * sqrtTwoPi / (-36 * zThree))
        terms[3] += k3Extra * (piSquared * sqrtTwoPi / (216 * zSix))
        var sum = 0.0
        for index in 0..<4 { sum += terms[index] / pow(size, Double(index) / 2.0) }
        return sum
    }
}

// MARK: - smirnov(n, x)

extension KolmogorovDistribution {
    private static let smirnovMaxComputeN = 1_000_000
    private static let smirnovUpperSumMaxTerms = 3
    private static let smirnovUpperSumMinN = 10
    private static let smirnovMaxExponent = 960
    /// Cephes' MINLOG, log(2^-1074).
    private static let minLog = -7.451332191019412076235e2

    /// `scipy.special.smirnov(n, x)`: Pr(D_n+ ≥ x), the one-sided statistic's survival function, by the
    /// Birnbaum-Tingey sum of terms A_v = C(n, v)·(1 - x - v/n)^(n-v)·(x + v/n)^(v-1), evaluated like xsf in
    /// double-double with each power and binomial kept as a mantissa and a separate binary exponent.
    static func smirnovSurvival(_ n: Int, _ x: Double) -> Double {
        guard n > 0, x >= 0, x <= 1 else { return .nan }
        if n == 1 { return 1 - x }
        if x == 0 { return 1 }
        if x == 1 { return 0 }
        let size = Double(n)
        let (alpha, nxFloor) = floorAndFraction(n, x)
        var n1mxFloor = n - nxFloor - (alpha == 0 ? 0 : 1)
        var n1mxCeil = n - nxFloor
        // With alpha 0 the last term belongs to neither sum.
        if alpha == 0 {
            n1mxFloor -= 1
            n1mxCeil += 1
        }
        if nxFloor == 0 || (nxFloor == 1 && alpha == 0) {
            // x <= 1/n.
            let t = DoubleDouble.power(DoubleDouble(1) + x, n - 1).hi
            return 1 - x * t
        }
        // xsf's int product -2·n, in Double so that no n can overflow it (exact below 2^52, as every size here).
        if -2 * size * x * x < minLog { return 0 }
        if nxFloor >= n - 1 {
            return DoubleDouble.power(DoubleDouble(1) + (-x), n).hi
        }
        if n > smirnovMaxComputeN {
            // SciPy's approximation p ~ exp(-(6nx + 1)² / 18n) when the sum would take too long.
            let logP = -pow(6.0 * size * x + 1, 2) / 18.0 / size
            if logP < -M_LN2 { return exp(logP) }
            return 1 - -expm1(logP)
        }
        let upperTerms = n - n1mxCeil + 1
        let useUpperSum =
            (upperTerms <= 1 && x < 0.5)
            || (n >= smirnovUpperSumMinN && upperTerms <= smirnovUpperSumMaxTerms && x <= 0.5 / size.squareRoot())

        var start = 0
        var step = 1
        var termCount = n1mxFloor + 1
        let middle = n / 2
        var binomial = DoubleDouble(1)
        var binomialExponent = 0
        var term: DoubleDouble
        if useUpperSum {
            start = n
            step = -1
            termCount = n - n1mxCeil + 1
            term = DoubleDouble.power(quotient: DoubleDouble(1) + x, DoubleDouble(1) + 0, n - 1)
        } else {
            let t2 = DoubleDouble.power(quotient: DoubleDouble(1) + (-x), DoubleDouble(1) + 0, n)
            term = t2 / x
        }
        var sum = DoubleDouble(0) + term
        updateBinomial(&binomial, &binomialExponent, n, 0)
        var j = 1
        while j < termCount {
            let v = start + j * step
            term = smirnovTerm(n, x, v, binomial, binomialExponent)
            if term.hi.isFinite && !term.isZero { sum = sum + term }
            if !term.isZero {
                // Stop once the remaining terms cannot change the sum.
                if 4 * Double(termCount - j) * abs(term.hi) < Double.ulpOfOne * sum.hi && j != termCount - 1 { break }
            } else if j > middle {
                break
            }
            updateBinomial(&binomial, &binomialExponent, n, j)
            j += 1
        }
        let probability = (DoubleDouble(x) * sum).hi
        let survival = step < 0 ? 1 - probability : probability
        return clip(survival)
    }

    /// floor(n·x) and its remainder from the exact product (xsf's modNX); a remainder that rounds to 1 carries.
    private static func floorAndFraction(_ n: Int, _ x: Double) -> (alpha: Double, floor: Int) {
        let product = DoubleDouble.product(Double(n), x)
        let floorProduct = product.floor()
        var alpha = (product - floorProduct).hi
        var nxFloor = Int(floorProduct.hi)
        if alpha == 1 {
            nxFloor += 1
            alpha = 0
        }
        return (alpha, nxFloor)
    }

    /// C(n, j + 1) from C(n, j), as a mantissa in [0.5, 1) and a binary exponent.
    private static func updateBinomial(_ mantissa: inout DoubleDouble, _ exponent: inout Int, _ n: Int, _ j: Int) {
        let ratio = DoubleDouble(Double(n - j)) / (Double(j) + 1.0)
        let (scaled, shift) = (mantissa * ratio).frexp()
        exponent += shift
        mantissa = scaled
    }

    /// A_v(n, x) = C(n, v)·(1 - x - v/n)^(n-v)·(x + v/n)^(v-1).
    private static func smirnovTerm(
        _ n: Int, _ x: Double, _ v: Int, _ binomial: DoubleDouble, _ binomialExponent: Int
    ) -> DoubleDouble {
        let size = Double(n)
        let t2x = DoubleDouble(Double(n - v)) / size + (-x)
        let (t2, t2Exponent) = scaledPower(t2x, n - v)
        let t1x = DoubleDouble(Double(v)) / size + x
        let (t1, t1Exponent) = scaledPower(t1x, v - 1)
        let product = t1 * t2 * binomial
        return product.scaled(by: binomialExponent + t1Exponent + t2Exponent)
    }

    /// xsf's nextPowerOf2 (despite the name, x rounded up to a value of 52 significant bits).
    private static func nextPowerOf2(_ x: Double) -> Double {
        let q = scalbn(x, -Double.significandBitCount)
        var l = abs(q + x)
        if l == 0 {
            l = abs(x)
        } else if l < Double(Int32.max) {
            let truncated = Double(Int(l))
            if truncated == l { l = truncated }
        }
        return l
    }

    /// a^m as a mantissa and a binary exponent (xsf's pow2Scaled_D), splitting the power so that no intermediate
    /// result underflows.
    private static func scaledPower(_ a: DoubleDouble, _ m: Int) -> (DoubleDouble, Int) {
        if m <= 0 {
            if m == 0 { return (DoubleDouble(1), 0) }
            let (inverse, inverseExponent) = scaledPower(a, -m)
            let (mantissa, exponent) = (DoubleDouble(1) / inverse).frexp()
            return (mantissa, -inverseExponent + exponent)
        }
        let (y, yExponent) = a.frexp()
        if m == 1 { return (y, yExponent) }
        var maxExponent = smirnovMaxExponent
        if Double(m) * (y.hi - 1) / y.hi < -Double(smirnovMaxExponent) * M_LN2 {
            // y^m may pass 2^-960: split the power where it does.
            let log2y = log(y.hi) / M_LN2
            let log2Answer = Double(m) * log2y
            if log2Answer <= -Double(smirnovMaxExponent) {
                let split = nextPowerOf2(-Double(smirnovMaxExponent) / log2y + 1) / 2
                // Bounded by the test above (log2y < -9e-4 for m <= 1e6); checked so the conversion cannot trap.
                if split.isFinite && split < 1e9 { maxExponent = Int(split) }
            }
            // Unreachable for 0.5 <= y < 1; guards the division below all the same.
            maxExponent = max(maxExponent, 1)
        }
        if m <= maxExponent {
            let (mantissa, exponent) = DoubleDouble.power(y, m).frexp()
            return (mantissa, exponent + m * yExponent)
        }
        let quotient = m / maxExponent
        let remainder = m % maxExponent
        let (y2r, y2rExponent) = scaledPower(y, remainder)
        let (y2m, y2mExponent) = scaledPower(y, maxExponent)
        let (y2mq, y2mqExponentPartial) = scaledPower(y2m, quotient)
        let (mantissa, exponent) = (y2r * y2mq).frexp()
        let y2mqExponent = y2mqExponentPartial + y2mExponent * quotient
        return (mantissa, exponent + y2mqExponent + y2rExponent + m * yExponent)
    }
}

/// Double-double arithmetic as in xsf's `dd_real.h` (from the QD package): a value hi + lo with |lo| ≤ ulp(hi)/2.
/// Converting to Double takes `hi`, as xsf does.
private struct DoubleDouble {
    var hi: Double
    var lo: Double

    init(_ hi: Double, _ lo: Double = 0) {
        self.hi = hi
        self.lo = lo
    }

    var isZero: Bool { hi == 0 && lo == 0 }

    static func quickTwoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        return (s, b - (s - a))
    }

    static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let c = s - a
        let d = b - c
        let e = s - c
        return (s, (a - e) + d)
    }

    static func product(_ a: Double, _ b: Double) -> DoubleDouble {
        let p = a * b
        return DoubleDouble(p, fma(a, b, -p))
    }

    static func + (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
        var (s1, s2) = twoSum(lhs.hi, rhs.hi)
        let (t1, t2) = twoSum(lhs.lo, rhs.lo)
        s2 += t1
        (s1, s2) = quickTwoSum(s1, s2)
        s2 += t2
        (s1, s2) = quickTwoSum(s1, s2)
        return DoubleDouble(s1, s2)
    }

    static func + (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
        var (s1, s2) = twoSum(lhs.hi, rhs)
        s2 += lhs.lo
        (s1, s2) = quickTwoSum(s1, s2)
        return DoubleDouble(s1, s2)
    }

    static prefix func - (value: DoubleDouble) -> DoubleDouble { DoubleDouble(-value.hi, -value.lo) }

    static func - (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble { lhs + (-rhs) }

    static func * (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
        let p1 = lhs.hi * rhs.hi
        var p2 = fma(lhs.hi, rhs.hi, -p1)
        p2 += lhs.hi * rhs.lo + lhs.lo * rhs.hi
        let (s, e) = quickTwoSum(p1, p2)
        return DoubleDouble(s, e)
    }

    static func * (lhs: Double, rhs: DoubleDouble) -> DoubleDouble {
        let p1 = lhs * rhs.hi
        let e1 = fma(lhs, rhs.hi, -p1)
        let p2 = lhs * rhs.lo
        let e2 = fma(lhs, rhs.lo, -p2)
        let (s, e) = quickTwoSum(p1, e2 + p2 + e1)
        return DoubleDouble(s, e)
    }

    static func * (lhs: DoubleDouble, rhs: Double) -> DoubleDouble { rhs * lhs }

    /// Division by a double: the general division below with rhs.lo = 0, whose terms in rhs.lo vanish exactly.
    static func / (lhs: DoubleDouble, rhs: Double) -> DoubleDouble {
        var q1 = lhs.hi / rhs
        var r = lhs - product(rhs, q1)
        var q2 = r.hi / rhs
        r = r - product(rhs, q2)
        let q3 = r.hi / rhs
        (q1, q2) = quickTwoSum(q1, q2)
        return DoubleDouble(q1, q2) + q3
    }

    static func / (lhs: DoubleDouble, rhs: DoubleDouble) -> DoubleDouble {
        var q1 = lhs.hi / rhs.hi
        var r = lhs - rhs * q1
        var q2 = r.hi / rhs.hi
        r = r - rhs * q2
        let q3 = r.hi / rhs.hi
        (q1, q2) = quickTwoSum(q1, q2)
        return DoubleDouble(q1, q2) + q3
    }

    func floor() -> DoubleDouble {
        let high = hi.rounded(.down)
        guard high == hi else { return DoubleDouble(high, 0) }
        let (s, e) = DoubleDouble.quickTwoSum(high, lo.rounded(.down))
        return DoubleDouble(s, e)
    }

    /// x·2^e like ldexp: multiplying by a normal power of two rounds exactly as ldexp does (once, and only when the
    /// result is subnormal), and is much faster than the generic scalbn in the sum's inner loop.
    static func ldexp(_ x: Double, _ e: Int) -> Double {
        if e >= -1022 && e <= 1023 { return x * Double(bitPattern: UInt64(e + 1023) << 52) }
        return scalbn(x, e)
    }

    func scaled(by exponent: Int) -> DoubleDouble {
        DoubleDouble(DoubleDouble.ldexp(hi, exponent), DoubleDouble.ldexp(lo, exponent))
    }

    /// A mantissa with 0.5 <= |hi| < 1 (or |hi| == 1 with lo of the other sign) and the binary exponent.
    func frexp() -> (DoubleDouble, Int) {
        guard hi.isFinite, hi != 0 else { return (self, 0) }
        let biased = Int((hi.bitPattern >> 52) & 0x7ff)
        var exponent = biased == 0 ? Int(hi.exponent) + 1 : biased - 1022
        var mantissa = DoubleDouble.ldexp(hi, -exponent)
        var low = DoubleDouble.ldexp(lo, -exponent)
        if abs(mantissa) == 0.5 && mantissa * low < 0 {
            mantissa *= 2
            low *= 2
            exponent -= 1
        }
        return (DoubleDouble(mantissa, low), exponent)
    }

    /// a^m (xsf's pow_D): libm's pow of the high part, corrected to first order (or exactly, via expm1/log1p, when
    /// the correction is large) for the low part.
    static func power(_ a: DoubleDouble, _ m: Int) -> DoubleDouble {
        if m <= 0 {
            if m == 0 { return DoubleDouble(1) }
            return DoubleDouble(1) / power(a, -m)
        }
        if a.isZero { return DoubleDouble(0) }
        let exponent = Double(m)
        let answer = pow(a.hi, exponent)
        let r = a.lo / a.hi
        var adjustment = exponent * r
        if abs(adjustment) > 1e-8 {
            if abs(adjustment) < 1e-4 {
                adjustment += (exponent * r) * ((exponent - 1) / 2.0 * r)
            } else {
                adjustment = expm1(exponent * log1p(r))
            }
        }
        return DoubleDouble(answer) + answer * adjustment
    }

    /// (a / c)^m (xsf's pow4_D with its two-term arguments already summed).
    static func power(quotient a: DoubleDouble, _ c: DoubleDouble, _ m: Int) -> DoubleDouble {
        if m <= 0 {
            if m == 0 { return DoubleDouble(1) }
            return power(quotient: c, a, -m)
        }
        if a.isZero { return c.isZero ? DoubleDouble(.nan, .nan) : DoubleDouble(0) }
        if c.isZero { return a.hi < 0 ? DoubleDouble(-.infinity, -.infinity) : DoubleDouble(.infinity, .infinity) }
        return power(a / c, m)
    }
}

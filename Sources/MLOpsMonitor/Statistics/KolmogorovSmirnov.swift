import Foundation

/// The two-sample Kolmogorov-Smirnov test, as `scipy.stats.ks_2samp` computes it (SciPy 1.17).
public enum KolmogorovSmirnov {
    /// SciPy's `MAX_AUTO_N`: with `method='auto'` the exact distribution is used while both sizes are at most this.
    static let maximumExactSize = 10_000

    /// `scipy.stats.ks_2samp(ref_raw, cur_raw)` with `method='auto'` and `alternative='two-sided'`: the statistic D
    /// and its p-value, where `ref_raw` and `cur_raw` are the samples with each value repeated `weight` times.
    ///
    /// - D is the largest distance between the two empirical CDFs, evaluated at every value of either sample (ties
    ///   within and across samples are handled as SciPy's `searchsorted(side='right')` does).
    /// - The sizes n1 and n2 are the samples' total weights, rounded to integers (weights are counts; the empirical
    ///   CDFs divide by the unrounded totals, which are the same numbers for counts).
    /// - When max(n1, n2) <= 10000 the p-value is exact: D is rounded onto the lattice h / lcm(n1, n2) and that
    ///   rounded D is returned, as SciPy does; n1 == n2 uses `_compute_prob_outside_square`, otherwise
    ///   `_compute_outer_prob_inside_method`; when that fails (a probability outside [0, 1]) the asymptotic path
    ///   takes over, as in SciPy.
    /// - Otherwise the p-value is `kstwo.sf(D, round(n1·n2 / (n1 + n2)))` (``KolmogorovDistribution``).
    ///
    /// An empty sample, or a total weight that does not round to at least 1, gives (NaN, NaN) where SciPy raises.
    /// Cost: one merge of the two value lists, O(k1 + k2) for k distinct values, plus the distribution: O(n) for the
    /// equal-size exact path and about O(n1·n2·D / gcd) bounded by O(n1·n2) for the unequal one.
    public static func test(reference: WeightedSample, current: WeightedSample) -> (statistic: Double, pValue: Double) {
        guard !reference.isEmpty, !current.isEmpty, let n1 = sampleSize(reference), let n2 = sampleSize(current)
        else { return (.nan, .nan) }
        var d = statistic(reference, current)
        guard !d.isNaN else { return (.nan, .nan) }
        let g = greatestCommonDivisor(n1, n2)
        var pValue = -Double.infinity
        var asymptotic = max(n1, n2) > maximumExactSize
        if !asymptotic {
            let exact = attemptExact(n1, n2, g, d)
            d = exact.d
            pValue = exact.probability
            asymptotic = !exact.success
        }
        if asymptotic {
            let m = Double(max(n1, n2))
            let n = Double(min(n1, n2))
            let en = m * n / (m + n)
            pValue = KolmogorovDistribution.survival(n: Int(en.rounded(.toNearestOrEven)), d: d)
        }
        if !pValue.isNaN { pValue = min(max(pValue, 0), 1) }
        return (d, pValue)
    }

    /// The total weight as a count ≥ 1, or nil.
    private static func sampleSize(_ sample: WeightedSample) -> Int? {
        let rounded = sample.total.rounded()
        guard rounded >= 1, rounded < 0x1p52 else { return nil }
        return Int(rounded)
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// max |F1(x) - F2(x)| over every value x of either sample, one merge pass over the sorted distinct values.
    ///
    /// The cumulative weights are exact (integral counts below 2^53), and each difference is computed as
    /// count1 / n1 - count2 / n2 like SciPy's `cdf1 - cdf2`, so D is bit-identical to SciPy's.
    static func statistic(_ reference: WeightedSample, _ current: WeightedSample) -> Double {
        let n1 = reference.total
        let n2 = current.total
        let count1 = min(reference.values.count, reference.weights.count)
        let count2 = min(current.values.count, current.weights.count)
        var largest = 0.0
        reference.values.withUnsafeBufferPointer { values1 in
            reference.weights.withUnsafeBufferPointer { weights1 in
                current.values.withUnsafeBufferPointer { values2 in
                    current.weights.withUnsafeBufferPointer { weights2 in
                        var i = 0
                        var j = 0
                        var cumulative1 = 0.0
                        var cumulative2 = 0.0
                        while i < count1 || j < count2 {
                            let x = j >= count2 || (i < count1 && values1[i] <= values2[j]) ? values1[i] : values2[j]
                            if i < count1 && values1[i] == x {
                                cumulative1 += weights1[i]
                                i += 1
                            }
                            if j < count2 && values2[j] == x {
                                cumulative2 += weights2[j]
                                j += 1
                            }
                            let difference = abs(cumulative1 / n1 - cumulative2 / n2)
                            if difference > largest || difference.isNaN { largest = difference }
                        }
                    }
                }
            }
        }
        return largest
    }

    /// `_attempt_exact_2kssamp(n1, n2, g, d, 'two-sided')`: D rounded onto the lattice h / lcm(n1, n2), and the
    /// exact probability of a D at least that large.
    static func attemptExact(_ n1: Int, _ n2: Int, _ g: Int, _ d: Double) -> (
        success: Bool, d: Double, probability: Double
    ) {
        let lcm = (n1 / g) * n2
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let rounded = Double(h) * 1.0 / Double(lcm)
        if h == 0 { return (true, rounded, 1.0) }
        let probability = n1 == n2 ? probabilityOutsideSquare(n1, h) : outerProbabilityInside(n1, n2, g, h)
        guard probability >= 0 && probability <= 1 else { return (false, rounded, probability) }
        return (true, rounded, probability)
    }

    /// `_compute_prob_outside_square(n, h)`: Pr(D_{n,n} ≥ h/n) = 2·(C(2n, n-h) - C(2n, n-2h) + ...) / C(2n, n),
    /// evaluated as 2·A0·(1 - A1·(1 - A2·(...))) with each ratio A_k a product of h simple factors, which avoids both
    /// the huge binomials and the cancellation of the alternating sum.
    static func probabilityOutsideSquare(_ n: Int, _ h: Int) -> Double {
        var p = 0.0
        var k = Int((Double(n) / Double(h)).rounded(.down))
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            p = p1 * (1.0 - p)
            k -= 1
        }
        return 2 * p
    }

    /// `_compute_outer_prob_inside_method(m, n, g, h)` (scipy/stats/_stats_pythran.py): the share of lattice paths
    /// from (0, 0) to (m, n) that leave the band |x/m - y/n| < h / lcm(m, n).
    ///
    /// Viehmann's recursion computes 1 - p directly (no subtraction of nearly equal numbers) over one column of a
    /// sliding window: A(x, y) = (x·A(x-1, y) + y·A(x, y-1)) / (x + y), with A = 1 outside the band. Each entry is a
    /// share in [0, 1], so nothing overflows.
    static func outerProbabilityInside(_ m: Int, _ n: Int, _ g: Int, _ h: Int) -> Double {
        // The probability is symmetric in m and n; the recursion runs over the columns of the larger.
        let (m, n) = m < n ? (n, m) : (m, n)
        let mg = m / g
        let ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var currentLength = maxj - minj
        // SciPy sizes the column min(2·maxj + 2, n + 1); n + 2 entries hold every index it touches, and the entries
        // past those it wrote stay 1 as in its array.
        var column = [Double](repeating: 1, count: n + 2)
        for index in minj..<maxj { column[index] = 0 }
        return column.withUnsafeMutableBufferPointer { a -> Double in
            for i in 1...m {
                let lastMinj = minj
                let lastLength = currentLength
                minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
                minj = min(minj, n)
                maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
                if maxj <= minj { return 1.0 }
                let x = Double(i)
                var value = minj == 0 ? 0.0 : 1.0
                let shift = minj - lastMinj
                // Reads run ahead of writes (minj never decreases), so the column updates in place. The reciprocal
                // does not depend on `value`, so it leaves the loop-carried chain of divisions that made this twice as
                // slow (55 ms for 1000 vs 10000 at D = 1); it moves results by a few ulps (~1e-15 relative).
                for jj in 0..<(maxj - minj) {
                    let j = Double(jj + minj)
                    let reciprocal = 1 / (x + j)
                    value = (a[jj + shift] * x + value * j) * reciprocal
                    a[jj] = value
                }
                currentLength = maxj - minj
                if lastLength > currentLength {
                    for index in (maxj - minj)..<(maxj - minj + lastLength - currentLength) { a[index] = 1 }
                }
            }
            return a[maxj - minj - 1]
        }
    }
}

import Foundation

/// The Jensen-Shannon distance between two discrete distributions.
public enum JensenShannon {
    /// `scipy.spatial.distance.jensenshannon(p, q, base=2)`: √(JS divergence in bits), in [0, 1]. `p` and `q` are
    /// normalized to sum 1 first, so counts can be passed as they are; `p[i]` and `q[i]` belong to the same category.
    ///
    /// Different lengths, no categories, a negative or non-finite entry, or a side that sums to 0 give NaN. A
    /// divergence that rounding makes slightly negative (identical inputs) gives 0 where SciPy's square root would
    /// give NaN.
    public static func distance(_ p: [Double], _ q: [Double]) -> Double {
        guard p.count == q.count, !p.isEmpty else { return .nan }
        guard p.allSatisfy({ $0.isFinite && $0 >= 0 }), q.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return .nan }
        let sumP = p.reduce(0, +)
        let sumQ = q.reduce(0, +)
        guard sumP > 0, sumQ > 0 else { return .nan }
        var left = 0.0
        var right = 0.0
        for (pi, qi) in zip(p, q) {
            let pn = pi / sumP
            let qn = qi / sumQ
            let m = (pn + qn) / 2.0
            left += relativeEntropy(pn, m)
            right += relativeEntropy(qn, m)
        }
        let divergence = (left + right) / log(2.0)
        return max(divergence / 2.0, 0).squareRoot()
    }

    /// `scipy.special.rel_entr(x, y)` for x, y ≥ 0: x·log(x/y), 0 when x is 0, +inf when only y is 0.
    private static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x > 0 && y > 0 { return x * log(x / y) }
        if x == 0 { return 0 }
        return .infinity
    }
}

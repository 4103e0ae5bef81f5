import Foundation

/// The first Wasserstein (earth mover's) distance between two one-dimensional distributions.
public enum Wasserstein {
    /// `scipy.stats.wasserstein_distance(u.values, v.values, u.weights, v.weights)`: ∫ |U(x) − V(x)| dx, where U and
    /// V are the samples' CDFs with each value carrying its weight's share of the sample's total weight.
    ///
    /// Weights need not be integral. An empty sample or a total weight that is not positive and finite gives NaN.
    /// O(k1 + k2) over the distinct values; the sum is compensated, so its error does not grow with the sample size.
    public static func distance(_ u: WeightedSample, _ v: WeightedSample) -> Double {
        guard !u.isEmpty, !v.isEmpty, u.total > 0, v.total > 0, u.total.isFinite, v.total.isFinite else { return .nan }
        let countU = min(u.values.count, u.weights.count)
        let countV = min(v.values.count, v.weights.count)
        var i = 0
        var j = 0
        var cumulativeU = 0.0
        var cumulativeV = 0.0
        var sum = CompensatedSum()
        // Between consecutive distinct values x and x' of either sample, both CDFs are constant: the distance is
        // Σ |U(x) − V(x)|·(x' − x), SciPy's sum over np.diff of the merged values (its zero steps add nothing).
        while i < countU || j < countV {
            let x = j >= countV || (i < countU && u.values[i] <= v.values[j]) ? u.values[i] : v.values[j]
            if i < countU && u.values[i] == x {
                cumulativeU += u.weights[i]
                i += 1
            }
            if j < countV && v.values[j] == x {
                cumulativeV += v.weights[j]
                j += 1
            }
            let next: Double
            if i < countU && j < countV {
                next = min(u.values[i], v.values[j])
            } else if i < countU {
                next = u.values[i]
            } else if j < countV {
                next = v.values[j]
            } else {
                break
            }
            sum.add(abs(cumulativeU / u.total - cumulativeV / v.total) * (next - x))
        }
        return sum.value
    }
}

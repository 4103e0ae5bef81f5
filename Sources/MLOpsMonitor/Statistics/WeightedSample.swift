import Foundation
import MLOpsLearn

/// A sample as ascending distinct values with positive weights.
///
/// The weights are counts in every use that produces a p-value (``KolmogorovSmirnov``): a value seen three times has
/// weight 3, and the total weight is the sample size. Non-integral weights are meaningful for
/// ``Wasserstein/distance(_:_:)`` only.
///
/// Storing distinct values with counts keeps a column of a million rounded readings small, and every statistic here
/// works on the sorted distinct values in one linear pass.
public struct WeightedSample: Sendable, Equatable {
    /// Ascending, distinct, finite values.
    public var values: [Double]
    /// One weight per value, each > 0.
    public var weights: [Double]
    /// The sum of `weights`, computed once when the sample is built.
    public var total: Double

    /// A sample from values and weights that already satisfy the invariants: `values` ascending, distinct and
    /// finite; `weights` of the same count and each > 0. Nothing is checked or reordered.
    public init(values: [Double], weights: [Double]) {
        self.values = values
        self.weights = weights
        total = weights.reduce(0, +)
    }

    /// A sample from raw observations: NaN and ±infinity are dropped (they are missing values), the rest sorted and
    /// equal values merged into one value whose weight is its count. -0.0 and 0.0 merge into 0.0.
    public init(unsorted raw: [Double]) {
        let finite = FiniteSort.ascending(raw)
        var values: [Double] = []
        var weights: [Double] = []
        values.reserveCapacity(min(finite.count, 1 << 16))
        weights.reserveCapacity(min(finite.count, 1 << 16))
        for value in finite {
            // Adding 0.0 turns -0.0 into 0.0, so the merged value does not depend on which zero sorted first.
            let value = value + 0.0
            if let last = values.last, last == value {
                weights[weights.count - 1] += 1
            } else {
                values.append(value)
                weights.append(1)
            }
        }
        self.values = values
        self.weights = weights
        total = Double(finite.count)
    }

    /// Whether the sample has no values.
    public var isEmpty: Bool { values.isEmpty }

    /// `numpy.quantile(raw, q)` with the default `'linear'` method, where `raw` is each value repeated `weight`
    /// times (weights integral). `q` in [0, 1]; a `q` outside it is clamped the way NumPy's indexing clamps it.
    /// An empty sample or a NaN `q` gives NaN. O(number of distinct values).
    public func quantile(_ q: Double) -> Double {
        guard !values.isEmpty, !q.isNaN else { return .nan }
        let count = total
        // NumPy: virtual index (n - 1) * q, neighbours floor(index) and floor(index) + 1, both clamped to the array,
        // and gamma = index - floor(index) (computed before the clamping, so it is irrelevant when they coincide).
        let index = (count - 1) * q
        if index >= count - 1 { return values[values.count - 1] }
        if index < 0 { return values[0] }
        let previous = index.rounded(.down)
        let gamma = index - previous
        let (below, above) = neighbours(at: previous)
        // numpy's _lerp: the formula anchored at the nearer end keeps the result monotonic and exact at gamma 1.
        let difference = above - below
        if gamma >= 0.5 { return above - difference * (1 - gamma) }
        return below + difference * gamma
    }

    /// The values at 0-based positions `position` and `position + 1` of the expanded sorted raw sample, in one scan.
    private func neighbours(at position: Double) -> (Double, Double) {
        var cumulative = 0.0
        for index in 0..<min(values.count, weights.count) {
            cumulative += weights[index]
            if position < cumulative {
                let next = position + 1 < cumulative || index + 1 == values.count ? index : index + 1
                return (values[index], values[next])
            }
        }
        return (values[values.count - 1], values[values.count - 1])
    }
}

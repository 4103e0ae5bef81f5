/// A mergeable summary of a numeric column's distribution: its distinct values with their counts while there are
/// at most ``exactLimit`` of them, and beyond that ``compressedSize`` centroids of about equal weight (each the mean
/// of the neighbouring values it absorbed, weighted by their counts).
///
/// Exact sketches give exactly the statistics of the raw values (the KS p-value of a 1,000-row reference is exact);
/// compressed ones bound the error of any quantile or empirical CDF by about `1 / compressedSize`. Two sketches
/// merge by adding their counts, and compress again once they hold more than ``exactLimit`` points, so profiles
/// of windows add up and stay bounded.
public struct QuantileSketch: Codable, Sendable, Equatable {
    /// Ascending distinct values (exact) or centroid means (compressed); all finite.
    public private(set) var values: [Double]
    /// The count of each value or centroid; positive and whole.
    public private(set) var weights: [Double]
    /// Whether `values` are the data's own distinct values (nothing was compressed).
    public private(set) var exact: Bool

    /// The most distinct values kept exactly.
    public static let exactLimit = 10_000
    /// The centroids a compressed sketch keeps.
    public static let compressedSize = 2_000

    /// A sketch of finite values already in ascending order.
    public init(ascending sorted: [Double]) {
        var values: [Double] = []
        var weights: [Double] = []
        values.reserveCapacity(min(sorted.count, 1 << 16))
        for value in sorted {
            if let last = values.last, last == value {
                weights[weights.count - 1] += 1
            } else {
                values.append(value)
                weights.append(1)
            }
        }
        self.init(values: values, weights: weights, exact: true)
        compressIfNeeded()
    }

    /// A sketch of values in any order; NaN and infinities are left out (they count as missing).
    public init(unsorted: [Double]) {
        self.init(ascending: FiniteSort.ascending(unsorted))
    }

    init(values: [Double], weights: [Double], exact: Bool) {
        self.values = values
        self.weights = weights
        self.exact = exact
    }

    /// The number of values summarized.
    public var total: Double { weights.reduce(0, +) }

    /// The sketch of both samples together.
    public func merged(with other: QuantileSketch) -> QuantileSketch {
        var values: [Double] = []
        var weights: [Double] = []
        values.reserveCapacity(self.values.count + other.values.count)
        weights.reserveCapacity(values.capacity)
        var left = 0
        var right = 0
        func append(_ value: Double, _ weight: Double) {
            if let last = values.last, last == value {
                weights[weights.count - 1] += weight
            } else {
                values.append(value)
                weights.append(weight)
            }
        }
        while left < self.values.count || right < other.values.count {
            if right == other.values.count || (left < self.values.count && self.values[left] <= other.values[right]) {
                append(self.values[left], self.weights[left])
                left += 1
            } else {
                append(other.values[right], other.weights[right])
                right += 1
            }
        }
        var merged = QuantileSketch(values: values, weights: weights, exact: exact && other.exact)
        merged.compressIfNeeded()
        return merged
    }

    /// Replaces more than ``exactLimit`` points by ``compressedSize`` centroids of about equal weight. A single value
    /// heavier than a centroid (a tie of many rows) stays a point of its own, so ties survive compression.
    private mutating func compressIfNeeded() {
        guard values.count > Self.exactLimit else { return }
        let target = total / Double(Self.compressedSize)
        var compressedValues: [Double] = []
        var compressedWeights: [Double] = []
        compressedValues.reserveCapacity(Self.compressedSize + 1)
        compressedWeights.reserveCapacity(Self.compressedSize + 1)
        // Means as convex combinations: a sum of values near ±1.8e308 would overflow.
        var mean = 0.0
        var weight = 0.0
        func close() {
            guard weight > 0 else { return }
            // A centroid's mean lies between its neighbours'; rounding could make two equal, and then they merge.
            if let last = compressedValues.last, mean <= last {
                let lastWeight = compressedWeights[compressedWeights.count - 1]
                let share = weight / (lastWeight + weight)
                compressedValues[compressedValues.count - 1] = last * (1 - share) + mean * share
                compressedWeights[compressedWeights.count - 1] += weight
            } else {
                compressedValues.append(mean)
                compressedWeights.append(weight)
            }
            mean = 0
            weight = 0
        }
        for (value, count) in zip(values, weights) {
            if count >= target { close() }
            weight += count
            let share = count / weight
            mean = mean * (1 - share) + value * share
            if weight >= target { close() }
        }
        close()
        values = compressedValues
        weights = compressedWeights
        exact = false
    }

    /// What is wrong with a decoded sketch, or nil: lengths, order, finiteness, whole positive counts, size.
    func problem() -> String? {
        guard values.count == weights.count else { return "its values and weights differ in count" }
        guard values.count <= Self.exactLimit else { return "it holds \(values.count) values" }
        for index in values.indices {
            guard values[index].isFinite else { return "it holds a value that is not finite" }
            guard index == 0 || values[index - 1] < values[index] else { return "its values are not ascending" }
            let weight = weights[index]
            guard weight.isFinite, weight >= 1, weight.rounded() == weight else {
                return "it holds a weight of \(weight)"
            }
        }
        return nil
    }
}

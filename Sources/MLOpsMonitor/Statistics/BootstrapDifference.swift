import Foundation
import MLOpsLearn

/// A bootstrap comparison of any statistic between two independent samples A and B: the observed difference, its
/// percentile interval and a two-sided p-value for "no difference".
public struct BootstrapDifference: Sendable, Equatable, Codable {
    /// Which sample a call of the statistic is about.
    public enum Side: Sendable, Hashable {
        case a
        case b
    }

    /// statistic(A) − statistic(B) on the full samples.
    public let difference: Double
    /// The lower percentile bound of the resampled differences.
    public let lower: Double
    /// The upper percentile bound of the resampled differences.
    public let upper: Double
    /// The two-sided bootstrap p-value.
    public let pValue: Double
    /// The number of resamples drawn.
    public let resamples: Int
    /// The confidence level of the interval, e.g. 0.95.
    public let level: Double

    /// Bootstraps statistic(A) − statistic(B), or nil when a side has no rows or `resamples` < 1.
    ///
    /// - `statistic(side, indices)` evaluates the statistic on the rows `indices` (positions in `0..<countA` or
    ///   `0..<countB`, with repeats) of that side; the observed difference uses every row once, in order.
    /// - Each resample draws `countA` row positions with replacement for A, then `countB` for B, uniformly and
    ///   without modulo bias (`SeededGenerator.nextIndex(below:)`), all from one `SeededGenerator(seed:)`, so the
    ///   result is a function of the inputs and the seed, on every platform.
    /// - The interval is the percentile interval, as `scipy.stats.bootstrap(..., method='percentile')`: the
    ///   (1 − level)/2 and (1 + level)/2 quantiles of the resampled differences, interpolated linearly between order
    ///   statistics (NumPy's default `percentile`).
    /// - The p-value is min(1, 2·min(#(d* ≤ 0) + 1, #(d* ≥ 0) + 1) / (resamples + 1)) over the resampled
    ///   differences d*: twice the smaller tail of the bootstrap distribution beyond 0, with the +1 that keeps it
    ///   away from 0 (it is at least 2/(resamples + 1)).
    /// - A NaN resampled difference (a statistic undefined on some resample) makes the bounds and the p-value NaN;
    ///   a level outside [0, 1] makes the bounds NaN.
    public static func run(
        countA: Int, countB: Int, resamples: Int = 2000, level: Double = 0.95, seed: UInt64 = 1,
        statistic: (_ sample: Side, _ indices: [Int]) -> Double
    ) -> BootstrapDifference? {
        guard countA > 0, countB > 0, resamples > 0 else { return nil }
        let difference = statistic(.a, Array(0..<countA)) - statistic(.b, Array(0..<countB))
        var generator = SeededGenerator(seed: seed)
        var indicesA = [Int](repeating: 0, count: countA)
        var indicesB = [Int](repeating: 0, count: countB)
        var differences: [Double] = []
        differences.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for position in 0..<countA { indicesA[position] = generator.nextIndex(below: countA) }
            for position in 0..<countB { indicesB[position] = generator.nextIndex(below: countB) }
            differences.append(statistic(.a, indicesA) - statistic(.b, indicesB))
        }
        if differences.contains(where: \.isNaN) {
            return BootstrapDifference(
                difference: difference, lower: .nan, upper: .nan, pValue: .nan, resamples: resamples, level: level)
        }
        differences.sort()
        let atMostZero = differences.count(where: { $0 <= 0 })
        let atLeastZero = differences.count(where: { $0 >= 0 })
        let pValue = min(1, 2 * Double(min(atMostZero, atLeastZero) + 1) / Double(resamples + 1))
        return BootstrapDifference(
            difference: difference, lower: percentile(differences, (1 - level) / 2),
            upper: percentile(differences, (1 + level) / 2), pValue: pValue, resamples: resamples, level: level)
    }

    /// NumPy's linear `percentile` (at q·100) of sorted, non-empty values; NaN for q outside [0, 1].
    private static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard (0...1).contains(q) else { return .nan }
        let position = q * Double(sorted.count - 1)
        let below = min(Int(position.rounded(.down)), sorted.count - 1)
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + fraction * (sorted[above] - sorted[below])
    }
}

import Foundation

/// The population stability index (PSI) between a reference and a current distribution.
public enum PopulationStability {
    /// The smallest share a bin may have: empty bins count as this share (as Evidently's PSI does).
    public static let floor = 0.0001

    /// PSI over `bins` bins whose edges are the reference's quantiles at 1/bins, 2/bins, …, (bins−1)/bins
    /// (``WeightedSample/quantile(_:)``). A value x falls in bin i = the number of edges strictly less than x
    /// (`numpy.searchsorted(edges, x, side='left')`). Shares of each side's total; a share of 0 becomes ``floor``;
    /// PSI = Σ (cur − ref) · ln(cur / ref).
    ///
    /// bins < 1, an empty sample or a total weight that is not positive and finite gives NaN. Repeated edges (heavy
    /// ties) leave the bins between them empty, which is what the definition says. O(k + bins·k) over the k
    /// distinct values.
    public static func numeric(reference: WeightedSample, current: WeightedSample, bins: Int = 10) -> Double {
        guard bins >= 1, !reference.isEmpty, !current.isEmpty else { return .nan }
        guard reference.total > 0, current.total > 0, reference.total.isFinite, current.total.isFinite else {
            return .nan
        }
        let edges = (1..<bins).map { reference.quantile(Double($0) / Double(bins)) }
        return index(counts(reference, edges: edges, bins: bins), counts(current, edges: edges, bins: bins))
    }

    /// PSI over categories: `reference[i]` and `current[i]` are counts of the same category; shares of each side's
    /// total, 0 → ``floor``, PSI = Σ (cur − ref) · ln(cur / ref).
    ///
    /// Different lengths, no categories, a negative or non-finite count, or a side whose total is 0 give NaN.
    public static func categorical(reference: [Double], current: [Double]) -> Double {
        guard reference.count == current.count, !reference.isEmpty else { return .nan }
        return index(reference, current)
    }

    /// The weight of `sample` in each bin; the values ascend, so one pointer walks the edges.
    private static func counts(_ sample: WeightedSample, edges: [Double], bins: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: bins)
        var bin = 0
        for (value, weight) in zip(sample.values, sample.weights) {
            while bin < edges.count && edges[bin] < value { bin += 1 }
            counts[bin] += weight
        }
        return counts
    }

    private static func index(_ reference: [Double], _ current: [Double]) -> Double {
        guard reference.allSatisfy({ $0.isFinite && $0 >= 0 }), current.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            return .nan
        }
        let referenceTotal = reference.reduce(0, +)
        let currentTotal = current.reduce(0, +)
        guard referenceTotal > 0, currentTotal > 0 else { return .nan }
        var psi = 0.0
        for (r, c) in zip(reference, current) {
            var referenceShare = r / referenceTotal
            var currentShare = c / currentTotal
            if referenceShare == 0 { referenceShare = floor }
            if currentShare == 0 { currentShare = floor }
            psi += (currentShare - referenceShare) * log(currentShare / referenceShare)
        }
        return psi
    }
}

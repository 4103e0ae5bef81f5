/// The distributions a report draws: shares of each side's values per bar.
enum DistributionPlots {
    /// Bars of a numeric column.
    static let bins = 20
    /// Bars of a categorical column before the rest become `(other)`.
    static let categories = 20

    /// Equal-width bins over the range both sides span.
    static func numeric(_ reference: WeightedSample, _ current: WeightedSample) -> DistributionPlot? {
        guard let low = [reference.values.first, current.values.first].compactMap({ $0 }).min(),
            let high = [reference.values.last, current.values.last].compactMap({ $0 }).max()
        else { return nil }
        // Halved first: the range of values near ±1.8e308 would overflow, and a subnormal width underflow.
        let halfWidth = (high / 2 - low / 2) / Double(bins)
        let width = halfWidth.isNormal && halfWidth > 0 ? halfWidth : 0.5
        let edges = (0...bins).map { low + Double($0) * width * 2 }
        func shares(_ sample: WeightedSample) -> [Double] {
            var counts = [Double](repeating: 0, count: bins)
            for (value, weight) in zip(sample.values, sample.weights) {
                let position = (value / 2 - low / 2) / width
                let bin = position.isFinite ? Int(min(max(position, 0), Double(bins - 1))) : 0
                counts[bin] += weight
            }
            return counts.map { sample.total > 0 ? $0 / sample.total : 0 }
        }
        return DistributionPlot(edges: edges, categories: [], reference: shares(reference), current: shares(current))
    }

    /// The most frequent categories of both sides together, then the rest as `(other)`.
    static func categorical(_ names: [String], _ reference: [Double], _ current: [Double]) -> DistributionPlot {
        let referenceTotal = max(reference.reduce(0, +), 1)
        let currentTotal = max(current.reduce(0, +), 1)
        let ranked = names.indices.sorted {
            let left = reference[$0] / referenceTotal + current[$0] / currentTotal
            let right = reference[$1] / referenceTotal + current[$1] / currentTotal
            return left != right ? left > right : names[$0] < names[$1]
        }
        let shown = Array(ranked.prefix(categories))
        var plot = DistributionPlot(
            edges: [], categories: shown.map { names[$0] }, reference: shown.map { reference[$0] / referenceTotal },
            current: shown.map { current[$0] / currentTotal })
        if ranked.count > categories {
            let rest = ranked.dropFirst(categories)
            plot.categories.append("(other)")
            plot.reference.append(rest.reduce(0) { $0 + reference[$1] } / referenceTotal)
            plot.current.append(rest.reduce(0) { $0 + current[$1] } / currentTotal)
        }
        return plot
    }
}

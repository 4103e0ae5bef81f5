import MLOpsLearn

/// One side of a column's comparison: its values as a weighted sample (numeric) or its category counts, from a
/// stored profile (a sketch) or from data (exact).
struct ColumnSample: Sendable {
    var kind: ColumnKind
    var count: Int
    var missing: Int
    /// Numeric columns: the values with their counts.
    var sample = WeightedSample(values: [], weights: [])
    /// Numeric columns: the population standard deviation.
    var standardDeviation = Double.nan
    /// Categorical columns: counts by category (categories beyond a profile's limit are in `otherCount`).
    var categories: [String: Double] = [:]
    var otherCount = 0.0

    init(profile: ColumnProfile) {
        kind = profile.kind
        count = profile.count
        missing = profile.missing
        if let numeric = profile.numeric {
            sample = WeightedSample(values: numeric.sketch.values, weights: numeric.sketch.weights)
            standardDeviation = numeric.standardDeviation(count: profile.count)
        }
        categories = (profile.categories ?? [:]).mapValues(Double.init)
        otherCount = Double(profile.otherCount ?? 0)
    }

    /// The exact sample of a column. A numeric column read where the reference has categories becomes labels
    /// (`1`, `2.5`), as a server logs them.
    init(column: Column, as expected: ColumnKind? = nil) {
        kind = expected == .categorical ? .categorical : column.kind
        missing = 0
        count = 0
        switch column.storage {
        case .numeric(let values) where kind == .numeric:
            sample = WeightedSample(unsorted: values)
            count = Int(sample.total)
            missing = values.count - count
            standardDeviation = Self.standardDeviation(of: sample)
        case .numeric(let values):
            for value in values where value.isFinite { categories[NumberText.format(value), default: 0] += 1 }
            count = Int(categories.values.reduce(0, +))
            missing = values.count - count
        case .categorical(let codes, let levels):
            var counts = [Double](repeating: 0, count: levels.count)
            for code in codes where code >= 0 { counts[Int(code)] += 1 }
            for (level, levelCount) in zip(levels, counts) where levelCount > 0 { categories[level] = levelCount }
            count = Int(counts.reduce(0, +))
            missing = codes.count - count
        }
    }

    /// A numeric sample's values as categories (`1`, `2.5`), for columns of few values.
    func asCategories() -> ColumnSample {
        var converted = self
        converted.kind = .categorical
        converted.categories = Dictionary(
            zip(sample.values.map(NumberText.format), sample.weights).map { ($0, $1) }, uniquingKeysWith: +)
        converted.sample = WeightedSample(values: [], weights: [])
        return converted
    }

    private static func standardDeviation(of sample: WeightedSample) -> Double {
        guard sample.total > 0 else { return .nan }
        var sum = 0.0
        for (value, weight) in zip(sample.values, sample.weights) { sum += value * weight }
        let mean = sum / sample.total
        var squares = 0.0
        for (value, weight) in zip(sample.values, sample.weights) {
            squares += (value - mean) * (value - mean) * weight
        }
        return (squares / sample.total).squareRoot()
    }
}

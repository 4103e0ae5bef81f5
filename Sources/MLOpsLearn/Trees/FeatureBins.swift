import MLOpsParallel

/// How one feature's values map to histogram bins.
///
/// Numeric values fall in bin `b` when `upperBounds[b-1] < value ≤ upperBounds[b]`; the bounds are midpoints
/// between distinct training values, chosen so bins hold about equal numbers of rows (quantile bins). A
/// categorical feature's level code is its bin. The bin after the value bins holds missing values (and, for
/// categorical features with more than 255 levels, the rarest levels), so every bin index fits a byte.
struct FeatureBins: Sendable {
    let kind: ColumnKind
    /// Numeric features only: the inclusive upper bound of each value bin; the last is the largest finite Double.
    let upperBounds: [Double]
    /// The number of value bins.
    let valueBins: Int
    /// For categorical features, the number of levels (codes from `valueBins` on share the missing bin).
    let levelCount: Int

    /// The bin of missing values.
    var missingBin: Int { valueBins }
    /// Value bins plus the missing bin.
    var binCount: Int { valueBins + 1 }

    /// Quantile bins for a numeric column: at most `maxBins` value bins.
    init(numeric values: [Double], maxBins: Int) {
        kind = .numeric
        let (distinct, counts) = Self.distinctValues(values)
        let presentCount = counts.reduce(0, +)
        var bounds: [Double] = []
        if distinct.count <= maxBins {
            for index in 0..<max(0, distinct.count - 1) {
                bounds.append(Self.midpoint(distinct[index], distinct[index + 1]))
            }
        } else {
            // Greedy equal-count bins; the target is recomputed after each bin so that a heavy value that
            // overfills one bin does not starve the rest.
            var remainingRows = presentCount
            var remainingBins = maxBins
            var filled = 0
            for index in 0..<(distinct.count - 1) {
                filled += counts[index]
                let target = Double(remainingRows) / Double(remainingBins)
                if Double(filled) >= target, remainingBins > 1 {
                    bounds.append(Self.midpoint(distinct[index], distinct[index + 1]))
                    remainingRows -= filled
                    remainingBins -= 1
                    filled = 0
                }
            }
        }
        bounds.append(.greatestFiniteMagnitude)
        upperBounds = bounds
        valueBins = bounds.count
        levelCount = 0
    }

    /// The distinct non-missing values in ascending order, with how often each occurs. Counting in a hash table
    /// and sorting only the distinct values is several times faster than sorting every value when, as in most
    /// tabular data, values repeat; columns with many distinct values fall back to sorting.
    private static func distinctValues(_ values: [Double]) -> (values: [Double], counts: [Int]) {
        var table: [Double: Int] = [:]
        var manyDistinct = false
        for value in values where !value.isNaN {
            table[value, default: 0] += 1
            if table.count > 8192 {
                manyDistinct = true
                break
            }
        }
        if !manyDistinct {
            let distinct = table.keys.sorted()
            return (distinct, distinct.map { table[$0] ?? 0 })
        }
        var distinct: [Double] = []
        var counts: [Int] = []
        for value in values.filter({ !$0.isNaN }).sorted() {
            if let last = distinct.last, last == value {
                counts[counts.count - 1] += 1
            } else {
                distinct.append(value)
                counts.append(1)
            }
        }
        return (distinct, counts)
    }

    /// Bins for a categorical column with `levelCount` levels (codes beyond 254 share the missing bin).
    init(categoricalLevels levelCount: Int) {
        kind = .categorical
        upperBounds = []
        valueBins = max(1, min(levelCount, 255))
        self.levelCount = levelCount
    }

    /// A value strictly between `low` and `high` (or `low` when they are adjacent doubles), so that `low` falls
    /// in the lower bin and `high` in the upper one.
    private static func midpoint(_ low: Double, _ high: Double) -> Double {
        let middle = low + (high - low) / 2
        return middle < high ? middle : low
    }

    /// The bin of a numeric value (NaN → the missing bin).
    @inline(__always)
    func bin(numeric value: Double) -> UInt8 {
        if value.isNaN { return UInt8(missingBin) }
        // Branch-free lower bound (the first bin whose upper bound is ≥ value): values arrive in random order,
        // so a branching search mispredicts half its steps.
        return upperBounds.withUnsafeBufferPointer { bounds in
            var low = 0
            var length = bounds.count
            while length > 1 {
                let half = length / 2
                low = bounds[low + half - 1] < value ? low + half : low
                length -= half
            }
            return UInt8(low)
        }
    }

    /// The bin of a level code (negative or too large → the missing bin).
    @inline(__always)
    func bin(code: Int32) -> UInt8 {
        code >= 0 && Int(code) < valueBins ? UInt8(code) : UInt8(missingBin)
    }
}

/// A feature matrix reduced to bin indices, one byte per value, stored column by column so that building a
/// histogram streams through one feature's bytes.
final class BinnedMatrix: @unchecked Sendable {
    let features: [FeatureBins]
    let rows: Int
    /// Column-major bins: feature `f` of row `r` is at `f * rows + r`.
    let bins: UnsafeMutablePointer<UInt8>
    /// Where feature `f`'s bins start in a histogram.
    let histogramOffsets: [Int]
    /// The number of bins of all features together.
    let totalBins: Int

    /// Bins `columns` with `features` (learned from training data, possibly these same columns).
    init(columns: [Column], features: [FeatureBins]) {
        self.features = features
        rows = columns.first?.count ?? 0
        bins = .allocate(capacity: max(1, rows * features.count))
        var offsets: [Int] = []
        var total = 0
        for feature in features {
            offsets.append(total)
            total += feature.binCount
        }
        histogramOffsets = offsets
        totalBins = total
        let rows = rows
        let bins = bins
        ParallelRows.forEach(features.count, threads: ParallelRows.threadCount) { index in
            let target = bins + index * rows
            switch columns[index].storage {
            case .numeric(let values):
                for row in 0..<rows { target[row] = features[index].bin(numeric: values[row]) }
            case .categorical(let codes, _):
                for row in 0..<rows { target[row] = features[index].bin(code: codes[row]) }
            }
        }
    }

    deinit { bins.deallocate() }

    /// Learns bins from training columns (at most `maxBins` per numeric feature) and bins them.
    convenience init(training columns: [Column], maxBins: Int) {
        let features = columns.map { column in
            switch column.storage {
            case .numeric(let values): return FeatureBins(numeric: values, maxBins: maxBins)
            case .categorical(_, let levels): return FeatureBins(categoricalLevels: levels.count)
            }
        }
        self.init(columns: columns, features: features)
    }

    /// The bin of feature `feature` for row `row`.
    @inline(__always)
    func bin(feature: Int, row: Int) -> Int { Int(bins[feature * rows + row]) }
}

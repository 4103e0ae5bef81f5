import MLOpsErrors

/// Seeded partitions of row indices: train/validation/test splits and k-fold cross-validation.
///
/// The same row count, fractions and seed give the same partition on every run and platform.
public enum DataSplit {
    /// Row indices for training, validation and testing.
    public struct Partition: Sendable, Equatable {
        public var train: [Int]
        public var validation: [Int]
        public var test: [Int]
    }

    /// Shuffles `0..<rowCount` with `seed` and cuts off `testFraction`, then `validationFraction`, of the rows.
    /// Each part is returned in ascending row order.
    public static func split(
        rowCount: Int, testFraction: Double, validationFraction: Double = 0, seed: UInt64
    ) throws(MLOpsError) -> Partition {
        guard (0..<1).contains(testFraction), (0..<1).contains(validationFraction),
            testFraction + validationFraction < 1
        else {
            throw MLOpsError(
                .usage, "split fractions must be in [0, 1) and leave rows for training",
                hint: "for example a test fraction of 0.2")
        }
        var order = Array(0..<rowCount)
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&order)
        let testCount = Int((Double(rowCount) * testFraction).rounded())
        let validationCount = Int((Double(rowCount) * validationFraction).rounded())
        let test = order[0..<testCount].sorted()
        let validation = order[testCount..<(testCount + validationCount)].sorted()
        let train = order[(testCount + validationCount)...].sorted()
        return Partition(train: train, validation: validation, test: test)
    }

    /// Holds out the latest `testFraction` of the rows by `times` (one key per row, such as ``timeKeys(of:)``
    /// gives): the test rows are all later than the training rows, never a row of the same time on both sides
    /// (the cut moves earlier past ties, or later when that would leave no training rows). Each part is returned
    /// in ascending row order.
    public static func chronological(times: [Double], testFraction: Double) throws(MLOpsError) -> Partition {
        guard (0..<1).contains(testFraction) else {
            throw MLOpsError(.usage, "the test fraction must be in [0, 1), not \(testFraction)")
        }
        let order = timeOrder(times)
        let target = times.count - Int((Double(times.count) * testFraction).rounded())
        var cut = target
        while cut > 0, cut < order.count, times[order[cut - 1]] == times[order[cut]] { cut -= 1 }
        // When every row before the cut shares its time, hold out fewer rows: those after the tie.
        if cut == 0 {
            cut = target
            while cut > 0, cut < order.count, times[order[cut - 1]] == times[order[cut]] { cut += 1 }
        }
        return Partition(train: order[..<cut].sorted(), validation: [], test: order[cut...].sorted())
    }

    /// Expanding-window folds in time order, as scikit-learn's `TimeSeriesSplit`: the rows sorted by `times` are
    /// cut into `folds + 1` blocks; fold k validates on block k + 1 and trains on every row before it but the last
    /// `gap`. No fold trains on a row as late as any of its validation rows.
    public static func timeSeriesFolds(times: [Double], folds: Int, gap: Int = 0) throws(MLOpsError)
        -> [(train: [Int], test: [Int])]
    {
        let rowCount = times.count
        guard folds >= 2, gap >= 0 else {
            throw MLOpsError(.usage, "time-series folds need at least 2 folds and a gap of 0 or more rows")
        }
        guard folds < rowCount, gap < rowCount else {
            throw MLOpsError(
                .usage, "\(rowCount) rows are too few for \(folds) time-series folds with a gap of \(gap)",
                hint: "use fewer folds or a smaller gap")
        }
        let block = rowCount / (folds + 1)
        guard block > 0, rowCount - folds * block - gap > 0 else {
            throw MLOpsError(
                .usage, "\(rowCount) rows are too few for \(folds) time-series folds with a gap of \(gap)",
                hint: "use fewer folds or a smaller gap")
        }
        let order = timeOrder(times)
        return try (0..<folds).map { fold throws(MLOpsError) in
            let start = rowCount - (folds - fold) * block
            // Rows of the first validation row's time are not trained on, wherever the sort put them.
            var end = max(0, start - gap)
            while end > 0, times[order[end - 1]] == times[order[start]] { end -= 1 }
            guard end > 0 else {
                throw MLOpsError(
                    .invalidInput, "time-series fold \(fold + 1) has no rows earlier than its validation rows",
                    hint: "use fewer folds: too many rows share a time")
            }
            return (order[..<end].sorted(), order[start..<(start + block)].sorted())
        }
    }

    /// The rows' times for a time split: a numeric column's values, or a text column's ISO 8601 dates and
    /// timestamps (or dates and times in `format`, a ``DatetimeFormat`` pattern) as seconds since 1970.
    ///
    /// - Throws: `invalidInput` naming the first missing value, or the first text that is not a date and time.
    public static func timeKeys(of column: Column, format: String? = nil) throws(MLOpsError) -> [Double] {
        if let first = column.missing.firstIndex(of: true) {
            throw MLOpsError(
                .invalidInput,
                "the time column '\(column.name)' has a missing value (data row \(first + 1)): every row needs a time",
                hint: "drop or fill those rows before a time split")
        }
        if let format {
            let datetime = DatetimeColumn(name: column.name, format: format)
            return try datetime.wallClocks(of: column, utc: true)
        }
        switch column.storage {
        case .numeric(let values):
            return values
        case .categorical(let codes, let levels):
            var seconds: [Double] = []
            seconds.reserveCapacity(levels.count)
            for level in levels {
                guard let value = Timestamp.parse(level) else {
                    throw MLOpsError(
                        .invalidInput,
                        "the time column '\(column.name)' holds '\(level.prefix(40))', which is not an ISO 8601 date or timestamp",
                        hint: "write times as 2014-01-31 or 2014-01-31T13:30[:00][Z|±hh:mm], or as numbers")
                }
                seconds.append(value)
            }
            return codes.map { seconds[Int($0)] }
        }
    }

    /// Row indices by ascending time, ties in row order.
    private static func timeOrder(_ times: [Double]) -> [Int] {
        Array(times.indices).sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) }
    }

    /// `folds` disjoint test folds covering `0..<rowCount`, each with the remaining rows as its training set.
    public static func kFold(rowCount: Int, folds: Int, seed: UInt64) throws(MLOpsError)
        -> [(train: [Int], test: [Int])]
    {
        guard folds >= 2, folds <= rowCount else {
            throw MLOpsError(.usage, "k-fold needs between 2 and \(rowCount) folds, not \(folds)")
        }
        var order = Array(0..<rowCount)
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&order)
        return (0..<folds).map { fold in
            let start = rowCount * fold / folds
            let end = rowCount * (fold + 1) / folds
            let test = order[start..<end].sorted()
            let train = (order[..<start] + order[end...]).sorted()
            return (train, test)
        }
    }
}

/// How `train` and `tune` choose the held-out rows (and `tune` its folds): at random, seeded; or by time, the
/// latest rows held out and each fold validated on rows later than those it trains on.
public enum SplitMethod: Sendable, Hashable, Codable, CustomStringConvertible {
    case random
    /// Rows ordered by this column (numbers, or ISO 8601 dates and timestamps).
    case time(column: String)

    /// Reads `random` or `time:COLUMN`.
    public init(parsing text: String) throws(MLOpsError) {
        if text == "random" {
            self = .random
        } else if text.hasPrefix("time:"), text.count > 5 {
            self = .time(column: String(text.dropFirst(5)))
        } else {
            throw MLOpsError(
                .usage, "a split is 'random' or 'time:COLUMN', not '\(text)'", hint: "for example --split time:date")
        }
    }

    public var description: String {
        switch self {
        case .random: return "random"
        case .time(let column): return "time:" + column
        }
    }

    /// The column that orders the rows, for a time split.
    public var timeColumn: String? {
        if case .time(let column) = self { return column }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try SplitMethod(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

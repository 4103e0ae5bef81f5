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

/// The predictions for a batch of rows: values for regression, class probabilities for classification.
public struct Predictions: Sendable, Equatable {
    /// The model's interface (task and classes).
    public let signature: Signature
    /// Regression: one value per row. Classification: row-major probabilities, one per class in
    /// `signature.classes` order.
    public let values: [Double]

    /// The number of classes, or 1 for regression.
    public var width: Int { signature.classes?.count ?? 1 }

    /// The number of rows.
    public var rowCount: Int { values.count / width }

    /// The probabilities of row `row` (classification) or its value (regression).
    public func row(_ row: Int) -> ArraySlice<Double> {
        values[(row * width)..<((row + 1) * width)]
    }

    /// The index of the most probable class of each row (the first on ties); empty for regression.
    public var classIndices: [Int] {
        guard signature.task == .classification else { return [] }
        return (0..<rowCount).map { index in
            let probabilities = row(index)
            var best = probabilities.startIndex
            for position in probabilities.indices where probabilities[position] > probabilities[best] {
                best = position
            }
            return best - probabilities.startIndex
        }
    }

    /// The predicted label of each row: the class name for classification, the number as text for regression.
    public var labels: [String] {
        guard let classes = signature.classes else { return values.map(NumberText.format) }
        return classIndices.map { classes[$0] }
    }

    /// The predictions as one column named `name`: the numbers of a regression, the class labels of a classifier.
    public func column(named name: String) -> Column {
        signature.task == .regression ? Column(name: name, numeric: values) : Column(name: name, labels: labels)
    }
}

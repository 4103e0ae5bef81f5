/// `LinearRegressor` and `LinearClassifier` (ai.onnx.ml 1), as ONNX Runtime computes them: inputs converted to
/// float, scores `X·coefficientsᵀ + intercepts` in float, a classifier's label from the raw scores.
struct LinearOperator: ONNXOperator {
    private let coefficients: [Double]
    private let intercepts: [Double]
    /// Score columns: a classifier's intercept count, a regressor's `targets`.
    private let outputCount: Int
    private let transform: ScoreTransform
    private let classifier: Bool
    private let labels: [Double]
    private let stringLabels: Bool

    static func compile(_ reader: ONNXNodeReader, vocabulary: ONNXVocabulary) throws(ONNXCompileError)
        -> LinearOperator
    {
        let classifier = reader.node.opType == "LinearClassifier"
        guard let coefficients = try reader.numbers("coefficients"), !coefficients.isEmpty else {
            throw reader.invalid("it has no coefficients")
        }
        let intercepts = try reader.numbers("intercepts") ?? []
        var labels: [Double] = []
        var stringLabels = false
        let outputCount: Int
        if classifier {
            if let strings = try reader.strings("classlabels_strings"), !strings.isEmpty {
                labels = strings.map { Double(vocabulary.code($0)) }
                stringLabels = true
            } else if let ints = try reader.ints("classlabels_ints"), !ints.isEmpty {
                labels = ints.map(Double.init)
            }
            outputCount = intercepts.count
        } else {
            outputCount = Int(try reader.int("targets", default: 1))
        }
        guard outputCount >= 1, coefficients.count % outputCount == 0 else {
            throw reader.invalid("its \(coefficients.count) coefficients do not divide into \(outputCount) rows")
        }
        return LinearOperator(
            coefficients: coefficients, intercepts: intercepts, outputCount: outputCount,
            transform: try ScoreTransform.read(reader), classifier: classifier, labels: labels,
            stringLabels: stringLabels)
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.tensor(0, classifier ? "LinearClassifier" : "LinearRegressor")
        let width = coefficients.count / outputCount
        guard x.type != .string, x.shape.count <= 2, x.width == width else {
            throw ONNXEvaluationError(problem: "it needs \(width) numeric columns, not shape \(x.shape)")
        }
        let rows = x.rows
        _ = try ONNXTensor.elementCount([rows, outputCount], "a linear model")
        var raw = [Float](repeating: 0, count: rows * outputCount)
        for row in 0..<rows {
            for k in 0..<outputCount {
                var sum = 0.0
                for column in 0..<width {
                    sum +=
                        Double(Float(x.numbers[row * width + column])) * Double(Float(coefficients[k * width + column]))
                }
                if intercepts.count == outputCount { sum += Double(Float(intercepts[k])) }
                raw[row * outputCount + k] = Float(sum)
            }
        }
        guard classifier else {
            var values: [Double] = []
            values.reserveCapacity(raw.count)
            for row in 0..<rows {
                var scores = Array(raw[(row * outputCount)..<((row + 1) * outputCount)])
                if outputCount > 1 || transform == .probit { transform.apply(&scores) }
                values += scores.map(Double.init)
            }
            return [.tensor(ONNXTensor(type: .float, shape: [rows, outputCount], numbers: values))]
        }
        let twoLabels = labels.count == 2
        let columns = outputCount == 1 && twoLabels ? 2 : outputCount
        var values: [Double] = []
        var labelValues: [Double] = []
        values.reserveCapacity(rows * columns)
        for row in 0..<rows {
            var scores = Array(raw[(row * outputCount)..<((row + 1) * outputCount)])
            if outputCount == 1 {
                let positive = scores[0] > 0
                labelValues.append(twoLabels ? labels[positive ? 1 : 0] : Double(positive ? 1 : 0))
                // ONNX Runtime: PROBIT fills only the first column; LOGISTIC turns the score into the positive
                // class's probability; any other transform leaves it as it is.
                if transform == .probit {
                    values += [Double(ScoreTransform.probit(scores[0]))] + (twoLabels ? [0] : [])
                } else {
                    let score = transform == .logistic ? ScoreTransform.logistic(scores[0]) : scores[0]
                    values += (twoLabels ? [1 - score, score] : [score]).map(Double.init)
                }
                continue
            }
            var best = 0
            for k in 1..<outputCount where scores[k] > scores[best] { best = k }
            labelValues.append(best < labels.count ? labels[best] : Double(best))
            transform.apply(&scores)
            values += scores.map(Double.init)
        }
        let label =
            stringLabels
            ? ONNXTensor(strings: labelValues.map { Int32($0) }, shape: [rows])
            : ONNXTensor(type: .int64, shape: [rows], numbers: labelValues)
        return [.tensor(label), .tensor(ONNXTensor(type: .float, shape: [rows, columns], numbers: values))]
    }
}

import Foundation
import MLOpsErrors
import MLOpsParallel

/// A model validated and laid out for fast prediction: every tree's nodes in flat arrays, category sets as
/// bitsets, linear coefficients in one buffer. Built once when a model is loaded; predicting a row allocates
/// nothing but its output.
///
/// Rows are given *encoded*: one `Double` per signature feature, the value for numeric features and the level
/// code for categorical ones, NaN when missing or unknown (``encode(_:)`` builds them from a table).
public struct CompiledModel: Sendable {
    /// The model's interface.
    public let signature: Signature
    /// What a client gives the model (``Signature/inputs()``): features, and datetime columns in place of
    /// their calendar features.
    public let inputs: [Signature.Input]
    /// How many scores the model computes per row (1, or the class count for multiclass models).
    public let outputCount: Int
    private let link: Model.Link
    private let featureCount: Int
    /// An ONNX model's graph, which predicts in place of the parameters below.
    private let onnx: ONNXModel?

    // Linear models.
    private let means: [Double]
    private let scales: [Double]
    private let coefficients: [Double]
    private let intercepts: [Double]

    // Tree ensembles: all trees' nodes in one array, children as absolute node indices (≥ 0) or absolute
    // leaf indices `-(leaf + 1)`, so walking a tree touches one packed record per level.
    private struct Node {
        var threshold: Double
        var feature: Int32
        var left: Int32
        var right: Int32
        /// Where the node's category bitset starts in `categoryWords`, or -1 for a numeric split.
        var categoryWords: Int32
        /// The number of levels of a categorical split's feature; codes at or beyond it are unknown.
        var levelCount: Int32
        var defaultLeft: Bool
    }
    private let baseScores: [Double]
    private let averagingDivisors: [Double]
    /// Per tree, its root reference (a node index, or a leaf reference for a single-leaf tree).
    private let treeRoot: [Int32]
    private let treeOutput: [Int32]
    private let nodes: [Node]
    private let categoryWords: [UInt64]
    private let leafValues: [Double]

    /// Validates `model` and lays it out for prediction.
    ///
    /// - Throws: `invalidInput` naming what is inconsistent (an index out of range, a child that does not
    ///   follow its parent, a coefficient count that does not match the signature), so a damaged or
    ///   hand-edited model is refused at load time instead of crashing a server later.
    public init(_ model: Model, source: String = "model") throws(MLOpsError) {
        func invalid(_ problem: String) -> MLOpsError {
            MLOpsError(.invalidInput, "'\(source)' is not a valid mlops model: \(problem)")
        }
        let signature = model.signature
        self.signature = signature
        self.link = model.link
        featureCount = signature.features.count
        if let problem = signature.problem() { throw invalid(problem) }
        inputs = try signature.inputs()
        guard (model.learner == .onnx) == (model.onnx != nil) else {
            throw invalid("learner 'onnx' names models kept as ONNX bytes, never a model.json")
        }
        onnx = model.onnx
        if model.onnx != nil {
            guard signature == model.onnx?.signature else { throw invalid("its signature is not its graph's") }
            outputCount = signature.classes?.count ?? 1
            (means, scales, coefficients, intercepts) = ([], [], [], [])
            (baseScores, averagingDivisors, treeRoot, treeOutput, nodes, categoryWords, leafValues) = (
                [], [], [], [], [], [], []
            )
            return
        }
        // The learner names the kind of parameters; a document with the other kind means something else to readers.
        let linearLearner = model.learner == .linear || model.learner == .logistic
        guard linearLearner == (model.linear != nil), linearLearner != (model.trees != nil) else {
            throw invalid(
                "learner '\(model.learner.rawValue)' does not match its \(model.linear != nil ? "linear" : "tree") parameters"
            )
        }
        guard model.formatVersion >= 1 else { throw invalid("model format \(model.formatVersion) does not exist") }
        switch (signature.task, model.link) {
        case (.regression, .identity):
            outputCount = 1
        case (.classification, .sigmoid), (.classification, .softmax), (.classification, .probability):
            let classCount = signature.classes?.count ?? 0
            guard classCount >= 2 else { throw invalid("a classifier needs at least two classes") }
            outputCount = (model.link == .sigmoid || (model.link == .probability && classCount == 2)) ? 1 : classCount
            if model.link == .sigmoid, classCount != 2 { throw invalid("a sigmoid link needs exactly two classes") }
        default:
            throw invalid("link '\(model.link.rawValue)' does not fit task '\(signature.task.rawValue)'")
        }

        var means: [Double] = []
        var scales: [Double] = []
        var coefficients: [Double] = []
        var intercepts: [Double] = []
        if let linear = model.linear {
            let width = signature.features.reduce(0) {
                $0 + ($1.kind == .numeric ? 1 : max(0, ($1.levels?.count ?? 1) - 1))
            }
            guard linear.means.count == featureCount, linear.scales.count == featureCount,
                linear.coefficients.count == outputCount, linear.intercepts.count == outputCount,
                linear.coefficients.allSatisfy({ $0.count == width })
            else { throw invalid("the linear parameters do not match the signature's \(featureCount) features") }
            means = linear.means
            scales = linear.scales
            coefficients = linear.coefficients.flatMap { $0 }
            intercepts = linear.intercepts
            guard (means + scales).allSatisfy(\.isFinite), scales.allSatisfy({ $0 > 0 }),
                (coefficients + intercepts).allSatisfy(Self.isModest)
            else {
                throw invalid("a linear parameter is not a finite number of modest size (or a scale is not positive)")
            }
        }
        self.means = means
        self.scales = scales
        self.coefficients = coefficients
        self.intercepts = intercepts

        var baseScores = Array(repeating: 0.0, count: outputCount)
        var divisors = Array(repeating: 1.0, count: outputCount)
        var treeRoot: [Int32] = []
        var treeOutput: [Int32] = []
        var nodes: [Node] = []
        var categoryWords: [UInt64] = []
        var leafValues: [Double] = []
        if let ensemble = model.trees {
            guard model.linear == nil else { throw invalid("it has both linear and tree parameters") }
            guard ensemble.baseScores.count == outputCount, ensemble.baseScores.allSatisfy(Self.isModest) else {
                throw invalid("it needs \(outputCount) finite base scores of modest size")
            }
            baseScores = ensemble.baseScores
            var treesPerOutput = Array(repeating: 0, count: outputCount)
            for (number, tree) in ensemble.trees.enumerated() {
                let nodeCount = tree.feature.count
                guard tree.threshold.count == nodeCount, tree.categories.count == nodeCount,
                    tree.defaultLeft.count == nodeCount, tree.left.count == nodeCount, tree.right.count == nodeCount,
                    !tree.leafValues.isEmpty,
                    tree.leafValues.allSatisfy(Self.isModest), (0..<outputCount).contains(tree.output)
                else {
                    throw invalid(
                        "tree \(number) has arrays of different lengths, a bad output, or leaf values that are not finite numbers of modest size"
                    )
                }
                treesPerOutput[tree.output] += 1
                let firstNode = nodes.count
                let firstLeaf = leafValues.count
                func reference(_ child: Int) -> Int32 {
                    Int32(child >= 0 ? firstNode + child : -(firstLeaf + (-child - 1) + 1))
                }
                treeRoot.append(tree.feature.isEmpty ? reference(-1) : Int32(firstNode))
                treeOutput.append(Int32(tree.output))
                for node in 0..<nodeCount {
                    let feature = tree.feature[node]
                    guard (0..<featureCount).contains(feature), tree.threshold[node].isFinite else {
                        throw invalid("tree \(number) node \(node) has a bad feature or threshold")
                    }
                    for child in [tree.left[node], tree.right[node]] {
                        // No negation: `-child` of Int.min would trap.
                        let valid = child >= 0 ? (child > node && child < nodeCount) : (child >= -tree.leafValues.count)
                        guard valid else { throw invalid("tree \(number) node \(node) has a bad child \(child)") }
                    }
                    var wordsStart: Int32 = -1
                    var levelCount: Int32 = 0
                    if let levels = signature.features[feature].levels {
                        wordsStart = Int32(categoryWords.count)
                        levelCount = Int32(levels.count)
                        var bits = Array(repeating: UInt64(0), count: max((levels.count + 63) / 64, 1))
                        for code in tree.categories[node] {
                            guard (0..<levels.count).contains(code) else {
                                throw invalid("tree \(number) node \(node) has an unknown level code \(code)")
                            }
                            bits[code / 64] |= 1 << UInt64(code % 64)
                        }
                        categoryWords += bits
                    }
                    nodes.append(
                        Node(
                            threshold: tree.threshold[node], feature: Int32(feature),
                            left: reference(tree.left[node]), right: reference(tree.right[node]),
                            categoryWords: wordsStart, levelCount: levelCount,
                            defaultLeft: tree.defaultLeft[node]))
                }
                leafValues += tree.leafValues
                // Node, leaf and bitset positions are stored as Int32; the bound also caps the bitsets' memory.
                guard nodes.count < Int(Int32.max), leafValues.count < Int(Int32.max), categoryWords.count < 1 << 27
                else {
                    throw invalid("its trees are too large")
                }
            }
            if ensemble.averaged {
                divisors = treesPerOutput.map { Double(max($0, 1)) }
            }
        } else if model.linear == nil {
            throw invalid("it has neither linear nor tree parameters")
        }
        self.baseScores = baseScores
        self.averagingDivisors = divisors
        self.treeRoot = treeRoot
        self.treeOutput = treeOutput
        self.nodes = nodes
        self.categoryWords = categoryWords
        self.leafValues = leafValues
    }

    /// The largest magnitude of a value a model adds into its scores (leaf values, base scores, coefficients,
    /// intercepts): far beyond any trained model, small enough that summing 100,000 trees cannot overflow.
    public static let maximumMagnitude = 1e100

    static func isModest(_ value: Double) -> Bool { value.isFinite && abs(value) <= maximumMagnitude }

    /// The number of values an encoded row holds.
    public var rowWidth: Int { featureCount }

    /// Computes the raw scores of one encoded row into `scores` (``outputCount`` values).
    ///
    /// An ONNX model's scores are its predictions (NaN when the graph cannot evaluate the row), and
    /// ``transform(scores:into:)`` copies them.
    public func scores(row: UnsafeBufferPointer<Double>, into scores: UnsafeMutableBufferPointer<Double>) {
        if let onnx {
            let values = (try? onnx.predict(encodedRows: Array(row))) ?? []
            for k in 0..<outputCount { scores[k] = k < values.count ? values[k] : .nan }
            return
        }
        if coefficients.isEmpty {
            treeScores(row: row, into: scores)
        } else {
            linearScores(row: row, into: scores)
        }
    }

    private func linearScores(row: UnsafeBufferPointer<Double>, into scores: UnsafeMutableBufferPointer<Double>) {
        let width = coefficients.count / outputCount
        for output in 0..<outputCount {
            var sum = intercepts[output]
            var column = output * width
            for feature in 0..<featureCount {
                let value = row[feature]
                if let levels = signature.features[feature].levels {
                    if !value.isNaN, value >= 1, value < Double(levels.count) {
                        sum += coefficients[column + Int(value) - 1]
                    }
                    column += max(0, levels.count - 1)
                } else {
                    if !value.isNaN { sum += coefficients[column] * ((value - means[feature]) / scales[feature]) }
                    column += 1
                }
            }
            scores[output] = sum
        }
    }

    private func treeScores(row: UnsafeBufferPointer<Double>, into scores: UnsafeMutableBufferPointer<Double>) {
        for output in 0..<outputCount { scores[output] = 0 }
        nodes.withUnsafeBufferPointer { nodes in
            categoryWords.withUnsafeBufferPointer { words in
                for tree in 0..<treeRoot.count {
                    let leaf = Self.leaf(from: Int(treeRoot[tree]), row: row, nodes: nodes, words: words)
                    scores[Int(treeOutput[tree])] += leafValues[leaf]
                }
            }
        }
        finishTreeScores(scores)
    }

    /// Adds the base scores and averages, turning summed leaf values into scores.
    @inline(__always)
    private func finishTreeScores(_ scores: UnsafeMutableBufferPointer<Double>) {
        for output in 0..<outputCount {
            scores[output] = baseScores[output] + scores[output] / averagingDivisors[output]
        }
    }

    /// Walks one tree from `root` and returns the absolute index of the leaf `row` reaches.
    @inline(__always)
    private static func leaf(
        from root: Int, row: UnsafeBufferPointer<Double>, nodes: UnsafeBufferPointer<Node>,
        words: UnsafeBufferPointer<UInt64>
    ) -> Int {
        var reference = root
        while reference >= 0 {
            reference = step(reference, row: row, nodes: nodes, words: words)
        }
        return -reference - 1
    }

    /// One step down a tree: the child reference `row` takes at internal node `reference`.
    @inline(__always)
    private static func step(
        _ reference: Int, row: UnsafeBufferPointer<Double>, nodes: UnsafeBufferPointer<Node>,
        words: UnsafeBufferPointer<UInt64>
    ) -> Int {
        let node = nodes[reference]
        let value = row[Int(node.feature)]
        let goesLeft: Bool
        if node.categoryWords < 0 {
            // No branch on the outcome (NaN compares false): which way a row goes is unpredictable.
            goesLeft = (value <= node.threshold) || (value.isNaN && node.defaultLeft)
        } else {
            goesLeft =
                isInSet(value, words: words, start: Int(node.categoryWords), levels: Int(node.levelCount))
                ?? node.defaultLeft
        }
        return Int(goesLeft ? node.left : node.right)
    }

    /// For boosted ensembles, the sum over rows of `rowLoss(row, prediction)` after each boosting round (each
    /// output's trees added in turn; `prediction` laid out as in ``predict(encodedRows:)``), and the final
    /// predictions, which equal ``predict(encodedRows:)``'s bit for bit. Nil for other models.
    ///
    /// Rows are walked in blocks on every core; each round's sum adds the blocks' partial sums in block order,
    /// and block sizes depend only on the row and round counts, so the sums do not depend on the thread count.
    func boostingRoundLosses(
        encodedRows matrix: [Double], rowLoss: @Sendable (Int, UnsafeBufferPointer<Double>) -> Double
    ) -> (losses: [Double], predictions: Predictions)? {
        // Rounds exist where each output's trees come in turn (as training makes them); other models are nil.
        guard coefficients.isEmpty, averagingDivisors.allSatisfy({ $0 == 1 }), !treeRoot.isEmpty,
            treeRoot.count % outputCount == 0,
            treeOutput.indices.allSatisfy({ Int(treeOutput[$0]) == $0 % outputCount })
        else { return nil }
        let rows = matrix.count / featureCount
        let rounds = treeRoot.count / outputCount
        // Blocks of at least 1,024 rows, and no more than ~4M partial sums in all.
        let blockRows = max(1024, rows / max(1, (1 << 22) / max(rounds, 1)))
        let blocks = (rows + blockRows - 1) / blockRows
        let width = predictionWidth
        var partials = [Double](repeating: 0, count: blocks * rounds)
        var values = [Double](repeating: 0, count: rows * width)
        partials.withUnsafeMutableBufferPointer { partials in
            values.withUnsafeMutableBufferPointer { output in
                matrix.withUnsafeBufferPointer { input in
                    let shared = SharedBuffers(input: input, output: output)
                    let sums = UncheckedPartials(buffer: partials)
                    ParallelRows.forEach(blocks, threads: rows >= 2048 ? ParallelRows.threadCount : 1) { block in
                        let range = (block * blockRows)..<min(rows, (block + 1) * blockRows)
                        roundLosses(
                            input: shared.input, range: range, output: shared.output,
                            losses: UnsafeMutableBufferPointer(
                                rebasing: sums.buffer[(block * rounds)..<((block + 1) * rounds)]),
                            rowLoss: rowLoss)
                    }
                }
            }
        }
        var losses = [Double](repeating: 0, count: rounds)
        for block in 0..<blocks {
            for round in 0..<rounds { losses[round] += partials[block * rounds + round] }
        }
        return (losses, Predictions(signature: signature, values: values))
    }

    /// ``boostingRoundLosses(encodedRows:rowLoss:)`` for the rows `range`: their loss after each round into
    /// `losses`, their final predictions into `output`.
    private func roundLosses(
        input: UnsafeBufferPointer<Double>, range: Range<Int>, output: UnsafeMutableBufferPointer<Double>,
        losses: UnsafeMutableBufferPointer<Double>, rowLoss: (Int, UnsafeBufferPointer<Double>) -> Double
    ) {
        let width = predictionWidth
        var sums = [Double](repeating: 0, count: range.count * outputCount)
        var scores = [Double](repeating: 0, count: outputCount)
        var prediction = [Double](repeating: 0, count: width)
        nodes.withUnsafeBufferPointer { nodes in
            categoryWords.withUnsafeBufferPointer { words in
                leafValues.withUnsafeBufferPointer { leafValues in
                    for tree in 0..<treeRoot.count {
                        let root = Int(treeRoot[tree])
                        let treeOutput = Int(self.treeOutput[tree])
                        for row in range {
                            let values = UnsafeBufferPointer(
                                rebasing: input[(row * featureCount)..<((row + 1) * featureCount)])
                            sums[(row - range.lowerBound) * outputCount + treeOutput] +=
                                leafValues[Self.leaf(from: root, row: values, nodes: nodes, words: words)]
                        }
                        guard (tree + 1) % outputCount == 0 else { continue }
                        let last = tree == treeRoot.count - 1
                        var loss = 0.0
                        scores.withUnsafeMutableBufferPointer { scores in
                            prediction.withUnsafeMutableBufferPointer { prediction in
                                for row in range {
                                    let offset = (row - range.lowerBound) * outputCount
                                    for k in 0..<outputCount { scores[k] = sums[offset + k] }
                                    finishTreeScores(scores)
                                    let target =
                                        last
                                        ? UnsafeMutableBufferPointer(
                                            rebasing: output[(row * width)..<((row + 1) * width)])
                                        : prediction
                                    transform(scores: UnsafeBufferPointer(scores), into: target)
                                    loss += rowLoss(row, UnsafeBufferPointer(target))
                                }
                            }
                        }
                        losses[tree / outputCount] = loss
                    }
                }
            }
        }
    }

    /// Scores rows `range` of a row-major matrix tree by tree over blocks of rows, so each tree's nodes stay in
    /// the cache while a block walks them. Each row still adds its trees' values in tree order, so the results
    /// equal ``scores(row:into:)`` bit for bit.
    private func blockTreeScores(
        input: UnsafeBufferPointer<Double>, range: Range<Int>, output: UnsafeMutableBufferPointer<Double>
    ) {
        let blockSize = 64
        let width = predictionWidth
        var sums = [Double](repeating: 0, count: blockSize * outputCount)
        nodes.withUnsafeBufferPointer { nodes in
            categoryWords.withUnsafeBufferPointer { words in
                leafValues.withUnsafeBufferPointer { leafValues in
                    sums.withUnsafeMutableBufferPointer { sums in
                        for blockStart in stride(from: range.lowerBound, to: range.upperBound, by: blockSize) {
                            let blockEnd = min(blockStart + blockSize, range.upperBound)
                            sums.update(repeating: 0)
                            for tree in 0..<treeRoot.count {
                                let root = Int(treeRoot[tree])
                                let treeOutput = Int(self.treeOutput[tree])
                                for row in blockStart..<blockEnd {
                                    let values = UnsafeBufferPointer(
                                        rebasing: input[(row * featureCount)..<((row + 1) * featureCount)])
                                    let leaf = Self.leaf(from: root, row: values, nodes: nodes, words: words)
                                    sums[(row - blockStart) * outputCount + treeOutput] += leafValues[leaf]
                                }
                            }
                            for row in blockStart..<blockEnd {
                                let scores = UnsafeMutableBufferPointer(
                                    rebasing: sums[
                                        ((row - blockStart) * outputCount)..<((row - blockStart + 1) * outputCount)])
                                finishTreeScores(scores)
                                transform(
                                    scores: UnsafeBufferPointer(scores),
                                    into: UnsafeMutableBufferPointer(
                                        rebasing: output[(row * width)..<((row + 1) * width)]))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether level code `value` is in the bitset at `start`, or nil for a code the model never saw.
    @inline(__always)
    private static func isInSet(_ value: Double, words: UnsafeBufferPointer<UInt64>, start: Int, levels: Int) -> Bool? {
        guard value >= 0, value < Double(levels), value == value.rounded(.towardZero) else { return nil }
        let code = Int(value)
        return (words[start + code / 64] >> UInt64(code % 64)) & 1 == 1
    }

    /// Turns raw scores into the prediction: the value for regression, else class probabilities
    /// (`classes.count` values, in signature order) written to `output`.
    public func transform(scores: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        if onnx != nil {
            for k in 0..<scores.count { output[k] = scores[k] }
            return
        }
        switch link {
        case .identity:
            output[0] = scores[0]
        case .sigmoid:
            let p = 1 / (1 + exp(-scores[0]))
            output[0] = 1 - p
            output[1] = p
        case .softmax:
            let largest = scores.max() ?? 0
            var sum = 0.0
            for k in 0..<scores.count {
                output[k] = exp(scores[k] - largest)
                sum += output[k]
            }
            for k in 0..<scores.count { output[k] /= sum }
        case .probability:
            if scores.count == 1 {
                let p = min(max(scores[0], 0), 1)
                output[0] = 1 - p
                output[1] = p
            } else {
                let sum = scores.reduce(0) { $0 + max($1, 0) }
                for k in 0..<scores.count {
                    output[k] = sum > 0 ? max(scores[k], 0) / sum : 1 / Double(scores.count)
                }
            }
        }
    }

    /// How many values ``transform(scores:into:)`` writes per row: 1 for regression, else the class count.
    public var predictionWidth: Int { signature.classes?.count ?? 1 }

    /// Encodes `table`'s columns in signature order, row-major: numeric values, level codes re-mapped to the
    /// model's levels, NaN for missing values and unknown labels.
    ///
    /// - Throws: `notFound` when a feature column is absent; `invalidInput` when a numeric feature's column
    ///   holds text.
    public func encode(_ table: Table) throws(MLOpsError) -> [Double] {
        let table = try signature.calendarExpanded(table)
        let rows = table.rowCount
        var matrix = Array(repeating: Double.nan, count: rows * featureCount)
        for (index, feature) in signature.features.enumerated() {
            let column: Column
            do {
                column = try table.column(named: feature.name)
            } catch {
                throw signature.missingColumn(feature.name)
            }
            switch (feature.kind, column.storage) {
            case (.numeric, .numeric(let values)):
                for row in 0..<rows { matrix[row * featureCount + index] = values[row] }
            case (.numeric, .categorical(_, let levels)):
                let example = levels.first ?? ""
                throw MLOpsError(
                    .invalidInput,
                    "feature '\(feature.name)' must be numeric, but the data has text such as '\(example)'")
            case (.categorical, _):
                let levels = feature.levels ?? []
                let labels: Column
                if case .numeric = column.storage {
                    labels = Column(name: column.name, labels: (0..<rows).map { column.text(at: $0) })
                } else {
                    labels = column
                }
                guard case .categorical(let codes, _) = labels.recoded(to: levels).storage else { continue }
                for row in 0..<rows where codes[row] >= 0 {
                    matrix[row * featureCount + index] = Double(codes[row])
                }
            }
        }
        return matrix
    }

    /// Predicts every row of `table`, on all cores for large tables.
    public func predict(_ table: Table) throws(MLOpsError) -> Predictions {
        let matrix = try encode(table)
        return try predict(encodedRows: matrix)
    }

    /// Predicts rows already encoded as by ``encode(_:)``.
    ///
    /// - Throws: only for ONNX models, `invalidInput` when the graph cannot evaluate the rows
    ///   (``ONNXModel/predict(encodedRows:)``).
    public func predict(encodedRows matrix: [Double]) throws(MLOpsError) -> Predictions {
        if let onnx { return Predictions(signature: signature, values: try onnx.predict(encodedRows: matrix)) }
        let rows = matrix.count / featureCount
        let width = predictionWidth
        var values = Array(repeating: 0.0, count: rows * width)
        values.withUnsafeMutableBufferPointer { output in
            matrix.withUnsafeBufferPointer { input in
                let shared = SharedBuffers(input: input, output: output)
                let chunks = rows >= 1024 ? ParallelRows.threadCount : 1
                ParallelRows.run(chunks: chunks, rows: rows) { range in
                    if coefficients.isEmpty {
                        blockTreeScores(input: shared.input, range: range, output: shared.output)
                        return
                    }
                    var scores = Array(repeating: 0.0, count: outputCount)
                    scores.withUnsafeMutableBufferPointer { scores in
                        for row in range {
                            let rowValues = UnsafeBufferPointer(
                                rebasing: shared.input[(row * featureCount)..<((row + 1) * featureCount)])
                            self.scores(row: rowValues, into: scores)
                            let target = UnsafeMutableBufferPointer(
                                rebasing: shared.output[(row * width)..<((row + 1) * width)])
                            transform(scores: UnsafeBufferPointer(scores), into: target)
                        }
                    }
                }
            }
        }
        return Predictions(signature: signature, values: values)
    }
}

/// Raw buffers handed to worker threads that each touch disjoint rows.
private struct SharedBuffers: @unchecked Sendable {
    let input: UnsafeBufferPointer<Double>
    let output: UnsafeMutableBufferPointer<Double>
}

/// Per-block partial sums handed to worker threads that each write only their own block's.
private struct UncheckedPartials: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>
}

import Foundation
import MLOpsParallel

/// The target of a supervised problem: numbers, or class indices with the number of classes.
enum TargetValues {
    case numbers([Double])
    case classes([Int], count: Int)

    var count: Int {
        switch self {
        case .numbers(let values): return values.count
        case .classes(let values, _): return values.count
        }
    }

    /// Scores computed per row: 1, or one per class beyond two.
    var outputs: Int {
        if case .classes(_, let count) = self, count > 2 { return count }
        return 1
    }
}

/// Gradient boosting of histogram trees (squared error for regression, log loss for two classes, softmax
/// cross-entropy for more), as LightGBM does it: quantile bins, leaf-wise trees, histogram subtraction,
/// missing values sent the learned way at each split, native categorical splits, bagging, feature sampling
/// and early stopping on validation data.
enum GradientBoosting {
    /// Validation rows for early stopping: binned with the training bins.
    struct Validation {
        var columns: [Column]
        var target: TargetValues
    }

    static func fit(
        columns: [Column], target: TargetValues, parameters: Parameters, validation: Validation?, threads: Int,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> TreeEnsemble {
        let rows = target.count
        let outputs = target.outputs
        let data = BinnedMatrix(training: columns, maxBins: parameters.integer("max_bins"))
        let bins = data.features
        let validationData = validation.map { BinnedMatrix(columns: $0.columns, features: bins) }
        let growth = GrowthParameters(
            maxLeaves: parameters.integer("max_leaves"), maxDepth: parameters.integer("max_depth"),
            minSamplesLeaf: parameters.integer("min_samples_leaf"), l2: parameters.real("l2"),
            minGain: parameters.real("min_gain"), shrinkage: parameters.real("learning_rate"))
        let rounds = parameters.integer("rounds")
        let subsample = parameters.real("subsample")
        let featureCount = max(1, Int((Double(columns.count) * parameters.real("colsample")).rounded()))
        let patience = validation == nil ? 0 : parameters.integer("early_stopping_rounds")
        var generator = SeededGenerator(seed: UInt64(parameters.integer("seed")))

        let base = baseScores(target)
        // Scores, gradients and hessians are stored output by output (column-major), so the trees of one round,
        // which multiclass boosting grows in parallel, each write a region of their own.
        var scores = [Double](repeating: 0, count: rows * outputs)
        for k in 0..<outputs { for row in 0..<rows { scores[k * rows + row] = base[k] } }
        let validationRows = validation?.target.count ?? 0
        var validationScores = [Double](repeating: 0, count: validationRows * outputs)
        for k in 0..<outputs { for row in 0..<validationRows { validationScores[k * validationRows + row] = base[k] } }
        var gradients = [Double](repeating: 0, count: rows * outputs)
        var hessians = [Double](repeating: 0, count: rows * outputs)

        let parallelOutputs = outputs > 1 && threads > 1
        let growers = (0..<outputs).map { _ in TreeGrower(data: data, threads: parallelOutputs ? 1 : threads) }
        let constantHessian: Double? = if case .numbers = target { 1 } else { nil }
        var trees: [Tree] = []
        var bestLoss = Double.infinity
        var bestRound = -1

        for round in 0..<rounds {
            computeGradients(
                target: target, scores: scores, outputs: outputs, gradients: &gradients, hessians: &hessians,
                threads: threads)
            var sample: [Int32]?
            if subsample < 1 {
                var chosen: [Int32] = []
                chosen.reserveCapacity(Int(Double(rows) * subsample) + 16)
                for row in 0..<rows where generator.nextUnit() < subsample { chosen.append(Int32(row)) }
                sample = chosen.isEmpty ? nil : chosen
            }
            // Every random choice is drawn here, in order, so results do not depend on the thread count.
            let plans = (0..<outputs).map { _ in
                var allowed = Array(0..<columns.count)
                if featureCount < columns.count {
                    generator.shuffle(&allowed)
                    allowed = Array(allowed.prefix(featureCount)).sorted()
                }
                return (allowed: allowed, seed: generator.next())
            }
            let grown = ResultSlots<Tree>(count: outputs)
            scores.withUnsafeMutableBufferPointer { scores in
                validationScores.withUnsafeMutableBufferPointer { validationScores in
                    gradients.withUnsafeBufferPointer { gradients in
                        hessians.withUnsafeBufferPointer { hessians in
                            let buffers = RoundBuffers(
                                scores: scores, validationScores: validationScores, gradients: gradients,
                                hessians: hessians)
                            ParallelRows.forEach(outputs, threads: parallelOutputs ? threads : 1) { output in
                                let grower = growers[output]
                                var treeGenerator = SeededGenerator(seed: plans[output].seed)
                                let region = (output * rows)..<((output + 1) * rows)
                                let tree = grower.grow(
                                    gradients: UnsafeBufferPointer(rebasing: buffers.gradients[region]),
                                    hessians: UnsafeBufferPointer(rebasing: buffers.hessians[region]),
                                    constantHessian: constantHessian, sample: sample, features: plans[output].allowed,
                                    parameters: growth, generator: &treeGenerator)
                                let outputScores = buffers.scores.baseAddress.map { $0 + output * rows }
                                if let outputScores, sample == nil {
                                    let indices = grower.indices
                                    for (leaf, range) in tree.leafRanges.enumerated() {
                                        let value = tree.leafValues[leaf]
                                        for position in range { outputScores[Int(indices[position])] += value }
                                    }
                                } else if let outputScores {
                                    for row in 0..<rows {
                                        outputScores[row] += tree.leafValues[tree.leaf(row: row, in: data)]
                                    }
                                }
                                if let validationData, let validationBase = buffers.validationScores.baseAddress {
                                    let outputScores = validationBase + output * validationRows
                                    for row in 0..<validationRows {
                                        outputScores[row] += tree.leafValues[tree.leaf(row: row, in: validationData)]
                                    }
                                }
                                grown.store(tree.tree(bins: bins, output: output), at: output)
                            }
                        }
                    }
                }
            }
            trees += grown.collect()
            progress?(round + 1, rounds)
            if let validation, patience > 0 {
                let loss = Self.loss(target: validation.target, scores: validationScores, outputs: outputs)
                if loss < bestLoss {
                    bestLoss = loss
                    bestRound = round
                } else if round - bestRound >= patience {
                    break
                }
            }
        }
        if patience > 0, bestRound >= 0 {
            trees.removeLast(trees.count - (bestRound + 1) * outputs)
        }
        return TreeEnsemble(baseScores: base, averaged: false, trees: trees)
    }

    /// The constant prediction that minimizes the loss: the mean, the log-odds, or the log class priors.
    private static func baseScores(_ target: TargetValues) -> [Double] {
        switch target {
        case .numbers(let values):
            return [values.reduce(0, +) / Double(values.count)]
        case .classes(let values, let count):
            var frequencies = [Double](repeating: 0, count: count)
            for value in values { frequencies[value] += 1 }
            for k in 0..<count { frequencies[k] /= Double(values.count) }
            if count == 2 { return [log(frequencies[1] / frequencies[0])] }
            return frequencies.map { log($0) }
        }
    }

    /// The loss's first and second derivatives at the current scores, per output and row (column-major), computed
    /// on all cores for large data (each chunk of rows on one thread, so results do not depend on the count).
    private static func computeGradients(
        target: TargetValues, scores: [Double], outputs: Int, gradients: inout [Double], hessians: inout [Double],
        threads: Int
    ) {
        let rows = target.count
        let chunks = rows >= 16_384 ? threads : 1
        gradients.withUnsafeMutableBufferPointer { gradients in
            hessians.withUnsafeMutableBufferPointer { hessians in
                scores.withUnsafeBufferPointer { scores in
                    let buffers = GradientBuffers(gradients: gradients, hessians: hessians, scores: scores)
                    ParallelRows.run(chunks: chunks, rows: rows) { range in
                        let (g, h, s) = (buffers.gradients, buffers.hessians, buffers.scores)
                        switch target {
                        case .numbers(let values):
                            for row in range { g[row] = s[row] - values[row] }
                        case .classes(let classes, _) where outputs == 1:
                            for row in range {
                                let p = 1 / (1 + exp(-s[row]))
                                g[row] = p - Double(classes[row])
                                h[row] = max(p * (1 - p), 1e-16)
                            }
                        case .classes(let classes, _):
                            var exponentials = [Double](repeating: 0, count: outputs)
                            for row in range {
                                var largest = s[row]
                                for k in 1..<outputs { largest = max(largest, s[k * rows + row]) }
                                var sum = 0.0
                                for k in 0..<outputs {
                                    exponentials[k] = exp(s[k * rows + row] - largest)
                                    sum += exponentials[k]
                                }
                                for k in 0..<outputs {
                                    let p = exponentials[k] / sum
                                    g[k * rows + row] = p - (classes[row] == k ? 1 : 0)
                                    h[k * rows + row] = max(p * (1 - p), 1e-16)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The mean loss the boosting minimizes, for early stopping; `scores` are column-major.
    private static func loss(target: TargetValues, scores: [Double], outputs: Int) -> Double {
        let rows = target.count
        var total = 0.0
        switch target {
        case .numbers(let values):
            for row in values.indices { total += (scores[row] - values[row]) * (scores[row] - values[row]) }
        case .classes(let classes, _) where outputs == 1:
            for row in classes.indices {
                let z = scores[row]
                total += max(z, 0) + log1p(exp(-abs(z))) - Double(classes[row]) * z
            }
        case .classes(let classes, _):
            for row in classes.indices {
                var largest = scores[row]
                for k in 1..<outputs { largest = max(largest, scores[k * rows + row]) }
                var sum = 0.0
                for k in 0..<outputs { sum += exp(scores[k * rows + row] - largest) }
                total += largest + log(sum) - scores[classes[row] * rows + row]
            }
        }
        return total / Double(max(rows, 1))
    }
}

/// The per-round buffers the trees of one round share; each tree writes only its own output's region.
private struct RoundBuffers: @unchecked Sendable {
    let scores: UnsafeMutableBufferPointer<Double>
    let validationScores: UnsafeMutableBufferPointer<Double>
    let gradients: UnsafeBufferPointer<Double>
    let hessians: UnsafeBufferPointer<Double>
}

/// The buffers gradient chunks share; each chunk writes only its own rows.
private struct GradientBuffers: @unchecked Sendable {
    let gradients: UnsafeMutableBufferPointer<Double>
    let hessians: UnsafeMutableBufferPointer<Double>
    let scores: UnsafeBufferPointer<Double>
}

import Foundation

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
        columns: [Column], target: TargetValues, parameters: Parameters, validation: Validation?, threads: Int
    ) -> TreeEnsemble {
        let rows = target.count
        let outputs = target.outputs
        let bins = BinnedMatrix.learnBins(columns: columns, maxBins: parameters.integer("max_bins"))
        let data = BinnedMatrix(columns: columns, features: bins)
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
        var scores = [Double](repeating: 0, count: rows * outputs)
        for row in 0..<rows { for k in 0..<outputs { scores[row * outputs + k] = base[k] } }
        let validationRows = validation?.target.count ?? 0
        var validationScores = [Double](repeating: 0, count: validationRows * outputs)
        for row in 0..<validationRows { for k in 0..<outputs { validationScores[row * outputs + k] = base[k] } }

        // Per output, per row: the loss's first and second derivatives at the current scores.
        var gradients = [[Double]](repeating: [Double](repeating: 0, count: rows), count: outputs)
        var hessians = [[Double]](repeating: [Double](repeating: 0, count: rows), count: outputs)
        let grower = TreeGrower(data: data, threads: threads)
        var trees: [Tree] = []
        var bestLoss = Double.infinity
        var bestRound = -1

        for round in 0..<rounds {
            computeGradients(target: target, scores: scores, outputs: outputs, gradients: &gradients, hessians: &hessians)
            var sample: [Int32]?
            if subsample < 1 {
                var chosen: [Int32] = []
                chosen.reserveCapacity(Int(Double(rows) * subsample) + 16)
                for row in 0..<rows where generator.nextUnit() < subsample { chosen.append(Int32(row)) }
                sample = chosen.isEmpty ? nil : chosen
            }
            for output in 0..<outputs {
                var allowed = Array(0..<columns.count)
                if featureCount < columns.count {
                    generator.shuffle(&allowed)
                    allowed = Array(allowed.prefix(featureCount)).sorted()
                }
                let constantHessian: Double? = if case .numbers = target { 1 } else { nil }
                let grown = gradients[output].withUnsafeBufferPointer { g in
                    hessians[output].withUnsafeBufferPointer { h in
                        grower.grow(
                            gradients: g, hessians: h, constantHessian: constantHessian,
                            sample: sample, features: allowed, parameters: growth, generator: &generator)
                    }
                }
                if sample == nil {
                    let indices = grower.indices
                    scores.withUnsafeMutableBufferPointer { scores in
                        for (leaf, range) in grown.leafRanges.enumerated() {
                            let value = grown.leafValues[leaf]
                            for position in range { scores[Int(indices[position]) &* outputs &+ output] += value }
                        }
                    }
                } else {
                    for row in 0..<rows { scores[row * outputs + output] += grown.leafValues[grown.leaf(row: row, in: data)] }
                }
                if let validationData {
                    for row in 0..<validationRows {
                        validationScores[row * outputs + output] += grown.leafValues[grown.leaf(row: row, in: validationData)]
                    }
                }
                trees.append(grown.tree(bins: bins, output: output))
            }
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

    private static func computeGradients(
        target: TargetValues, scores: [Double], outputs: Int, gradients: inout [[Double]], hessians: inout [[Double]]
    ) {
        switch target {
        case .numbers(let values):
            gradients[0].withUnsafeMutableBufferPointer { g in
                for row in values.indices { g[row] = scores[row] - values[row] }
            }
        case .classes(let classes, _) where outputs == 1:
            for row in classes.indices {
                let p = 1 / (1 + exp(-scores[row]))
                gradients[0][row] = p - Double(classes[row])
                hessians[0][row] = max(p * (1 - p), 1e-16)
            }
        case .classes(let classes, _):
            for row in classes.indices {
                let base = row * outputs
                var largest = scores[base]
                for k in 1..<outputs { largest = max(largest, scores[base + k]) }
                var sum = 0.0
                for k in 0..<outputs { sum += exp(scores[base + k] - largest) }
                for k in 0..<outputs {
                    let p = exp(scores[base + k] - largest) / sum
                    gradients[k][row] = p - (classes[row] == k ? 1 : 0)
                    hessians[k][row] = max(p * (1 - p), 1e-16)
                }
            }
        }
    }

    /// The mean loss the boosting minimizes, for early stopping.
    private static func loss(target: TargetValues, scores: [Double], outputs: Int) -> Double {
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
                let base = row * outputs
                var largest = scores[base]
                for k in 1..<outputs { largest = max(largest, scores[base + k]) }
                var sum = 0.0
                for k in 0..<outputs { sum += exp(scores[base + k] - largest) }
                total += largest + log(sum) - scores[base + classes[row]]
            }
        }
        return total / Double(max(target.count, 1))
    }
}

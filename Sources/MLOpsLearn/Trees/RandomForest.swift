import MLOpsParallel
import Synchronization

/// A random forest of histogram trees: each tree grown fully (within its limits) on a bootstrap sample, trying
/// a random subset of features at each split; predictions average the trees. Regression trees predict the mean
/// target; classification grows one tree per class (per sample) predicting that class's frequency, so averaged
/// leaves are class probabilities. Trees grow in parallel, one per thread, each from its own seed.
enum RandomForest {
    static func fit(
        columns: [Column], target: TargetValues, parameters: Parameters, threads: Int,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> TreeEnsemble {
        let rows = target.count
        let outputs = target.outputs
        let data = BinnedMatrix(training: columns, maxBins: parameters.integer("max_bins"))
        let bins = data.features
        let treeCount = parameters.integer("trees")
        let seed = UInt64(parameters.integer("seed"))
        let bootstrap = parameters.integer("bootstrap") == 1
        let isClassification: Bool
        if case .classes = target { isClassification = true } else { isClassification = false }
        let fraction = parameters.real("max_features")
        let featuresPerSplit: Int
        if fraction > 0 {
            featuresPerSplit = max(1, Int((Double(columns.count) * fraction).rounded()))
        } else {
            featuresPerSplit = isClassification ? max(1, Int(Double(columns.count).squareRoot())) : columns.count
        }
        let growth = GrowthParameters(
            maxLeaves: .max, maxDepth: parameters.integer("max_depth"),
            minSamplesLeaf: parameters.integer("min_samples_leaf"), minHessian: 0, l2: 0, minGain: 1e-12,
            shrinkage: 1, featuresPerSplit: featuresPerSplit, categorySmoothing: 0)

        // Gradients of squared error at zero: the negated targets (one-hot per class), with unit hessians, so a
        // leaf's value −G/H is its mean target.
        var negatedTargets: [[Double]] = []
        switch target {
        case .numbers(let values):
            negatedTargets = [values.map { -$0 }]
        case .classes(let classes, let count):
            let first = count == 2 ? 1 : 0
            negatedTargets = (first..<count).map { k in classes.map { $0 == k ? -1 : 0 } }
        }
        let unitHessians = [Double](repeating: 1, count: rows)
        let allFeatures = Array(0..<columns.count)

        let slots = ResultSlots<Tree>(count: treeCount * outputs)
        let finished = Atomic<Int>(0)
        let threadCount = max(1, min(threads, treeCount))
        ParallelRows.forEach(threadCount, threads: threadCount) { thread in
            let grower = TreeGrower(data: data, threads: 1)
            var tree = thread
            while tree < treeCount {
                var generator = SeededGenerator(seed: seed &* 0x9E37_79B9 &+ UInt64(tree))
                var sample: [Int32]?
                if bootstrap {
                    sample = (0..<rows).map { _ in Int32(generator.nextIndex(below: rows)) }
                    sample?.sort()
                }
                for output in 0..<outputs {
                    let grown = negatedTargets[output].withUnsafeBufferPointer { g in
                        unitHessians.withUnsafeBufferPointer { h in
                            grower.grow(
                                gradients: g, hessians: h, constantHessian: 1,
                                sample: sample, features: allFeatures, parameters: growth, generator: &generator)
                        }
                    }
                    slots.store(grown.tree(bins: bins, output: output), at: tree * outputs + output)
                }
                progress?(finished.add(1, ordering: .relaxed).newValue, treeCount)
                tree += threadCount
            }
        }
        return TreeEnsemble(baseScores: [Double](repeating: 0, count: outputs), averaged: true, trees: slots.collect())
    }
}

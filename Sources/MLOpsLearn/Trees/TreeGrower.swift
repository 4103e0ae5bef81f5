import MLOpsParallel

/// Limits and penalties of one tree's growth.
struct GrowthParameters {
    /// Leaves at most; `Int.max` grows until no split helps (then the order of splits does not matter, and
    /// growth goes depth-first to keep few histograms alive).
    var maxLeaves: Int
    /// Depth limit; 0 for none.
    var maxDepth: Int
    var minSamplesLeaf: Int
    var minHessian: Double = 1e-3
    var l2: Double
    var minGain: Double
    /// Multiplies every leaf value (the learning rate).
    var shrinkage: Double
    /// Features tried at each split, drawn anew per node (random forests); 0 tries all allowed features.
    var featuresPerSplit: Int = 0
    /// LightGBM's `cat_smooth`: regularizes the gradient ratios categories are ordered by.
    var categorySmoothing: Double = 10
}

/// A tree in bin space, as grown; ``tree(bins:output:)`` turns it into the model format.
struct GrownTree {
    var feature: [Int] = []
    var thresholdBin: [Int] = []
    /// Per node, for each bin of its feature, whether rows in that bin go left (256 entries).
    var goesLeft: [[Bool]] = []
    var defaultLeft: [Bool] = []
    var left: [Int] = []
    var right: [Int] = []
    var leafValues: [Double] = []
    /// For each leaf, its rows as a range of the grower's index buffer (valid until the next growth).
    var leafRanges: [Range<Int>] = []

    /// The leaf reached by row `row` of `matrix` (which uses the same bins as the training matrix).
    func leaf(row: Int, in matrix: BinnedMatrix) -> Int {
        guard !feature.isEmpty else { return 0 }
        var node = 0
        while true {
            let bin = matrix.bin(feature: feature[node], row: row)
            let child = goesLeft[node][bin] ? left[node] : right[node]
            if child < 0 { return -child - 1 }
            node = child
        }
    }

    /// The tree in the model format, with bin thresholds turned into values.
    func tree(bins: [FeatureBins], output: Int) -> Tree {
        var thresholds: [Double] = []
        var categories: [[Int]] = []
        for node in feature.indices {
            let featureBins = bins[feature[node]]
            if featureBins.kind == .numeric {
                thresholds.append(featureBins.upperBounds[thresholdBin[node]])
                categories.append([])
            } else {
                thresholds.append(0)
                // Levels beyond the 255th shared the missing bin in training, so they go where missing values go.
                let overflow =
                    defaultLeft[node]
                    ? Array(featureBins.valueBins..<max(featureBins.valueBins, featureBins.levelCount)) : []
                categories.append((0..<featureBins.valueBins).filter { goesLeft[node][$0] } + overflow)
            }
        }
        return Tree(
            output: output, feature: feature, threshold: thresholds, categories: categories,
            defaultLeft: defaultLeft, left: left, right: right, leafValues: leafValues)
    }
}

/// Grows histogram decision trees on a ``BinnedMatrix``: leaf-wise (best-first) up to a leaf budget, building
/// each split's smaller child's histogram from its rows and deriving the larger one by subtraction from the
/// parent's, with histograms built on several threads (one feature per thread at a time).
///
/// One grower serves one thread's trees in turn; it owns its buffers (row indices, gathered gradients and a pool
/// of histograms) so growing a tree allocates little.
final class TreeGrower {
    private let data: BinnedMatrix
    private let threads: Int
    /// Row indices, partitioned so that each leaf's rows are contiguous.
    private(set) var indices: UnsafeMutablePointer<Int32>
    private var capacity: Int
    private var scratch: UnsafeMutablePointer<Int32>
    private var orderedGradients: UnsafeMutablePointer<Double>
    private var orderedHessians: UnsafeMutablePointer<Double>
    private var freeHistograms: [UnsafeMutablePointer<Double>] = []
    private var allHistograms: [UnsafeMutablePointer<Double>] = []
    /// Doubles per histogram: gradient sum, hessian sum and count for every bin.
    private let histogramSize: Int

    init(data: BinnedMatrix, threads: Int) {
        self.data = data
        self.threads = threads
        capacity = max(1, data.rows)
        indices = .allocate(capacity: capacity)
        scratch = .allocate(capacity: capacity)
        orderedGradients = .allocate(capacity: capacity)
        orderedHessians = .allocate(capacity: capacity)
        histogramSize = data.totalBins * 3
    }

    deinit {
        indices.deallocate()
        scratch.deallocate()
        orderedGradients.deallocate()
        orderedHessians.deallocate()
        for histogram in allHistograms { histogram.deallocate() }
    }

    private struct Leaf {
        var range: Range<Int>
        var depth: Int
        var gradient: Double
        var hessian: Double
        var histogram: UnsafeMutablePointer<Double>?
        var split: Split?
        /// The internal node whose child this leaf is (-1 for the root) and on which side.
        var parent: Int
        var isLeft: Bool
    }

    private struct Split {
        var feature: Int
        var thresholdBin: Int
        var goesLeft: [Bool]
        var defaultLeft: Bool
        var gain: Double
        var leftGradient: Double
        var leftHessian: Double
        var leftCount: Int
    }

    /// Grows one tree.
    ///
    /// - Parameters:
    ///   - gradients, hessians: Per training row. When `constantHessian` is set, `hessians` is ignored.
    ///   - sample: The rows to grow on (may repeat rows, as a bootstrap does); `nil` for all rows in order.
    ///   - features: The features splits may use, ascending.
    func grow(
        gradients gradientBuffer: UnsafeBufferPointer<Double>, hessians hessianBuffer: UnsafeBufferPointer<Double>,
        constantHessian: Double?, sample: [Int32]?, features: [Int], parameters: GrowthParameters,
        generator: inout SeededGenerator
    ) -> GrownTree {
        guard let gradients = gradientBuffer.baseAddress, let hessians = hessianBuffer.baseAddress else {
            return GrownTree(leafValues: [0], leafRanges: [0..<0])
        }
        let sampleCount = sample?.count ?? data.rows
        reserve(sampleCount)
        let indices = indices
        if let sample {
            for (position, row) in sample.enumerated() { indices[position] = row }
        } else {
            for row in 0..<data.rows { indices[row] = Int32(row) }
        }
        var rootGradient = 0.0
        var rootHessian = 0.0
        for position in 0..<sampleCount {
            let row = Int(indices[position])
            rootGradient += gradients[row]
            rootHessian += constantHessian ?? hessians[row]
        }
        let root = Leaf(
            range: 0..<sampleCount, depth: 0, gradient: rootGradient, hessian: rootHessian,
            histogram: nil, split: nil, parent: -1, isLeft: false)
        var leaves = [root]
        var tree = GrownTree()
        let isIdentity = sample == nil
        let histogram = takeHistogram()
        build(
            histogram, range: root.range, contiguous: isIdentity, features: features, gradients: gradients,
            hessians: hessians, constantHessian: constantHessian)
        leaves[0].histogram = histogram
        leaves[0].split = bestSplit(for: leaves[0], features: features, parameters: parameters, generator: &generator)
        if leaves[0].split == nil { release(&leaves[0]) }

        let depthFirst = parameters.maxLeaves == .max
        var pending = leaves[0].split == nil ? [] : [0]
        while leaves.count < parameters.maxLeaves, !pending.isEmpty {
            let chosenPosition: Int
            if depthFirst {
                chosenPosition = pending.count - 1
            } else {
                var best = 0
                for position in pending.indices
                where (leaves[pending[position]].split?.gain ?? 0) > (leaves[pending[best]].split?.gain ?? 0) {
                    best = position
                }
                chosenPosition = best
            }
            let leafIndex = pending.remove(at: chosenPosition)
            guard let split = leaves[leafIndex].split else { continue }
            let parentLeaf = leaves[leafIndex]

            // The leaf becomes an internal node; its left child keeps the leaf's slot, the right one is new.
            let node = tree.feature.count
            tree.feature.append(split.feature)
            tree.thresholdBin.append(split.thresholdBin)
            tree.goesLeft.append(split.goesLeft)
            tree.defaultLeft.append(split.defaultLeft)
            tree.left.append(0)
            tree.right.append(0)
            if parentLeaf.parent >= 0 {
                if parentLeaf.isLeft {
                    tree.left[parentLeaf.parent] = node
                } else {
                    tree.right[parentLeaf.parent] = node
                }
            }

            let middle = partition(parentLeaf.range, split: split)
            let leftRange = parentLeaf.range.lowerBound..<middle
            let rightRange = middle..<parentLeaf.range.upperBound
            var leftLeaf = Leaf(
                range: leftRange, depth: parentLeaf.depth + 1, gradient: split.leftGradient,
                hessian: split.leftHessian, histogram: nil, split: nil, parent: node, isLeft: true)
            var rightLeaf = Leaf(
                range: rightRange, depth: parentLeaf.depth + 1, gradient: parentLeaf.gradient - split.leftGradient,
                hessian: parentLeaf.hessian - split.leftHessian, histogram: nil, split: nil, parent: node,
                isLeft: false)

            let canSplitFurther = { (leaf: Leaf) -> Bool in
                (parameters.maxDepth == 0 || leaf.depth < parameters.maxDepth)
                    && leaf.range.count >= 2 * parameters.minSamplesLeaf
            }
            let leftSplittable = canSplitFurther(leftLeaf)
            let rightSplittable = canSplitFurther(rightLeaf)
            if let parentHistogram = parentLeaf.histogram, leftSplittable || rightSplittable {
                let smallerIsLeft = leftRange.count <= rightRange.count
                let small = takeHistogram()
                build(
                    small, range: smallerIsLeft ? leftRange : rightRange, contiguous: false, features: features,
                    gradients: gradients, hessians: hessians, constantHessian: constantHessian)
                subtract(small, from: parentHistogram, features: features)
                if smallerIsLeft {
                    leftLeaf.histogram = small
                    rightLeaf.histogram = parentHistogram
                } else {
                    leftLeaf.histogram = parentHistogram
                    rightLeaf.histogram = small
                }
            } else if let histogram = parentLeaf.histogram {
                freeHistograms.append(histogram)
            }
            leaves[leafIndex] = leftLeaf
            leaves.append(rightLeaf)
            for (index, splittable) in [(leafIndex, leftSplittable), (leaves.count - 1, rightSplittable)] {
                if splittable {
                    leaves[index].split = bestSplit(
                        for: leaves[index], features: features, parameters: parameters, generator: &generator)
                }
                if leaves[index].split == nil {
                    release(&leaves[index])
                } else {
                    pending.append(index)
                }
            }
        }
        for index in leaves.indices { release(&leaves[index]) }

        for (number, leaf) in leaves.enumerated() {
            if leaf.parent >= 0 {
                if leaf.isLeft {
                    tree.left[leaf.parent] = -(number + 1)
                } else {
                    tree.right[leaf.parent] = -(number + 1)
                }
            }
            tree.leafValues.append(-leaf.gradient / (leaf.hessian + parameters.l2) * parameters.shrinkage)
            tree.leafRanges.append(leaf.range)
        }
        return tree
    }

    private func reserve(_ count: Int) {
        guard count > capacity else { return }
        indices.deallocate()
        scratch.deallocate()
        orderedGradients.deallocate()
        orderedHessians.deallocate()
        capacity = count
        indices = .allocate(capacity: count)
        scratch = .allocate(capacity: count)
        orderedGradients = .allocate(capacity: count)
        orderedHessians = .allocate(capacity: count)
    }

    private func takeHistogram() -> UnsafeMutablePointer<Double> {
        if let histogram = freeHistograms.popLast() { return histogram }
        let histogram = UnsafeMutablePointer<Double>.allocate(capacity: max(histogramSize, 1))
        allHistograms.append(histogram)
        return histogram
    }

    private func release(_ leaf: inout Leaf) {
        if let histogram = leaf.histogram { freeHistograms.append(histogram) }
        leaf.histogram = nil
    }

    /// Fills `histogram` for the allowed features from the rows `indices[range]` (or rows `range` themselves
    /// when `contiguous`), gathering the rows' gradients once so each feature's pass reads them in order.
    private func build(
        _ histogram: UnsafeMutablePointer<Double>, range: Range<Int>, contiguous: Bool, features: [Int],
        gradients: UnsafePointer<Double>, hessians: UnsafePointer<Double>, constantHessian: Double?
    ) {
        let count = range.count
        let rowIndices = indices + range.lowerBound
        let orderedGradients = orderedGradients
        let orderedHessians = orderedHessians
        let ordered: UnsafePointer<Double>
        let orderedH: UnsafePointer<Double>
        if contiguous {
            ordered = gradients + range.lowerBound
            orderedH = hessians + range.lowerBound
        } else {
            for position in 0..<count { orderedGradients[position] = gradients[Int(rowIndices[position])] }
            if constantHessian == nil {
                for position in 0..<count { orderedHessians[position] = hessians[Int(rowIndices[position])] }
            }
            ordered = UnsafePointer(orderedGradients)
            orderedH = UnsafePointer(orderedHessians)
        }
        let data = data
        let work = HistogramWork(
            histogram: histogram, rowIndices: rowIndices, gradients: ordered, hessians: orderedH)
        let threadCount = count * features.count >= 200_000 ? threads : 1
        ParallelRows.forEach(features.count, threads: threadCount) { position in
            let feature = features[position]
            let bins = data.bins + feature * data.rows
            let slots = work.histogram + data.histogramOffsets[feature] * 3
            let binCount = data.features[feature].binCount
            slots.update(repeating: 0, count: binCount * 3)
            let rowBins = contiguous ? bins + range.lowerBound : bins
            let rows: UnsafePointer<Int32>? = contiguous ? nil : UnsafePointer(work.rowIndices)
            let hessians: UnsafePointer<Double>? = constantHessian == nil ? work.hessians : nil
            if count >= 4096 {
                // Rows alternate between four private histograms, so consecutive rows in the same bin do not
                // wait on each other's read-modify-write (features with few bins otherwise serialize here).
                withUnsafeTemporaryAllocation(of: Double.self, capacity: binCount * 12) { lanes in
                    guard let lanes = lanes.baseAddress else { return }
                    lanes.update(repeating: 0, count: binCount * 12)
                    let stride = binCount * 3
                    var position = 0
                    while position + 4 <= count {
                        for lane in 0..<4 {
                            let row = position + lane
                            let bin = Int(rowBins[rows.map { Int($0[row]) } ?? row])
                            let slot = lanes + lane * stride + bin * 3
                            slot[0] += work.gradients[row]
                            if let hessians { slot[1] += hessians[row] }
                            slot[2] += 1
                        }
                        position += 4
                    }
                    while position < count {
                        let slot = lanes + Int(rowBins[rows.map { Int($0[position]) } ?? position]) * 3
                        slot[0] += work.gradients[position]
                        if let hessians { slot[1] += hessians[position] }
                        slot[2] += 1
                        position += 1
                    }
                    for index in 0..<stride {
                        slots[index] =
                            (lanes[index] + lanes[stride + index])
                            + (lanes[2 * stride + index] + lanes[3 * stride + index])
                    }
                }
            } else {
                for position in 0..<count {
                    let slot = slots + Int(rowBins[rows.map { Int($0[position]) } ?? position]) * 3
                    slot[0] += work.gradients[position]
                    if let hessians { slot[1] += hessians[position] }
                    slot[2] += 1
                }
            }
            if let constantHessian {
                for bin in 0..<binCount { slots[bin * 3 + 1] = slots[bin * 3 + 2] * constantHessian }
            }
        }
    }

    private func subtract(
        _ small: UnsafeMutablePointer<Double>, from parent: UnsafeMutablePointer<Double>, features: [Int]
    ) {
        for feature in features {
            let start = data.histogramOffsets[feature] * 3
            for slot in start..<(start + data.features[feature].binCount * 3) { parent[slot] -= small[slot] }
        }
    }

    /// Moves the rows of `range` that go left to its front (keeping their order) and returns where the right
    /// rows begin.
    private func partition(_ range: Range<Int>, split: Split) -> Int {
        let bins = data.bins + split.feature * data.rows
        let lookup = split.goesLeft.map { UInt8($0 ? 1 : 0) }
        // Local copies: class properties would be checked for exclusive access on every use in the loop.
        let indices = indices
        let scratch = scratch
        var leftEnd = range.lowerBound
        var rightCount = 0
        lookup.withUnsafeBufferPointer { lookup in
            // Branch-free: each row is written to both sides and only the side it belongs to advances, because
            // left/right is unpredictable and mispredicted branches dominated this loop.
            for position in range {
                let row = indices[position]
                let left = Int(lookup[Int(bins[Int(row)])])
                indices[leftEnd] = row
                scratch[rightCount] = row
                leftEnd &+= left
                rightCount &+= 1 &- left
            }
        }
        (indices + leftEnd).update(from: scratch, count: rightCount)
        return leftEnd
    }

    /// The best split of `leaf` over the allowed features (a random subset per node when
    /// `featuresPerSplit > 0`), or nil when no split gains more than `minGain` within the limits.
    private func bestSplit(
        for leaf: Leaf, features: [Int], parameters: GrowthParameters, generator: inout SeededGenerator
    ) -> Split? {
        guard let histogram = leaf.histogram else { return nil }
        var candidates = features
        if parameters.featuresPerSplit > 0, parameters.featuresPerSplit < features.count {
            generator.shuffle(&candidates)
            candidates = Array(candidates.prefix(parameters.featuresPerSplit)).sorted()
        }
        let l2 = parameters.l2
        let parentScore = leaf.gradient * leaf.gradient / (leaf.hessian + l2)
        let total = Totals(g: leaf.gradient, h: leaf.hessian, c: Double(leaf.range.count))
        let minCount = Double(parameters.minSamplesLeaf)
        let minHessian = parameters.minHessian

        // The winner is recorded as a few numbers; its bin set is built once at the end.
        var bestGain = parameters.minGain
        var best: (feature: Int, cut: Int, missingLeft: Bool, left: Totals, order: [Int])?

        @inline(__always)
        func gain(_ left: Totals) -> Double? {
            let right = Totals(g: total.g - left.g, h: total.h - left.h, c: total.c - left.c)
            guard left.c >= minCount, right.c >= minCount, left.h >= minHessian, right.h >= minHessian else {
                return nil
            }
            return left.g * left.g / (left.h + l2) + right.g * right.g / (right.h + l2) - parentScore
        }

        for feature in candidates {
            let bins = data.features[feature]
            let slots = histogram + data.histogramOffsets[feature] * 3
            let missingSlot = slots + bins.missingBin * 3
            let missing = Totals(g: missingSlot[0], h: missingSlot[1], c: missingSlot[2])
            if bins.kind == .numeric {
                for missingLeft in [false, true] where !missingLeft || missing.c > 0 {
                    var left = missingLeft ? missing : Totals(g: 0, h: 0, c: 0)
                    let lastCut = missing.c > 0 && !missingLeft ? bins.valueBins - 1 : bins.valueBins - 2
                    guard lastCut >= 0 else { continue }
                    for cut in 0...lastCut {
                        let slot = slots + cut * 3
                        left.g += slot[0]
                        left.h += slot[1]
                        left.c += slot[2]
                        guard slot[2] > 0, let gain = gain(left), gain > bestGain else { continue }
                        bestGain = gain
                        best = (feature, cut, missingLeft, left, [])
                    }
                }
            } else {
                // Order categories by their regularized gradient ratio; the best split is a prefix of that order.
                var present: [Int] = []
                for bin in 0..<bins.binCount where slots[bin * 3 + 2] > 0 { present.append(bin) }
                guard present.count >= 2 else { continue }
                let smoothing = parameters.categorySmoothing
                present.sort { a, b in
                    let ra = slots[a * 3] / (slots[a * 3 + 1] + smoothing)
                    let rb = slots[b * 3] / (slots[b * 3 + 1] + smoothing)
                    return ra != rb ? ra < rb : a < b
                }
                var left = Totals(g: 0, h: 0, c: 0)
                for cut in 0..<(present.count - 1) {
                    let slot = slots + present[cut] * 3
                    left.g += slot[0]
                    left.h += slot[1]
                    left.c += slot[2]
                    guard let gain = gain(left), gain > bestGain else { continue }
                    bestGain = gain
                    best = (feature, cut, false, left, present)
                }
            }
        }

        guard let best else { return nil }
        let bins = data.features[best.feature]
        let missingCount = (histogram + (data.histogramOffsets[best.feature] + bins.missingBin) * 3)[2]
        var goesLeft = [Bool](repeating: false, count: 256)
        let defaultLeft: Bool
        if bins.kind == .numeric {
            for bin in 0...best.cut { goesLeft[bin] = true }
            // With no missing training rows, missing values follow the larger side.
            defaultLeft = missingCount > 0 ? best.missingLeft : best.left.c >= total.c - best.left.c
        } else {
            for bin in best.order[0...best.cut] { goesLeft[bin] = true }
            // Unseen levels and missing values share the missing bin's side; with no missing rows, they follow
            // the larger side.
            defaultLeft = missingCount > 0 ? goesLeft[bins.missingBin] : best.left.c >= total.c - best.left.c
        }
        goesLeft[bins.missingBin] = defaultLeft
        return Split(
            feature: best.feature, thresholdBin: bins.kind == .numeric ? best.cut : 0, goesLeft: goesLeft,
            defaultLeft: defaultLeft, gain: bestGain, leftGradient: best.left.g, leftHessian: best.left.h,
            leftCount: Int(best.left.c))
    }
}

/// Gradient sum, hessian sum and row count of one side of a split.
private struct Totals {
    var g: Double
    var h: Double
    var c: Double
}

/// The buffers a histogram pass shares with its worker threads; each thread writes only its own feature's
/// slots, which is why the unchecked sendability is sound.
private struct HistogramWork: @unchecked Sendable {
    let histogram: UnsafeMutablePointer<Double>
    let rowIndices: UnsafeMutablePointer<Int32>
    let gradients: UnsafePointer<Double>
    let hessians: UnsafePointer<Double>
}

/// `TreeEnsembleRegressor` and `TreeEnsembleClassifier` (ai.onnx.ml 1 and 3), following ONNX Runtime's CPU
/// kernel: trees in order of first appearance, each rooted at its first node; comparisons in the threshold
/// type (float for float input, double for double input); leaf weights summed in that type; base values,
/// aggregation and the classifier's two-class rules as ORT applies them.
struct TreeEnsembleOperator: ONNXOperator {
    private enum Mode: UInt8 { case leq, lt, gte, gt, eq, neq, leaf }
    private enum Aggregate: String { case sum = "SUM", average = "AVERAGE", min = "MIN", max = "MAX" }

    /// A node as the walk reads it: the child a row goes to is picked by shifting `children` by the test's
    /// outcome (0 or 1) times 32, without a branch. A leaf's children are itself, so a walk of its tree's depth
    /// in steps ends on the leaf every row reaches, whatever its depth; a leaf's threshold is the weight the
    /// one-output path adds.
    private struct WalkNode: Sendable {
        var threshold: Double
        /// The false child in the low 32 bits, the true child in the high 32 bits.
        var children: UInt64
        var feature: Int32
        /// 1 when a missing value (NaN) goes to the true child.
        var missingTrue: UInt8
        var mode: Mode

        init(threshold: Double, feature: Int32, whenTrue: Int32, whenFalse: Int32, mode: Mode, missingTrue: Bool) {
            self.threshold = threshold
            children = UInt64(UInt32(bitPattern: whenTrue)) << 32 | UInt64(UInt32(bitPattern: whenFalse))
            self.feature = feature
            self.missingTrue = missingTrue ? 1 : 0
            self.mode = mode
        }

        /// The child for a test's outcome (0 false, 1 true).
        @inline(__always) func child(_ outcome: UInt64) -> Int {
            Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: children &>> (outcome &<< 5)))
        }
    }

    private struct Node: Sendable {
        var threshold: Double
        var feature: Int32
        var mode: Mode
        var missingTrue: Bool
        var whenTrue: Int32
        var whenFalse: Int32
        /// The leaf's weight entries: `entries[firstEntry..<firstEntry + entryCount]`.
        var firstEntry: Int32
        var entryCount: Int32
        /// The leaf's own `nodes_values` (what the one-output path adds for a leaf without entries).
        var ownValue: Double
    }

    /// Every node, in the model's order; children and roots are positions in it.
    private let nodes: [WalkNode]
    /// Per tree: its root and its depth (the steps a walk takes).
    private let roots: [Int32]
    private let depths: [Int32]
    /// Every branch's mode when they all share one (the usual case), for a walk without a switch.
    private let sharedMode: Mode?
    /// Per node (used for leaves): its weight entries `entries[firstEntry..<firstEntry + entryCount]`.
    private let leafFirstEntry: [Int32]
    private let leafEntryCount: [Int32]
    private let entryTargets: [Int32]
    private let entryWeights: [Double]
    private let outputCount: Int
    private let baseValues: [Double]
    private let aggregate: Aggregate
    private let transform: ScoreTransform
    private let highestFeature: Int
    // Classifiers.
    private let classifier: Bool
    /// Class labels as int64 values or string codes.
    private let labels: [Double]
    private let stringLabels: Bool
    private let binaryCase: Bool
    private let weightsArePositive: Bool

    static func compile(_ reader: ONNXNodeReader, vocabulary: ONNXVocabulary) throws(ONNXCompileError)
        -> TreeEnsembleOperator
    {
        let classifier = reader.node.opType == "TreeEnsembleClassifier"
        guard let treeIDs = try reader.ints("nodes_treeids"), let nodeIDs = try reader.ints("nodes_nodeids"),
            let features = try reader.ints("nodes_featureids"), let modes = try reader.strings("nodes_modes"),
            let trueIDs = try reader.ints("nodes_truenodeids"), let falseIDs = try reader.ints("nodes_falsenodeids")
        else { throw reader.invalid("a tree attribute (nodes_treeids, nodes_modes, …) is missing") }
        let values = try reader.numbers("nodes_values") ?? Array(repeating: 0, count: treeIDs.count)
        let missing = try reader.ints("nodes_missing_value_tracks_true") ?? []
        let count = treeIDs.count
        guard
            [nodeIDs.count, features.count, modes.count, trueIDs.count, falseIDs.count, values.count]
                .allSatisfy({ $0 == count }), count > 0
        else { throw reader.invalid("its node attributes differ in length") }

        var index: [TreeKey: Int] = [:]
        var roots: [Int32] = []
        for position in 0..<count {
            let key = TreeKey(tree: treeIDs[position], node: nodeIDs[position])
            guard index.updateValue(position, forKey: key) == nil else {
                throw reader.invalid("node \(key.node) of tree \(key.tree) is listed twice")
            }
            if position == 0 || treeIDs[position] != treeIDs[position - 1] { roots.append(Int32(position)) }
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(count)
        var highestFeature = 0
        for position in 0..<count {
            let mode: Mode
            switch modes[position] {
            case "BRANCH_LEQ": mode = .leq
            case "BRANCH_LT": mode = .lt
            case "BRANCH_GTE": mode = .gte
            case "BRANCH_GT": mode = .gt
            case "BRANCH_EQ": mode = .eq
            case "LEAF": mode = .leaf
            default: mode = .neq
            }
            var node = Node(
                threshold: values[position], feature: 0, mode: mode,
                missingTrue: position < missing.count && missing[position] == 1, whenTrue: -1, whenFalse: -1,
                firstEntry: 0, entryCount: 0, ownValue: values[position])
            if mode != .leaf {
                guard features[position] >= 0, features[position] < Int64(Int32.max),
                    let whenTrue = index[TreeKey(tree: treeIDs[position], node: trueIDs[position])],
                    let whenFalse = index[TreeKey(tree: treeIDs[position], node: falseIDs[position])],
                    whenTrue != position, whenFalse != position
                else {
                    throw reader.invalid(
                        "node \(nodeIDs[position]) of tree \(treeIDs[position]) has an invalid child or feature")
                }
                node.feature = Int32(features[position])
                node.whenTrue = Int32(whenTrue)
                node.whenFalse = Int32(whenFalse)
                highestFeature = max(highestFeature, Int(features[position]))
            }
            nodes.append(node)
        }
        // A tree that loops would never end: every node must be finished (both children finished) before any
        // walk returns to it. One depth-first pass over all nodes, each visited once (shared children included).
        var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on the current path, 2 finished
        // Each node's longest way down to a leaf: the walk of a row costs at most the sum over the roots.
        var depth = [Int](repeating: 0, count: count)
        for root in roots where state[Int(root)] == 0 {
            var stack: [(node: Int, expanded: Bool)] = [(Int(root), false)]
            while let (position, expanded) = stack.popLast() {
                if expanded {
                    state[position] = 2
                    let node = nodes[position]
                    if node.mode != .leaf {
                        depth[position] = 1 + max(depth[Int(node.whenTrue)], depth[Int(node.whenFalse)])
                    }
                    continue
                }
                guard state[position] == 0 else {
                    if state[position] == 1 { throw reader.invalid("a tree has a cycle") }
                    continue
                }
                state[position] = 1
                stack.append((position, true))
                let node = nodes[position]
                guard node.mode != .leaf else { continue }
                for child in [Int(node.whenTrue), Int(node.whenFalse)] {
                    if state[child] == 1 { throw reader.invalid("a tree has a cycle") }
                    if state[child] == 0 { stack.append((child, false)) }
                }
            }
        }

        guard roots.reduce(0, { $0 + depth[Int($1)] }) <= Self.maximumStepsPerRow else {
            throw reader.invalid(
                "its trees are so deep that one row would take more than \(Self.maximumStepsPerRow) steps")
        }

        // Leaf weight entries, sorted by (tree, node, original order).
        let prefix = classifier ? "class" : "target"
        guard let entryTrees = try reader.ints("\(prefix)_treeids"),
            let entryNodes = try reader.ints("\(prefix)_nodeids"),
            let entryIDs = try reader.ints("\(prefix)_ids"), let weights = try reader.numbers("\(prefix)_weights"),
            entryTrees.count == entryNodes.count, entryIDs.count == entryTrees.count, weights.count == entryTrees.count
        else { throw reader.invalid("its \(prefix) weights are missing or differ in length") }
        let order = entryTrees.indices.sorted {
            (entryTrees[$0], entryNodes[$0], $0) < (entryTrees[$1], entryNodes[$1], $1)
        }
        var entryTargets: [Int32] = []
        var entryWeights: [Double] = []
        for position in order {
            guard let node = index[TreeKey(tree: entryTrees[position], node: entryNodes[position])] else {
                throw reader.invalid(
                    "a \(prefix) weight names node \(entryNodes[position]) of tree \(entryTrees[position]), which does not exist"
                )
            }
            guard nodes[node].mode == .leaf else { continue }
            guard entryIDs[position] >= 0, entryIDs[position] < 1 << 20 else {
                throw reader.invalid("a \(prefix) id is out of range")
            }
            if nodes[node].entryCount == 0 { nodes[node].firstEntry = Int32(entryTargets.count) }
            nodes[node].entryCount += 1
            entryTargets.append(Int32(entryIDs[position]))
            entryWeights.append(weights[position])
        }

        let outputCount: Int
        var labels: [Double] = []
        var stringLabels = false
        if classifier {
            if let strings = try reader.strings("classlabels_strings"), !strings.isEmpty {
                labels = strings.map { Double(vocabulary.code($0)) }
                stringLabels = true
            } else if let ints = try reader.ints("classlabels_int64s"), !ints.isEmpty {
                labels = ints.map(Double.init)
            }
            guard labels.count >= 2 else { throw reader.invalid("a classifier needs at least two class labels") }
            outputCount = labels.count
        } else {
            outputCount = Int(try reader.int("n_targets", default: 1))
            guard outputCount >= 1, outputCount < 1 << 20 else { throw reader.invalid("n_targets is out of range") }
        }
        guard entryTargets.allSatisfy({ Int($0) < outputCount }) else {
            throw reader.invalid("a \(prefix) id is not below the number of outputs (\(outputCount))")
        }
        let baseValues = try reader.numbers("base_values") ?? []
        if classifier, outputCount > 2 ? !(baseValues.isEmpty || baseValues.count == outputCount) : baseValues.count > 2
        {
            throw reader.invalid("it has \(baseValues.count) base values for \(outputCount) classes")
        }
        let aggregateName = classifier ? "SUM" : try reader.string("aggregate_function", default: "SUM")
        guard let aggregate = Aggregate(rawValue: aggregateName) else {
            throw reader.invalid("aggregate_function '\(aggregateName)' is not one ONNX defines")
        }
        let walk = nodes.enumerated().map { position, node in
            node.mode == .leaf
                ? WalkNode(
                    threshold: node.entryCount > 0 ? entryWeights[Int(node.firstEntry)] : node.ownValue, feature: 0,
                    whenTrue: Int32(position), whenFalse: Int32(position), mode: .leq, missingTrue: true)
                : WalkNode(
                    threshold: node.threshold, feature: node.feature, whenTrue: node.whenTrue,
                    whenFalse: node.whenFalse, mode: node.mode, missingTrue: node.missingTrue)
        }
        let branchModes = Set(nodes.filter { $0.mode != .leaf }.map(\.mode))
        return TreeEnsembleOperator(
            nodes: walk, roots: roots, depths: roots.map { Int32(depth[Int($0)]) },
            sharedMode: branchModes.count <= 1 ? branchModes.first ?? .leq : nil,
            leafFirstEntry: nodes.map(\.firstEntry), leafEntryCount: nodes.map(\.entryCount),
            entryTargets: entryTargets, entryWeights: entryWeights,
            outputCount: outputCount, baseValues: baseValues, aggregate: aggregate,
            transform: try ScoreTransform.read(reader), highestFeature: highestFeature, classifier: classifier,
            labels: labels, stringLabels: stringLabels, binaryCase: outputCount == 2 && Set(entryTargets).count == 1,
            weightsArePositive: entryWeights.allSatisfy { $0 >= 0 })
    }

    /// The most branches a row may pass through over all trees: far beyond real ensembles (a thousand trees
    /// of depth 20 take 20,000), small enough that a hostile graph cannot make one row take hours.
    static let maximumStepsPerRow = 1 << 22

    private struct TreeKey: Hashable {
        let tree: Int64
        let node: Int64
    }

    func run(_ inputs: [ONNXValue?], _ strings: ONNXStrings) throws(ONNXEvaluationError) -> [ONNXValue] {
        let x = try inputs.tensor(0, "TreeEnsemble")
        guard x.type != .string, x.shape.count <= 2 else {
            throw ONNXEvaluationError(problem: "a tree ensemble needs a numeric input of at most 2 dimensions")
        }
        // A 1-D input is one row (ONNX Runtime's reading).
        let width = x.shape.last ?? 1
        let rows = x.shape.count == 2 ? x.shape[0] : 1
        guard rows * width == x.count, highestFeature < width else {
            throw ONNXEvaluationError(problem: "the trees read feature \(highestFeature) of \(width)")
        }
        _ = try ONNXTensor.elementCount([rows, outputCount], "a tree ensemble")
        // Sums in float unless the input is double (ORT's threshold type).
        let single = x.type != .double
        var scores = [Double](repeating: 0, count: rows * outputCount)
        var labelValues = [Double](repeating: 0, count: classifier ? rows : 0)
        // Rows in blocks, each tree walked for the whole block while its nodes are in cache; every row still
        // adds its trees' weights in tree order.
        let block = 64
        var sums = [Double](repeating: 0, count: block * outputCount)
        var has = [Bool](repeating: false, count: block * outputCount)
        var rowSums = [Double](repeating: 0, count: outputCount)
        var rowHas = [Bool](repeating: false, count: outputCount)
        x.numbers.withUnsafeBufferPointer { input in
            for start in stride(from: 0, to: rows, by: block) {
                let count = min(block, rows - start)
                for k in 0..<(count * outputCount) {
                    sums[k] = 0
                    has[k] = false
                }
                sums.withUnsafeMutableBufferPointer { sums in
                    has.withUnsafeMutableBufferPointer { has in
                        let rows = start..<(start + count)
                        switch sharedMode {
                        case .leq?: addTrees(LessOrEqual.self, rows, width, input, single, sums, has)
                        case .lt?: addTrees(Less.self, rows, width, input, single, sums, has)
                        default: addTrees(AnyMode.self, rows, width, input, single, sums, has)
                        }
                    }
                }
                if !classifier && outputCount == 1 {
                    for offset in 0..<count {
                        scores[start + offset] = Double(
                            singleScore(sums[offset], has[offset], treeCount: Double(roots.count), single: single))
                    }
                    continue
                }
                for offset in 0..<count {
                    for k in 0..<outputCount {
                        rowSums[k] = sums[offset * outputCount + k]
                        rowHas[k] = has[offset * outputCount + k]
                    }
                    let output = finalize(&rowSums, &rowHas, treeCount: Double(roots.count), single: single)
                    let row = start + offset
                    for k in 0..<outputCount { scores[row * outputCount + k] = Double(output.scores[k]) }
                    if classifier { labelValues[row] = output.label }
                }
            }
        }
        let z = ONNXTensor(type: .float, shape: [rows, outputCount], numbers: scores)
        guard classifier else { return [.tensor(z)] }
        let label =
            stringLabels
            ? ONNXTensor(strings: labelValues.map { Int32($0) }, shape: [rows])
            : ONNXTensor(type: .int64, shape: [rows], numbers: labelValues)
        return [.tensor(label), .tensor(z)]
    }

    /// Adds every tree's leaf weights for `rows` into `sums` (`outputCount` per row, from 0), tree by tree so a
    /// tree's nodes stay in cache for the block; each row still adds its trees in order. A tree is walked for
    /// eight rows at once, its depth in steps (a leaf steps to itself): the eight walks do not depend on each
    /// other, so the processor overlaps their loads instead of waiting for one row's next node at a time.
    private func addTrees<Test: BranchTest>(
        _: Test.Type, _ rows: Range<Int>, _ width: Int, _ input: UnsafeBufferPointer<Double>, _ single: Bool,
        _ sums: UnsafeMutableBufferPointer<Double>, _ has: UnsafeMutableBufferPointer<Bool>
    ) {
        nodes.withUnsafeBufferPointer { nodes in
            // One step down from `position` for the row whose values start at `row`. Index arithmetic wraps:
            // every index was checked when the ensemble was compiled (children exist, features below the width).
            @inline(__always) func next(_ position: Int, _ row: Int) -> Int {
                let node = nodes[position]
                return node.child(Test.outcome(input[row &+ Int(node.feature)], node))
            }
            for (root, depth) in zip(roots, depths) {
                let root = Int(root)
                var start = rows.lowerBound
                // A deep tree (a hostile chain, say) is walked a row at a time: a row pays its own path, not the
                // tree's depth.
                while start + 8 <= rows.upperBound, depth <= Self.deepestLockstepTree {
                    let row = start * width
                    let (r1, r2, r3, r4, r5, r6, r7) = (
                        row + width, row + 2 * width, row + 3 * width, row + 4 * width, row + 5 * width,
                        row + 6 * width, row + 7 * width
                    )
                    var (p0, p1, p2, p3, p4, p5, p6, p7) = (root, root, root, root, root, root, root, root)
                    for _ in 0..<depth {
                        (p0, p1, p2, p3) = (next(p0, row), next(p1, r1), next(p2, r2), next(p3, r3))
                        (p4, p5, p6, p7) = (next(p4, r4), next(p5, r5), next(p6, r6), next(p7, r7))
                    }
                    for (lane, leaf) in [p0, p1, p2, p3, p4, p5, p6, p7].enumerated() {
                        addLeaf(leaf, nodes, offset: start + lane - rows.lowerBound, single, sums, has)
                    }
                    start += 8
                }
                // The last rows (every row of a deep tree) one at a time, each stopping at its leaf.
                for row in start..<rows.upperBound {
                    var position = root
                    while true {
                        let child = next(position, row * width)
                        if child == position { break }
                        position = child
                    }
                    addLeaf(position, nodes, offset: row - rows.lowerBound, single, sums, has)
                }
            }
        }
    }

    /// The deepest tree walked eight rows at a time: real ensembles' trees are shallower (LightGBM's 31 leaves
    /// reach depth 26, scikit-learn's forests are usually capped near 10-20).
    private static let deepestLockstepTree: Int32 = 32

    @inline(__always)
    private func addLeaf(
        _ leaf: Int, _ nodes: UnsafeBufferPointer<WalkNode>, offset: Int, _ single: Bool,
        _ sums: UnsafeMutableBufferPointer<Double>, _ has: UnsafeMutableBufferPointer<Bool>
    ) {
        if outputCount == 1 {
            let weight = nodes[leaf].threshold
            if aggregate == .sum {
                sums[offset] = single ? Double(Float(sums[offset]) + Float(weight)) : sums[offset] + weight
                has[offset] = true
            } else {
                accumulate(&sums[offset], &has[offset], weight, single)
            }
            return
        }
        let first = Int(leafFirstEntry[leaf])
        for entry in first..<(first + Int(leafEntryCount[leaf])) {
            let target = offset * outputCount + Int(entryTargets[entry])
            accumulate(&sums[target], &has[target], entryWeights[entry], single)
        }
    }

    /// A branch's test: 1 when `value` goes to the true child (a missing value where the node says so), else 0;
    /// computed from flags, not branches, so a walk never waits on a mispredicted jump.
    private protocol BranchTest {
        static func outcome(_ value: Double, _ branch: WalkNode) -> UInt64
    }

    private enum LessOrEqual: BranchTest {
        @inline(__always) static func outcome(_ value: Double, _ branch: WalkNode) -> UInt64 {
            (value <= branch.threshold ? 1 : 0) | (value.isNaN ? UInt64(branch.missingTrue) : 0)
        }
    }

    private enum Less: BranchTest {
        @inline(__always) static func outcome(_ value: Double, _ branch: WalkNode) -> UInt64 {
            (value < branch.threshold ? 1 : 0) | (value.isNaN ? UInt64(branch.missingTrue) : 0)
        }
    }

    private enum AnyMode: BranchTest {
        @inline(__always) static func outcome(_ value: Double, _ branch: WalkNode) -> UInt64 {
            let holds: Bool
            switch branch.mode {
            case .leq: holds = value <= branch.threshold
            case .lt: holds = value < branch.threshold
            case .gte: holds = value >= branch.threshold
            case .gt: holds = value > branch.threshold
            case .eq: holds = value == branch.threshold
            case .neq, .leaf: holds = value != branch.threshold
            }
            return (holds ? 1 : 0) | (value.isNaN ? UInt64(branch.missingTrue) : 0)
        }
    }

    @inline(__always)
    private func accumulate(_ sum: inout Double, _ has: inout Bool, _ weight: Double, _ single: Bool) {
        switch aggregate {
        case .sum, .average: sum = single ? Double(Float(sum) + Float(weight)) : sum + weight
        case .min: if !has || weight < sum { sum = weight }
        case .max: if !has || weight > sum { sum = weight }
        }
        has = true
    }

    /// One row's output scores (float, `outputCount` of them) and, for a classifier, its label (an int64
    /// value or a string code).
    /// A one-output regressor's score: base value, aggregation and (as ORT applies with one target) only PROBIT.
    @inline(__always)
    private func singleScore(_ sum: Double, _ has: Bool, treeCount: Double, single: Bool) -> Float {
        func rounded(_ value: Double) -> Double { single ? Double(Float(value)) : value }
        let origin = baseValues.count == 1 ? baseValues[0] : 0
        let score: Double
        switch aggregate {
        case .sum: score = rounded(sum + origin)
        case .average: score = rounded(rounded(sum / treeCount) + origin)
        case .min, .max: score = has ? rounded(sum + origin) : origin
        }
        return transform == .probit ? ScoreTransform.probit(Float(score)) : Float(score)
    }

    private func finalize(_ sums: inout [Double], _ has: inout [Bool], treeCount: Double, single: Bool)
        -> (scores: [Float], label: Double)
    {
        func rounded(_ value: Double) -> Double { single ? Double(Float(value)) : value }
        if !classifier {
            if outputCount == 1 {
                return ([singleScore(sums[0], has[0], treeCount: treeCount, single: single)], 0)
            }
            let useBase = baseValues.count == outputCount
            var scores = [Float](repeating: 0, count: outputCount)
            for k in 0..<outputCount {
                let base = useBase ? baseValues[k] : 0
                switch aggregate {
                case .sum: scores[k] = Float(rounded(sums[k] + base))
                case .average: scores[k] = Float(rounded(rounded(sums[k] / treeCount) + base))
                case .min, .max: scores[k] = Float(base + (has[k] ? sums[k] : 0))
                }
            }
            transform.apply(&scores)
            return (scores, 0)
        }
        if outputCount > 2 {
            for k in baseValues.indices {
                sums[k] = has[k] ? rounded(sums[k] + baseValues[k]) : baseValues[k]
                has[k] = true
            }
            var best = -1
            for k in 0..<outputCount where has[k] && (best == -1 || sums[k] > sums[best]) { best = k }
            var scores = sums.map { Float($0) }
            transform.apply(&scores)
            return (scores, labels[max(best, 0)])
        }
        // Two classes, as ORT's FinalizeScores handles them.
        var scores = sums
        var kept = 2
        var second: ScoreTransform.SecondClass?
        if baseValues.count == 2 {
            if has[1] {
                scores[1] = rounded(baseValues[1] + scores[0])
                scores[0] = -scores[1]
                has[1] = true
            } else {
                scores[1] = rounded(scores[1] + baseValues[1])
                scores[0] = rounded(scores[0] + baseValues[0])
            }
        } else if baseValues.count == 1 {
            scores[0] = rounded(scores[0] + baseValues[0])
            if !has[1] { kept = 1 }
        } else {
            second = .margin
            if !has[1] { kept = 1 }
        }
        let positive = kept == 2 && has[1] ? scores[1] : (has[0] ? scores[0] : 0)
        let label: Double
        if binaryCase {
            if weightsArePositive {
                second = .complement
                label = positive > 0.5 ? labels[1] : labels[0]
            } else {
                second = .margin
                label = positive > 0 ? labels[1] : labels[0]
            }
        } else {
            // ORT's quirk: outside the binary case the label is the index itself for integer labels.
            label = stringLabels ? labels[positive > 0 ? 1 : 0] : (positive > 0 ? 1 : 0)
        }
        if kept == 1 {
            if transform == .probit { return ([ScoreTransform.probit(Float(scores[0])), 0], label) }
            guard let second else { return ([Float(scores[0]), 0], label) }
            return (transform.twoColumns(Float(scores[0]), second), label)
        }
        var floats = scores.map { Float($0) }
        transform.apply(&floats)
        return (floats, label)
    }
}

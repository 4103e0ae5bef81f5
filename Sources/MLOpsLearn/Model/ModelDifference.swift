extension Model {
    /// The first way `other` differs from this model, in the order a person would look (learner, parameters,
    /// inputs, task, then the fitted numbers: coefficients, tree count, a tree's splits, a leaf value), or nil
    /// when they are equal. Numbers are compared exactly: a reproduction must give the same bits.
    public func firstDifference(from other: Model) -> String? {
        if learner != other.learner { return "learner: \(learner.rawValue) vs \(other.learner.rawValue)" }
        for name in Set(parameters.values.keys).union(other.parameters.values.keys).sorted() {
            let mine = parameters.values[name]?.description ?? "-"
            let theirs = other.parameters.values[name]?.description ?? "-"
            if mine != theirs { return "parameter \(name): \(mine) vs \(theirs)" }
        }
        if let difference = signature.firstDifference(from: other.signature) { return difference }
        if link != other.link { return "link: \(link.rawValue) vs \(other.link.rawValue)" }
        switch (linear, other.linear, trees, other.trees) {
        case (let mine?, let theirs?, _, _): return mine.firstDifference(from: theirs)
        case (_, _, let mine?, let theirs?): return mine.firstDifference(from: theirs)
        default: return self == other ? nil : "the kind of model (linear or trees)"
        }
    }
}

extension Signature {
    fileprivate func firstDifference(from other: Signature) -> String? {
        let mine = features.map(\.name)
        let theirs = other.features.map(\.name)
        if mine != theirs {
            return "features: \(mine.joined(separator: ", ")) vs \(theirs.joined(separator: ", "))"
        }
        for (feature, counterpart) in zip(features, other.features) where feature != counterpart {
            if feature.kind != counterpart.kind {
                return "feature \(feature.name): \(feature.kind.rawValue) vs \(counterpart.kind.rawValue)"
            }
            return "feature \(feature.name): levels \(feature.levels ?? []) vs \(counterpart.levels ?? [])"
        }
        if target != other.target { return "target: \(target) vs \(other.target)" }
        if task != other.task { return "task: \(task.rawValue) vs \(other.task.rawValue)" }
        if classes != other.classes { return "classes: \(classes ?? []) vs \(other.classes ?? [])" }
        return self == other ? nil : "signature"
    }
}

extension LinearModel {
    fileprivate func firstDifference(from other: LinearModel) -> String? {
        if let index = Self.firstMismatch(means, other.means) {
            return "mean of feature \(index)" + Self.pair(means, other.means, index)
        }
        if let index = Self.firstMismatch(scales, other.scales) {
            return "scale of feature \(index)" + Self.pair(scales, other.scales, index)
        }
        if coefficients.count != other.coefficients.count {
            return "outputs: \(coefficients.count) vs \(other.coefficients.count)"
        }
        for (output, (mine, theirs)) in zip(coefficients, other.coefficients).enumerated() {
            if let index = Self.firstMismatch(mine, theirs) {
                return "coefficient \(index) of output \(output)" + Self.pair(mine, theirs, index)
            }
        }
        if let index = Self.firstMismatch(intercepts, other.intercepts) {
            return "intercept of output \(index)" + Self.pair(intercepts, other.intercepts, index)
        }
        return nil
    }

    /// The first index where two arrays differ (a length difference counts at the shorter length).
    static func firstMismatch(_ mine: [Double], _ theirs: [Double]) -> Int? {
        let shared = min(mine.count, theirs.count)
        if let index = (0..<shared).first(where: { mine[$0].bitPattern != theirs[$0].bitPattern }) { return index }
        return mine.count == theirs.count ? nil : min(mine.count, theirs.count)
    }

    /// `: a vs b` for index `index` of two arrays (`-` where one has no such element).
    static func pair(_ mine: [Double], _ theirs: [Double], _ index: Int) -> String {
        let text = { (values: [Double]) in index < values.count ? "\(values[index])" : "-" }
        return ": \(text(mine)) vs \(text(theirs))"
    }
}

extension TreeEnsemble {
    fileprivate func firstDifference(from other: TreeEnsemble) -> String? {
        if let index = LinearModel.firstMismatch(baseScores, other.baseScores) {
            return "base score of output \(index)" + LinearModel.pair(baseScores, other.baseScores, index)
        }
        if averaged != other.averaged { return "averaged: \(averaged) vs \(other.averaged)" }
        if trees.count != other.trees.count { return "tree count: \(trees.count) vs \(other.trees.count)" }
        for (index, (mine, theirs)) in zip(trees, other.trees).enumerated() where mine != theirs {
            if mine.output != theirs.output { return "tree \(index): output \(mine.output) vs \(theirs.output)" }
            if mine.feature != theirs.feature || mine.left != theirs.left || mine.right != theirs.right
                || mine.categories != theirs.categories || mine.defaultLeft != theirs.defaultLeft
            {
                let shared = min(mine.feature.count, theirs.feature.count)
                let node =
                    (0..<shared).first {
                        mine.feature[$0] != theirs.feature[$0] || mine.left[$0] != theirs.left[$0]
                            || mine.right[$0] != theirs.right[$0]
                    } ?? shared
                return "tree \(index): the splits differ from node \(node) (\(mine.feature.count) vs "
                    + "\(theirs.feature.count) internal nodes)"
            }
            if let node = LinearModel.firstMismatch(mine.threshold, theirs.threshold) {
                return "tree \(index): threshold of node \(node)"
                    + LinearModel.pair(mine.threshold, theirs.threshold, node)
            }
            if let leaf = LinearModel.firstMismatch(mine.leafValues, theirs.leafValues) {
                return "tree \(index): leaf \(leaf) value" + LinearModel.pair(mine.leafValues, theirs.leafValues, leaf)
            }
            return "tree \(index)"
        }
        return nil
    }
}

import Foundation

/// Quality measures of class predictions, defined as scikit-learn defines them (zero where a ratio's
/// denominator is zero, as with `zero_division=0`).
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    /// The fraction of rows whose predicted class is the true class.
    public var accuracy: Double
    /// Unweighted mean of per-class precision.
    public var precisionMacro: Double
    /// Unweighted mean of per-class recall.
    public var recallMacro: Double
    /// Unweighted mean of per-class F1.
    public var f1Macro: Double
    /// Per-class precision weighted by each class's support.
    public var precisionWeighted: Double
    /// Per-class recall weighted by each class's support.
    public var recallWeighted: Double
    /// Per-class F1 weighted by each class's support.
    public var f1Weighted: Double
    /// Mean negative log-likelihood of the true class, probabilities clipped to [ε, 1 − ε].
    public var logLoss: Double
    /// Area under the ROC curve: of class 1 for two classes, else the unweighted mean of one-vs-rest AUCs.
    /// `nil` when a class has no rows, where it is undefined.
    public var rocAUC: Double?
    /// `confusion[t][p]` counts rows of true class `t` predicted as `p`.
    public var confusion: [[Int]]

    /// One row's negative log-likelihood of its true class `truth`, its `probabilities` normalized to sum to one
    /// and clipped to [ε, 1 − ε], as scikit-learn's `log_loss` takes them.
    public static func logLoss(probabilities: UnsafeBufferPointer<Double>, truth: Int) -> Double {
        let epsilon = Double.ulpOfOne
        let sum = probabilities.reduce(0, +)
        return -log(min(max(probabilities[truth] / sum, epsilon), 1 - epsilon))
    }

    /// Computes the metrics from true class indices and predicted probabilities.
    ///
    /// - Parameters:
    ///   - truth: The true class of each row, an index into the classes.
    ///   - probabilities: Row-major, `classCount` per row; the predicted class is the most probable one (the
    ///     first on ties).
    public init(truth: [Int], probabilities: [Double], classCount: Int) {
        precondition(classCount >= 2 && probabilities.count == truth.count * classCount && !truth.isEmpty)
        let count = truth.count
        var confusion = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
        var loss = 0.0
        probabilities.withUnsafeBufferPointer { probabilities in
            for row in 0..<count {
                let base = row * classCount
                var best = 0
                for k in 0..<classCount where probabilities[base + k] > probabilities[base + best] { best = k }
                confusion[truth[row]][best] += 1
                loss += Self.logLoss(
                    probabilities: UnsafeBufferPointer(rebasing: probabilities[base..<(base + classCount)]),
                    truth: truth[row])
            }
        }
        self.confusion = confusion
        logLoss = loss / Double(count)

        var correct = 0
        var precision: [Double] = []
        var recall: [Double] = []
        var f1: [Double] = []
        var support: [Int] = []
        for k in 0..<classCount {
            let truePositive = confusion[k][k]
            correct += truePositive
            let predicted = (0..<classCount).reduce(0) { $0 + confusion[$1][k] }
            let actual = confusion[k].reduce(0, +)
            let p = predicted == 0 ? 0 : Double(truePositive) / Double(predicted)
            let r = actual == 0 ? 0 : Double(truePositive) / Double(actual)
            precision.append(p)
            recall.append(r)
            f1.append(p + r == 0 ? 0 : 2 * p * r / (p + r))
            support.append(actual)
        }
        accuracy = Double(correct) / Double(count)
        func macro(_ values: [Double]) -> Double { values.reduce(0, +) / Double(classCount) }
        func weighted(_ values: [Double]) -> Double {
            zip(values, support).reduce(0) { $0 + $1.0 * Double($1.1) } / Double(count)
        }
        precisionMacro = macro(precision)
        recallMacro = macro(recall)
        f1Macro = macro(f1)
        precisionWeighted = weighted(precision)
        recallWeighted = weighted(recall)
        f1Weighted = weighted(f1)

        if classCount == 2 {
            rocAUC = Self.auc(scores: (0..<count).map { probabilities[$0 * 2 + 1] }, positive: truth.map { $0 == 1 })
        } else {
            var aucs: [Double] = []
            for k in 0..<classCount {
                guard
                    let auc = Self.auc(
                        scores: (0..<count).map { probabilities[$0 * classCount + k] },
                        positive: truth.map { $0 == k })
                else { break }
                aucs.append(auc)
            }
            rocAUC = aucs.count == classCount ? aucs.reduce(0, +) / Double(classCount) : nil
        }
    }

    /// The Mann–Whitney statistic: the probability that a random positive scores above a random negative,
    /// ties counting one half — the trapezoidal area under the ROC curve.
    static func auc(scores: [Double], positive: [Bool]) -> Double? {
        let positives = positive.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = positive.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end + 2) / 2
            for index in start...end where positive[order[index]] { rankSum += averageRank }
            start = end + 1
        }
        let p = Double(positives)
        return (rankSum - p * (p + 1) / 2) / (p * Double(negatives))
    }

    /// The scalar metrics by name, as quality gates and run logs refer to them.
    public var named: [String: Double] {
        var metrics = [
            "accuracy": accuracy, "precision_macro": precisionMacro, "recall_macro": recallMacro,
            "f1_macro": f1Macro, "precision_weighted": precisionWeighted, "recall_weighted": recallWeighted,
            "f1_weighted": f1Weighted, "log_loss": logLoss,
        ]
        if let rocAUC { metrics["roc_auc"] = rocAUC }
        return metrics
    }
}

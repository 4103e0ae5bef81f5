import Foundation

/// L2-regularized logistic regression: one score for two classes (the second class's log-odds), else one per
/// class (multinomial, softmax), minimizing Σ log loss + (l2 / 2)·‖W‖² as scikit-learn does with C = 1 / l2.
enum LogisticRegression {
    /// Fits class indices `target` (in `0..<classCount`) on `design`.
    static func fit(
        design: DesignMatrix, target: [Int], classCount: Int, l2: Double, maxIterations: Int, tolerance: Double
    ) -> LinearModel {
        let n = design.rows
        let p = design.width
        let outputs = classCount == 2 ? 1 : classCount
        let stride = p + 1  // weights then intercept, per output
        let scale = 1 / Double(n)

        // The objective is divided by n so that the tolerance means the same at every data size.
        let solution = LBFGS.minimize(
            start: Array(repeating: 0, count: outputs * stride), maxIterations: maxIterations, tolerance: tolerance
        ) { theta, gradient in
            var loss = 0.0
            var penalty = 0.0
            design.values.withUnsafeBufferPointer { x in
                theta.withUnsafeBufferPointer { theta in
                    gradient.withUnsafeMutableBufferPointer { gradient in
                        gradient.update(repeating: 0)
                        var scores = [Double](repeating: 0, count: outputs)
                        for row in 0..<n {
                            let features = x.baseAddress.map { $0 + row * p }
                            guard let features else { return }
                            for k in 0..<outputs {
                                let weights = k * stride
                                var score = theta[weights + p]
                                for j in 0..<p { score += theta[weights + j] * features[j] }
                                scores[k] = score
                            }
                            let truth = target[row]
                            if outputs == 1 {
                                let z = scores[0]
                                // log(1 + e^z) − y·z, computed without overflow.
                                loss += max(z, 0) + log1p(exp(-abs(z))) - Double(truth) * z
                                scores[0] = 1 / (1 + exp(-z)) - Double(truth)
                            } else {
                                let largest = scores.max() ?? 0
                                var sum = 0.0
                                for k in 0..<outputs { sum += exp(scores[k] - largest) }
                                let logSum = largest + log(sum)
                                loss += logSum - scores[truth]
                                for k in 0..<outputs { scores[k] = exp(scores[k] - logSum) - (k == truth ? 1 : 0) }
                            }
                            // `scores` now holds each output's residual (probability − truth).
                            for k in 0..<outputs {
                                let residual = scores[k]
                                let weights = k * stride
                                for j in 0..<p { gradient[weights + j] += residual * features[j] }
                                gradient[weights + p] += residual
                            }
                        }
                        for k in 0..<outputs {
                            for j in 0..<p {
                                let weight = theta[k * stride + j]
                                penalty += weight * weight
                                gradient[k * stride + j] += l2 * weight
                            }
                        }
                        for index in 0..<gradient.count { gradient[index] *= scale }
                    }
                }
            }
            return (loss + 0.5 * l2 * penalty) * scale
        }
        return LinearModel(
            means: design.means, scales: design.scales,
            coefficients: (0..<outputs).map { k in Array(solution[(k * stride)..<(k * stride + p)]) },
            intercepts: (0..<outputs).map { solution[$0 * stride + p] })
    }
}

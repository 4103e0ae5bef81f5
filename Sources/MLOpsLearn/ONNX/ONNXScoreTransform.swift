import Foundation

/// The `post_transform` of the ML operators, computed in float32 exactly as ONNX Runtime's `write_scores`
/// (ml_common.h) does, so probabilities agree with it to the last bits that matter.
enum ScoreTransform: String, Sendable {
    case none = "NONE"
    case logistic = "LOGISTIC"
    case softmax = "SOFTMAX"
    case softmaxZero = "SOFTMAX_ZERO"
    case probit = "PROBIT"

    static func read(_ reader: ONNXNodeReader) throws(ONNXCompileError) -> ScoreTransform {
        let name = try reader.string("post_transform", default: "NONE")
        guard let transform = ScoreTransform(rawValue: name) else {
            throw reader.invalid("post_transform '\(name)' is not one ONNX defines")
        }
        return transform
    }

    static func logistic(_ value: Float) -> Float {
        let a = 1 / (1 + expf(-abs(value)))
        return value < 0 ? 1 - a : a
    }

    /// ONNX Runtime's approximate inverse error function (Winitzki's), in float.
    static func probit(_ value: Float) -> Float {
        let x = 2 * value - 1
        let sign: Float = x < 0 ? -1 : 1
        let y = (1 - x) * (1 + x)
        let lg = logf(y)
        let v = 2 / (Float.pi * 0.147) + 0.5 * lg
        let v2 = 1 / Float(0.147) * lg
        let v3 = -v + sqrtf(v * v - v2)
        return Float(2).squareRoot() * sign * sqrtf(v3)
    }

    /// Transforms one row's scores in place (`write_scores` with two or more scores, or one without a second
    /// class to add).
    func apply(_ scores: inout [Float]) {
        switch self {
        case .none: return
        case .logistic: for k in scores.indices { scores[k] = Self.logistic(scores[k]) }
        case .probit: for k in scores.indices { scores[k] = Self.probit(scores[k]) }
        case .softmax:
            let largest = scores.max() ?? 0
            var sum: Float = 0
            for k in scores.indices {
                scores[k] = expf(scores[k] - largest)
                sum += scores[k]
            }
            for k in scores.indices { scores[k] /= sum }
        case .softmaxZero:
            let largest = scores.max() ?? 0
            var sum: Float = 0
            for k in scores.indices {
                if scores[k] > 1e-7 || scores[k] < -1e-7 {
                    scores[k] = expf(scores[k] - largest)
                    sum += scores[k]
                } else {
                    scores[k] *= expf(-largest)
                }
            }
            for k in scores.indices { scores[k] /= sum }
        }
    }

    /// How a single binary score becomes two columns (`write_scores`' `add_second_class`).
    enum SecondClass {
        /// Weights are probabilities: `[1 − s, s]`, whatever the transform.
        case complement
        /// Weights are margins: `[σ(−s), σ(s)]` with LOGISTIC, else `[−s, s]`.
        case margin
    }

    /// The two columns a single score gives.
    func twoColumns(_ score: Float, _ second: SecondClass) -> [Float] {
        switch (second, self) {
        case (.complement, _): return [1 - score, score]
        case (.margin, .logistic): return [Self.logistic(-score), Self.logistic(score)]
        case (.margin, _): return [-score, score]
        }
    }
}

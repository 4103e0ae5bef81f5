import Foundation
import MLOpsErrors

/// A trained model: the documented, versioned JSON document `model.json` (see `docs/formats.md`).
///
/// A model holds numbers and names only: loading one runs no code. Encoding is deterministic (sorted keys,
/// shortest round-tripping numbers), so the same training gives the same bytes.
public struct Model: Codable, Hashable, Sendable {
    /// The format version this build writes; models with a higher version are refused.
    public static let currentFormatVersion = 1

    /// How raw scores become predictions.
    public enum Link: String, Codable, Sendable {
        /// The score is the prediction (regression).
        case identity
        /// One score per row; the probability of the second class is its logistic sigmoid.
        case sigmoid
        /// One score per class; probabilities are their softmax.
        case softmax
        /// Scores are already probabilities: one (the second class's) for two classes, else one per class,
        /// normalized to sum to one.
        case probability
    }

    /// The version of this document's format.
    public var formatVersion: Int
    /// The learner that produced the model.
    public var learner: Learner
    /// The complete hyperparameters it was trained with.
    public var parameters: Parameters
    /// Inputs, target, task and classes.
    public var signature: Signature
    /// How scores become predictions.
    public var link: Link
    /// The parameters of a linear or logistic model.
    public var linear: LinearModel?
    /// The parameters of a tree ensemble.
    public var trees: TreeEnsemble?
    /// A model registered as ONNX: its bytes and compiled graph (learner ``Learner/onnx``). Not part of the
    /// JSON document: such a model is stored as its ONNX bytes.
    public var onnx: ONNXModel?

    private enum CodingKeys: String, CodingKey {
        case formatVersion, learner, parameters, signature, link, linear, trees
    }

    /// The model as canonical JSON: `JSONEncoder`'s sorted, snake_case encoding, byte for byte.
    public func encoded() -> Data {
        // `trees` sorts last among the keys: everything else is JSONEncoder's, the trees are written after it.
        // Numbers JSONEncoder would refuse (a target so large its mean overflows) are left to it.
        guard let trees, trees.isFinite else { return Self.encodedByJSONEncoder(self) }
        var rest = self
        rest.trees = nil
        var bytes = Array(Self.encodedByJSONEncoder(rest))
        guard bytes.last == UInt8(ascii: "}") else { return Data(bytes) }
        bytes.removeLast()
        bytes += Array(#","trees":"#.utf8)
        TreeEnsembleJSON.write(trees, into: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return Data(bytes)
    }

    /// `model` encoded by `JSONEncoder` alone: what ``encoded()`` must equal.
    static func encodedByJSONEncoder(_ model: Model) -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        // Every number in a model is finite by construction, so encoding cannot fail.
        return (try? encoder.encode(model)) ?? Data()
    }

    /// Reads a model from its stored bytes: an mlops `model.json`, or an ONNX model (``ONNXModel``), told
    /// apart by their first byte. Refuses unknown format versions and structurally invalid parameters.
    public static func decode(_ data: Data, source: String = "model.json") throws(MLOpsError) -> Model {
        if ONNXModel.looksLikeONNX(data) || source.hasSuffix(".onnx") {
            return Model(onnx: try ONNXModel(bytes: data, source: source))
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var model: Model
        do {
            model = try decoder.decode(Model.self, from: data)
        } catch {
            throw MLOpsError(.invalidInput, "'\(source)' is not a valid mlops model", cause: error)
        }
        if let repeated = DuplicateJSONMembers.first(in: Array(data)) {
            throw MLOpsError(
                .invalidInput,
                "'\(source)' is not a valid mlops model: the member '\(repeated)' appears twice in one object")
        }
        guard model.formatVersion <= currentFormatVersion else {
            throw MLOpsError(
                .invalidState,
                "'\(source)' has model format \(model.formatVersion); this mlops reads up to \(currentFormatVersion)",
                hint: "upgrade mlops")
        }
        model.parameters = model.parameters.conformed(to: model.learner.parameterSpecs)
        _ = try CompiledModel(model, source: source)
        return model
    }
}

extension Model {
    /// A model of ONNX bytes, its signature read from the graph.
    public init(onnx: ONNXModel) {
        self.init(
            formatVersion: Self.currentFormatVersion, learner: .onnx, parameters: Parameters(),
            signature: onnx.signature, link: onnx.signature.task == .regression ? .identity : .probability,
            onnx: onnx)
    }
}

/// The parameters of a linear model: per-output coefficients over the encoded features.
///
/// Features are encoded in signature order: a numeric feature becomes one column `(x − mean) / scale` (missing
/// values become 0, the mean); a categorical feature with levels L₀…Lₙ becomes n indicator columns for L₁…Lₙ
/// (L₀ is the reference; a missing or unknown label is all zeros).
public struct LinearModel: Codable, Hashable, Sendable {
    /// Per feature, the training mean (0 for categorical features).
    public var means: [Double]
    /// Per feature, the training standard deviation, or 1 when it was 0 (1 for categorical features).
    public var scales: [Double]
    /// `coefficients[k]` holds output `k`'s weights over the encoded columns.
    public var coefficients: [[Double]]
    /// Per output, the intercept.
    public var intercepts: [Double]
}

/// The parameters of a tree ensemble.
public struct TreeEnsemble: Codable, Hashable, Sendable {
    /// Whether every number in it is finite.
    var isFinite: Bool {
        baseScores.allSatisfy(\.isFinite)
            && trees.allSatisfy { $0.leafValues.allSatisfy(\.isFinite) && $0.threshold.allSatisfy(\.isFinite) }
    }

    /// Per output, the score before any tree.
    public var baseScores: [Double]
    /// True when the trees' outputs are averaged (a forest), false when summed (boosting).
    public var averaged: Bool
    /// The trees, in the order their values are added.
    public var trees: [Tree]
}

/// One decision tree in flat arrays, indexed by internal node (node 0 is the root).
///
/// At internal node `i`, a row goes left when its value of feature `feature[i]` is at most `threshold[i]`
/// (numeric features) or is one of the level codes `categories[i]` (categorical features). A missing value, or
/// a label not seen in training, goes left when `default_left[i]`. Child references `left[i]`/`right[i]` are
/// internal node indices when ≥ 0 and leaf `-(r + 1)` when negative; a child's index is always greater than
/// its parent's. A tree with no internal nodes is the single leaf 0.
public struct Tree: Codable, Hashable, Sendable {
    /// The output (class index for multiclass models, else 0) this tree's values are added to.
    public var output: Int
    public var feature: [Int]
    public var threshold: [Double]
    public var categories: [[Int]]
    public var defaultLeft: [Bool]
    public var left: [Int]
    public var right: [Int]
    /// The value of each leaf.
    public var leafValues: [Double]
}

import MLOpsCore
import MLOpsLearn

/// One registered model version loaded for serving: its compiled form and what turning request values into
/// encoded rows needs (feature positions, category codes). Immutable, so requests share it without locks and a
/// request that started on it finishes on it even after a swap.
final class ServedModel: Sendable {
    let name: String
    /// The registered version (0 for a bundle of a model that was never registered).
    let version: Int
    /// What its source calls this model (``ModelSource/revision(of:)``): equal revisions are the same model.
    let revision: String
    let oid: String
    let compiled: CompiledModel
    /// What a request gives: features, and datetime columns in place of their calendar features.
    let inputs: [Signature.Input]
    /// Input name → position in ``inputs``.
    let inputPositions: [String: Int]
    /// Per feature, level label → code (nil for numeric features).
    let levelCodes: [[String: Int]?]
    /// The data contract requests are checked against (`serve --validate`), nil when they are not.
    let contract: RequestContract?

    var signature: Signature { compiled.signature }
    var reference: String { "\(name)@\(version)" }
    /// Tells this model from any other a server loads, even two revisions of a bundle with one version number.
    var revisionKey: String { "\(name)@\(version)#\(revision)" }

    init(
        name: String, version: Int, revision: String, oid: String, model: Model, contract: DataContract? = nil
    ) throws {
        self.name = name
        self.version = version
        self.revision = revision
        self.oid = oid
        compiled = try CompiledModel(model, source: "\(name)@\(version)")
        let features = model.signature.features
        inputs = compiled.inputs
        inputPositions = Dictionary(uniqueKeysWithValues: inputs.enumerated().map { ($1.name, $0) })
        levelCodes = features.map { feature in
            feature.levels.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
        }
        self.contract = try contract.map { contract in
            try RequestContract(contract, signature: model.signature)
        }
    }

    /// The names of the outputs a prediction has: `predict` for regression, `label` and `probabilities` for
    /// classification.
    var outputNames: [String] {
        signature.task == .regression ? ["predict"] : ["label", "probabilities"]
    }
}

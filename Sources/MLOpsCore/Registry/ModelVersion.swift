import Foundation
import MLOpsLearn

/// One registered version of a model, with its lineage and current aliases.
public struct ModelVersion: Codable, Sendable, Equatable {
    public var name: String
    public var version: Int
    /// The object id of its model: a `model.json`, or an ONNX model's bytes (``format``).
    public var oid: String
    /// What the object is.
    public var format: ModelFormat
    /// The run that produced it, when it was registered from a run.
    public var runId: String?
    /// What was registered: `run:<id>` or a file path.
    public var source: String
    /// The git commit the producing run was at.
    public var gitCommit: String?
    public var signature: Signature
    /// The metrics it was registered with: its producing run's (the hold-out of its training), or an
    /// evaluation's (`model register --metrics-from eval:<run>`); ``metricsFrom`` says which.
    public var metrics: [String: Double]
    public var created: Date
    /// Who registered it (`user@host`).
    public var actor: String
    /// The aliases that point at this version now.
    public var aliases: [String]
    public var tags: [String: String]
    /// The data the producing run read (path, object id, pointer).
    public var inputs: [Run.Input]
    /// Where an imported version came from (nil for versions registered here).
    public var lineage: VersionLineage?
    /// The run that measured ``metrics`` and the data it measured them on (nil when they were not measured
    /// here: a version registered from a file, imported, or registered before mlops recorded this).
    public var metricsFrom: MetricsSource?

    /// `name@version`.
    public var reference: String { "\(name)@\(version)" }
}

/// What a registered version's object is.
public enum ModelFormat: String, Codable, Sendable {
    /// mlops' own `model.json` (docs/formats.md, "Models").
    case mlops
    /// An ONNX model, kept as its bytes and evaluated by mlops (docs/formats.md, "ONNX versions").
    case onnx

    /// The format of `model`.
    public init(of model: Model) { self = model.onnx == nil ? .mlops : .onnx }
}

/// Where a version's metrics were measured.
public struct MetricsSource: Codable, Sendable, Equatable {
    /// The run that measured them: the run that trained the model (on its hold-out) or an `eval` run.
    public var runId: String
    /// That run's kind: `train`, `tune`, `external`, `eval`, ….
    public var kind: String
    /// The data that run read: for an evaluation, the data the metrics were computed on.
    public var inputs: [Run.Input]
}

/// The history an imported version carries from the repository it was exported from.
public struct VersionLineage: Codable, Sendable, Equatable {
    /// The version it was in its original repository (`mpg@3`), if it was registered there.
    public var origin: String?
    /// The run that produced it there.
    public var runId: String?
    public var gitCommit: String?
    /// The data that run read.
    public var inputs: [Run.Input]
    /// The object id of the reference profile the bundle carried (`profile.json`), for monitoring.
    public var profile: String?
    /// Whether tracked files differed from `gitCommit` when the run trained (nil: not known).
    public var dirty: Bool?
    /// What the run was asked to train, so `mlops reproduce` can train it again where the commit and the data
    /// objects are reachable.
    public var recipe: TrainingRecipe?
}

/// A registered model's summary.
public struct RegisteredModel: Codable, Sendable, Equatable {
    public var name: String
    public var versions: Int
    public var latest: Int
    /// Alias → version.
    public var aliases: [String: Int]
}

/// One entry of a model's append-only history.
public struct RegistryEvent: Codable, Sendable, Equatable {
    /// Position in the repository's history (increasing).
    public var sequence: Int
    public var name: String
    /// `register`, `promote`, `rollback`, `tag` or `delete`.
    public var event: String
    public var alias: String?
    public var fromVersion: Int?
    public var toVersion: Int?
    public var reason: String?
    public var actor: String
    public var at: Date
    /// The event's global id (UUIDv7), the same on every clone.
    public var id: String
    /// Whether it is on the remote; pending events come after all published ones until a push places them.
    public var published: Bool
    /// For a promotion or rollback: the approval gates its author evaluated, with their verdicts.
    public var approval: [EvaluationReport.GateResult]?
    /// For a rollback: true when its author moved the alias without the approval gates (`--skip-gates`, with
    /// the reason in ``reason``).
    public var gatesSkipped: Bool?
    /// For an alias move: its author saw another holder than the one before it in this history (another clone
    /// moved the alias meanwhile). The move still happened, after the other one.
    public var concurrent = false
    /// For an alias move or deletion that had no effect in this history, why (see ``AliasReplay``).
    public var void: String?
}

/// A model found by reference, ready to predict.
public struct ResolvedModel: Sendable {
    public var model: Model
    /// The object id of its `model.json`.
    public var oid: String
    public var runId: String?
    public var name: String?
    public var version: Int?
    /// How the caller named it.
    public var reference: String

    /// What the reference resolved to: `name@version` for a registered version, else `run:<id>`.
    public var resolved: String {
        if let name, let version { return "\(name)@\(version)" }
        return runId.map { "run:" + $0 } ?? reference
    }
}

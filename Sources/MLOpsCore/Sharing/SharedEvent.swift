import Foundation
import MLOpsLearn

/// One change that travels through a remote's record log: a registry event (with, for a registration, the whole
/// version), or a later change to a published run (a tag, a deletion). Ids are UUIDv7, made by the clone that
/// made the change, so clones never give one id to two events and merging is a union by id.
public struct SharedEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case register, promote, rollback, tag, delete
        case runTag = "run_tag"
        case runDelete = "run_delete"
    }

    public var id: String
    public var kind: Kind
    /// Who made the change (`user@host`) and when (ns since 1970).
    public var actor: String
    public var atNs: Int64
    /// The model of a registry event.
    public var model: String?
    public var alias: String?
    public var fromVersion: Int?
    public var toVersion: Int?
    public var reason: String?
    /// The registered version (`register` only).
    public var version: SharedVersion?
    /// The tag set (`tag` only).
    public var tag: VersionTag?
    /// The approval gates the promoting clone evaluated, and their verdicts (`promote` only; nil when its
    /// configuration required none).
    public var approval: [EvaluationReport.GateResult]?
    /// The run of a run event.
    public var run: String?
    /// The tags set on the run (`run_tag` only).
    public var tags: [String: String]?

    /// One tag of a version.
    public struct VersionTag: Codable, Sendable, Equatable {
        public var key: String
        public var value: String
    }
}

/// A registered version as a `register` event carries it: everything `model_versions` holds but the name and
/// number, which the event has.
public struct SharedVersion: Codable, Sendable, Equatable {
    public var oid: String
    public var runId: String?
    public var source: String
    public var gitCommit: String?
    public var signature: Signature
    public var metrics: [String: Double]
    public var createdNs: Int64
    public var actor: String
    public var lineage: VersionLineage?
}

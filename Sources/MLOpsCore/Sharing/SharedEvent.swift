import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

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
    /// The approval gates the promoting (or rolling back) clone evaluated, and their verdicts (`promote` and
    /// `rollback` only; nil when its configuration required none).
    public var approval: [EvaluationReport.GateResult]?
    /// True on a `rollback` made without the approval gates (`--skip-gates`).
    public var gatesSkipped: Bool?
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
    /// Where its metrics were measured (absent in records of mlops before it recorded this).
    public var metricsFrom: MetricsSource?
    /// What its object is; absent for mlops' own format (and in records of mlops before ONNX versions).
    public var format: ModelFormat?
}

extension SharedEvent {
    /// The largest version number a record may carry (one above it must still be a number).
    static let maximumVersion = Int(Int32.max)

    /// Checks that the event names what its kind needs, with valid names, aliases, numbers and ids: a fetched
    /// entry is checked whole before anything of it is merged. Throws `integrity` (exit 7).
    func validate() throws {
        func fail(_ problem: String) -> MLOpsError {
            MLOpsError(
                .integrity, "the \(kind.rawValue) event \(id) on the remote \(problem)",
                hint: "the remote's records were changed or damaged; nothing was merged")
        }
        func number(_ value: Int?) throws -> Int {
            guard let value, (1...Self.maximumVersion).contains(value) else { throw fail("names no valid version") }
            return value
        }
        guard Repository.isRunIDText(id) else { throw fail("has no valid id") }
        switch kind {
        case .register, .promote, .rollback, .tag, .delete:
            guard let model, (try? ModelReference.validateName(model)) != nil else {
                throw fail("names no valid model")
            }
        case .runTag, .runDelete:
            guard let run, Repository.isRunIDText(run) else { throw fail("names no valid run") }
        }
        switch kind {
        case .register:
            _ = try number(toVersion)
            guard let version, (try? ObjectID(parsing: version.oid)) != nil else { throw fail("carries no version") }
            if let profile = version.lineage?.profile, (try? ObjectID(parsing: profile)) == nil {
                throw fail("names a profile that is not an object id")
            }
        case .promote, .rollback:
            _ = try number(toVersion)
            if fromVersion != nil { _ = try number(fromVersion) }
            guard let alias, (try? ModelReference.validateAlias(alias)) != nil, alias != "latest" else {
                throw fail("names no valid alias")
            }
        case .tag:
            _ = try number(toVersion)
            guard tag != nil else { throw fail("carries no tag") }
        case .delete:
            _ = try number(fromVersion)
        case .runTag:
            guard tags != nil else { throw fail("carries no tags") }
        case .runDelete:
            break
        }
    }
}

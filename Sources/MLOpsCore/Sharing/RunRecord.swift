import Foundation
import MLOpsErrors

/// An ended run as it travels to other clones: the document `metadata/runs/<id>.json` on the remote, checked
/// against the SHA-256 the record log entry that publishes it holds. It holds what the run's rows hold, times in nanoseconds,
/// so the importing clone stores exactly what the recording clone stored.
public struct RunRecord: Codable, Sendable, Equatable {
    static let currentFormat = 1
    /// The remote folder of run records.
    static let folder = "metadata/runs"

    /// Every recorded value of one metric, in step order.
    public struct Series: Codable, Sendable, Equatable {
        public var steps: [Int]
        public var values: [Double]
        public var timestampsNs: [Int64]
    }

    public var format = currentFormat
    public var id: String
    public var name: String
    public var kind: String
    public var status: String
    public var startedNs: Int64
    public var endedNs: Int64?
    public var gitCommit: String?
    public var gitDirty: Bool
    public var toolVersion: String
    public var host: String
    public var parentId: String?
    public var command: String?
    public var exitStatus: Int?
    public var params: [String: String]
    public var tags: [String: String]
    public var metrics: [String: Series]
    public var inputs: [Run.Input]
    public var artifacts: [Run.Artifact]
    /// The quality gates the run checked, in order; absent when it checked none (and in records of mlops before
    /// gates were recorded).
    public var gates: [EvaluationReport.GateResult]?
}

extension RunRecord {
    /// Reads the record `run` names from the bytes a remote handed back: their SHA-256 must be the one its entry
    /// holds, they must decode to a record of that run, and it must pass ``validate()``. Throws `integrity`.
    static func decode(_ bytes: [UInt8], publishedAs run: RecordLogEntry.PublishedRun, remote: String) throws
        -> RunRecord
    {
        guard RecordLogEntry.digest(bytes) == run.sha256,
            let record = try? SharedJSON.decode(RunRecord.self, bytes), record.id == run.id
        else {
            throw MLOpsError(
                .integrity,
                "the record of run \(run.id) on the remote '\(remote)' does not match the hash its entry holds",
                hint: "it was changed or damaged on the remote; nothing was merged")
        }
        try record.validate()
        return record
    }

    /// Checks what the database would otherwise refuse halfway through a merge: an ended status, a valid parent
    /// id, series whose steps, values and times line up, with each step once and every value finite.
    func validate() throws {
        func fail(_ problem: String) -> MLOpsError {
            MLOpsError(
                .integrity, "the record of run \(id) on the remote \(problem)",
                hint: "the remote's records were changed or damaged; nothing was merged")
        }
        guard format == Self.currentFormat else { throw fail("has format \(format); upgrade mlops to read it") }
        guard let ended = RunStatus(rawValue: status), RunStatus.ended.contains(ended) else {
            throw fail("has status '\(status)'")
        }
        if let gates, !gates.allSatisfy({ $0.value.isFinite && $0.limit.isFinite }) {
            throw fail("has a gate whose value or limit is not a finite number")
        }
        if let parentId, !Repository.isRunIDText(parentId) { throw fail("names an invalid parent") }
        for (key, series) in metrics {
            guard series.steps.count == series.values.count, series.steps.count == series.timestampsNs.count,
                Set(series.steps).count == series.steps.count, series.values.allSatisfy(\.isFinite)
            else { throw fail("has a malformed series '\(key)'") }
        }
    }
}

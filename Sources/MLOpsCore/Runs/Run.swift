import Foundation

/// What produced a run.
public enum RunKind: String, Codable, Sendable, CaseIterable {
    /// `mlops train`.
    case train
    /// `mlops tune`: the parent of its trials.
    case tune
    /// One configuration tried by `mlops tune`.
    case trial
    /// `mlops eval`: a model scored on a dataset.
    case eval
    /// One stage of `mlops repro`.
    case stage
    /// Any command tracked by `mlops run`, or a script logging with `mlops log`.
    case external
    /// `mlops monitor check`: a served model's drift and live quality, its statistics as metrics.
    case monitor
}

/// Where a run is in its life.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running
    case finished
    case failed
    /// Ran to the end, but a quality gate it checked failed (an `eval` whose gates did not all pass): its metrics
    /// are real, and its verdict is no.
    case failedGate = "failed_gate"
    /// Stopped by a signal.
    case killed
    /// Recorded as running by a process on this host that no longer exists (killed with `-9`, or crashed)
    /// before it could record an end. Derived when runs are read; the stored status stays `running`.
    case dead

    /// The statuses a run can end with (``RunStore/finish(_:status:exitStatus:at:)``); `dead` is derived.
    public static let ended: Set<RunStatus> = [.finished, .failed, .failedGate, .killed]
}

/// One tracked run: what ran, on what data and code, with which parameters, and what it measured and produced.
public struct Run: Codable, Sendable, Equatable {
    /// An input file and the object id of its bytes when the run read it.
    public struct Input: Codable, Sendable, Equatable {
        /// Repository-relative path of the file.
        public var path: String
        public var oid: String
        /// The pointer file tracking the input (`data/train.csv.mlops`), when the file is tracked data.
        public var pointer: String?
    }

    /// A file the run produced, stored in the object store.
    public struct Artifact: Codable, Sendable, Equatable {
        public var name: String
        public var oid: String
    }

    /// One recorded value of a metric.
    public struct MetricPoint: Codable, Sendable, Equatable {
        public var step: Int
        public var value: Double
    }

    public var id: String
    public var name: String
    public var kind: RunKind
    public var status: RunStatus
    public var started: Date
    public var ended: Date?
    /// The git commit of the workspace and whether tracked files differed from it.
    public var git: GitState
    public var toolVersion: String
    public var host: String
    /// The tuning run this trial belongs to.
    public var parent: String?
    /// The command line of an external run.
    public var command: String?
    /// The exit status of an external run's command.
    public var exitStatus: Int?
    public var params: [String: String]
    /// Labels attached to the run (`best: true` on the winning trial of a tuning run).
    public var tags: [String: String]
    /// Each metric's value at its highest step.
    public var metrics: [String: Double]
    /// Every recorded value of each metric, in step order (filled by ``Repository/run(_:)``).
    public var history: [String: [MetricPoint]]?
    public var inputs: [Input]
    public var artifacts: [Artifact]
    /// The quality gates the run checked, in order, each with its value, limit and verdict (an `eval`'s).
    public var gates: [EvaluationReport.GateResult] = []

    /// Seconds from start to end, when the run has ended.
    public var durationSeconds: Double? { ended.map { $0.timeIntervalSince(started) } }

    /// The object id of the artifact called `name`.
    public func artifact(named name: String) -> String? { artifacts.first { $0.name == name }?.oid }
}

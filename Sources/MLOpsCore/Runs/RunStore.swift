import Foundation
import GRDB
import MLOpsErrors
import MLOpsStore

/// The runs of a repository and what each recorded: parameters, metrics, tags, inputs and artifacts (tables
/// `runs`, `run_params`, `run_metrics`, `run_tags`, `run_inputs`, `run_artifacts`, `run_gates`). The only code
/// that writes them.
///
/// Invariants (checked here in the same transaction as each change, and by triggers in the schema, migration
/// `0012-record-invariants`, so no other writer can break them):
/// - A run is `running` from ``start(name:kind:parent:command:at:)`` until ``finish(_:status:exitStatus:at:)``,
///   which ends it once. Its parameters, metrics, inputs, artifacts and gates are recorded only while it runs (a
///   later value for the same key, and step, replaces the earlier one).
/// - A run that recorded a failed gate ends `failed_gate`, not `finished` (``finish(_:status:exitStatus:at:)``).
/// - Once ended, a run never changes, except through the two documented operations: ``tag(_:run:)`` and
///   ``delete(_:)`` (which removes it with its records and its trials).
/// - Ids are UUIDv7 (``RunID``): global, time-ordered, so the runs of several clones merge by union.
/// - Only ended runs are published to a remote (``unpublishedRecords()``); what changes a published run later
///   (tags, deletion) is recorded as a run event, published in its turn. Imported runs are never published again.
/// - A run whose recording process died shows as `dead` when read but is stored as `running`: it is still open
///   (a script that outlived `mlops run` may go on logging into it) until something finishes it.
///
/// Every method that takes a `run` accepts its id or a unique prefix of it, optionally after `run:`.
public struct RunStore: Sendable {
    let database: MetadataDatabase
    /// The workspace whose git state a new run records.
    let root: String

    /// Records the start of a run (status `running`) with the workspace's git state, host, tool version and
    /// process, and returns its id. One transaction.
    public func start(
        name: String?, kind: RunKind, parent: String? = nil, command: String? = nil, at date: Date = Date()
    ) throws -> String {
        let id = RunID.make(at: date)
        let git = GitState.read(at: root)
        // The id's first characters are its timestamp, shared by runs started together; the end is random.
        let runName = name ?? "\(kind.rawValue)-\(id.suffix(6))"
        let host = ProcessInfo.processInfo.hostName
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (id, name, kind, status, started_ns, git_commit, git_dirty, tool_version, host,
                                      parent_id, command, process)
                    VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, runName, kind.rawValue, StoredTime.nanoseconds(date), git.commit, git.dirty,
                    ToolVersion.current, host, parent, command, RunProcess.current?.recorded,
                ])
        }
        return id
    }

    /// Records (or replaces) parameters of a running run, in one transaction. Returns the run's id.
    @discardableResult
    public func logParams(_ params: [String: String], run reference: String) throws -> String {
        try whileRunning(reference) { db, id in
            for (key, value) in params {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_params (run_id, key, value) VALUES (?, ?, ?)",
                    arguments: [id, key, value])
            }
        }
    }

    /// Records metric values of a running run at `step` (a later value at the same step replaces the earlier
    /// one), in one transaction. Every value must be finite. Returns the run's id.
    @discardableResult
    public func logMetrics(
        _ metrics: [String: Double], step: Int = 0, run reference: String, at date: Date = Date()
    ) throws -> String {
        for (key, value) in metrics where !value.isFinite {
            throw MLOpsError(.invalidInput, "metric '\(key)' is \(value), not a finite number")
        }
        return try logMetricPoints(metrics.map { ($0.key, step, $0.value) }, run: reference, at: date)
    }

    /// Records a series of values of one metric, one per step, in one transaction; values that are not finite
    /// are skipped (a learning curve may diverge).
    public func logMetricSeries(_ key: String, values: [(step: Int, value: Double)], run reference: String) throws {
        try logMetricPoints(
            values.filter(\.value.isFinite).map { (key, $0.step, $0.value) }, run: reference, at: Date())
    }

    @discardableResult
    private func logMetricPoints(
        _ points: [(key: String, step: Int, value: Double)], run reference: String, at date: Date
    ) throws -> String {
        let now = StoredTime.nanoseconds(date)
        return try whileRunning(reference) { db, id in
            let statement = try db.makeStatement(
                sql:
                    "INSERT OR REPLACE INTO run_metrics (run_id, key, value, step, timestamp_ns) VALUES (?, ?, ?, ?, ?)"
            )
            for point in points { try statement.execute(arguments: [id, point.key, point.value, point.step, now]) }
        }
    }

    /// Records the quality gates a running run checked, in order, replacing any it recorded before. Values and
    /// limits must be finite.
    public func logGates(_ gates: [EvaluationReport.GateResult], run reference: String) throws {
        for gate in gates where !gate.value.isFinite || !gate.limit.isFinite {
            throw MLOpsError(.invalidInput, "gate '\(gate.gate)' has a value or limit that is not a finite number")
        }
        try whileRunning(reference) { db, id in
            try db.execute(sql: "DELETE FROM run_gates WHERE run_id = ?", arguments: [id])
            for (position, gate) in gates.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO run_gates (run_id, position, gate, metric, value, threshold, passed)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [id, position, gate.gate, gate.metric, gate.value, gate.limit, gate.passed])
            }
        }
    }

    /// Records the files a running run read, with the object ids of their bytes and the pointers tracking them.
    public func logInputs(_ inputs: [Run.Input], run reference: String) throws {
        try whileRunning(reference) { db, id in
            for input in inputs {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_inputs (run_id, path, oid, pointer) VALUES (?, ?, ?, ?)",
                    arguments: [id, input.path, input.oid, input.pointer])
            }
        }
    }

    /// Records object `oid` as the running run's artifact `name`. The object must be in the store already, and
    /// protected from `gc` until this returns: by the repository lock held since it was stored
    /// (``Repository/logArtifact(_:bytes:run:)``), or by a record that already references it (a stage's outputs
    /// are tracked data and run-cache entries before `repro` records them as artifacts).
    @discardableResult
    func recordArtifact(_ name: String, oid: ObjectID, run reference: String) throws -> String {
        try whileRunning(reference) { db, id in
            try db.execute(
                sql: "INSERT OR REPLACE INTO run_artifacts (run_id, name, oid) VALUES (?, ?, ?)",
                arguments: [id, name, oid.description])
        }
    }

    /// Attaches (or replaces) tags of a run, running or ended: tags are the one thing an ended run may change.
    /// A published run's new tags are also a pending `run_tag` event, which the next push publishes. Returns the
    /// run's id.
    @discardableResult
    public func tag(_ tags: [String: String], run reference: String) throws -> String {
        let tagsText = String(decoding: try SharedJSON.encode(tags), as: UTF8.self)
        return try database.write { db in
            let id = try Self.resolveID(db, reference)
            for (key, value) in tags {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)",
                    arguments: [id, key, value])
            }
            try Self.appendEventIfPublished(db, run: id, event: .runTag, tags: tagsText)
            return id
        }
    }

    /// Ends a running run with `status` (one of ``RunStatus/ended``). A run that recorded a failed gate cannot
    /// end `finished`: it ends `failed_gate` instead. Throws `.invalidState` when the run has already ended.
    public func finish(_ reference: String, status: RunStatus, exitStatus: Int? = nil, at date: Date = Date()) throws {
        guard RunStatus.ended.contains(status) else {
            throw MLOpsError(.usage, "a run ends as finished, failed, failed_gate or killed, not \(status.rawValue)")
        }
        try whileRunning(reference) { db, id in
            var status = status
            let failedGate = "SELECT EXISTS (SELECT 1 FROM run_gates WHERE run_id = ? AND NOT passed)"
            if status == .finished, try Bool.fetchOne(db, sql: failedGate, arguments: [id]) == true {
                status = .failedGate
            }
            try db.execute(
                sql: "UPDATE runs SET status = ?, ended_ns = ?, exit_status = ? WHERE id = ?",
                arguments: [status.rawValue, StoredTime.nanoseconds(date), exitStatus, id])
        }
    }

    /// Deletes the runs named by `references` with all their records, and their trials, in one transaction; their
    /// artifacts' objects become garbage for `gc` unless something else references them. Deleting a published
    /// run is also a pending `run_delete` event, which the next push publishes. Returns the ids.
    @discardableResult
    public func delete(_ references: [String]) throws -> [String] {
        try database.write { db in
            let ids = try references.map { try Self.resolveID(db, $0) }
            for id in ids {
                // The trials go with their tuning run, here and, for those already published, everywhere.
                let trials = try String.fetchAll(db, sql: "SELECT id FROM runs WHERE parent_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM runs WHERE id = ? OR parent_id = ?", arguments: [id, id])
                for run in [id] + trials {
                    try Self.appendEventIfPublished(db, run: run, event: .runDelete, tags: nil)
                }
            }
            return ids
        }
    }

    /// The id of the run `reference` names, which must still be running (what is about to be recorded into it
    /// may be checked before it is prepared; the recording checks again).
    func runningID(_ reference: String) throws -> String {
        try database.read { db in try Self.runningID(db, reference) }
    }

    /// Runs `change` on the resolved id of a run that is still running, in one write transaction.
    @discardableResult
    private func whileRunning(
        _ reference: String, _ change: (Database, String) throws -> Void
    ) throws -> String {
        try database.write { db in
            let id = try Self.runningID(db, reference)
            try change(db, id)
            return id
        }
    }

    private static func runningID(_ db: Database, _ reference: String) throws -> String {
        let id = try resolveID(db, reference)
        let status = try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = ?", arguments: [id])
        guard status == RunStatus.running.rawValue else {
            throw MLOpsError(
                .invalidState, "run \(id) has ended (\(status ?? "unknown")); its record cannot change",
                hint: "start a new run to record more")
        }
        return id
    }

    // MARK: Reading

    /// Runs matching `listing`, most recent first by default.
    public func list(_ listing: RunListing = RunListing()) throws -> [Run] {
        try listing.apply(to: load(ids: nil, withHistory: false))
    }

    /// The ids of the newest runs (at most `limit`) whose id starts with `prefix` (what a shell completes).
    public func ids(startingWith prefix: String, limit: Int) throws -> [String] {
        try database.read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY started_ns DESC LIMIT ?",
                // The ids that start with `prefix` are a range of the primary key's (bytewise) order.
                arguments: [prefix, prefix + "\u{FFFF}", limit])
        }
    }

    /// The run `reference` names, with its metric history.
    public func run(_ reference: String) throws -> Run {
        let id = try resolveID(reference)
        guard let run = try load(ids: [id], withHistory: true).first else {
            throw MLOpsError(.notFound, "no run '\(reference)'")
        }
        return run
    }

    /// The full id of the run `reference` names.
    public func resolveID(_ reference: String) throws -> String {
        try database.read { db in try Self.resolveID(db, reference) }
    }

    /// The object ids every run's artifacts reference, which `gc` must keep.
    func artifactObjects() throws -> Set<ObjectID> {
        let texts = try database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT oid FROM run_artifacts") }
        return Set(texts.compactMap { try? ObjectID(parsing: $0) })
    }

    static func resolveID(_ db: Database, _ reference: String) throws -> String {
        let prefix = reference.hasPrefix("run:") ? String(reference.dropFirst(4)) : reference
        guard RunID.isPlausiblePrefix(prefix) else {
            throw MLOpsError(
                .invalidInput, "'\(reference)' is not a run id", hint: "run ids look like 0193…; see `mlops runs list`")
        }
        let matches = try String.fetchAll(
            db, sql: "SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
            arguments: [prefix.lowercased(), prefix.lowercased() + "\u{7F}"])
        switch matches.count {
        case 0:
            throw MLOpsError(.notFound, "no run '\(prefix)'", hint: "list runs with `mlops runs list`")
        case 1:
            return matches[0]
        default:
            throw MLOpsError(
                .invalidInput, "'\(prefix)' matches several runs: \(matches.prefix(5).joined(separator: ", "))",
                hint: "give more characters of the id")
        }
    }

    private func load(ids: [String]?, withHistory: Bool) throws -> [Run] {
        let host = ProcessInfo.processInfo.hostName
        return try database.read { db in
            let placeholders = ids.map { Array(repeating: "?", count: $0.count).joined(separator: ",") } ?? ""
            let condition = ids == nil ? "" : "WHERE id IN (\(placeholders))"
            let scope = ids == nil ? "" : "WHERE run_id IN (\(placeholders))"
            let arguments = StatementArguments(ids ?? [])
            var runs: [String: Run] = [:]
            var order: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM runs \(condition)", arguments: arguments) {
                let id: String = row["id"]
                order.append(id)
                let ended: Int64? = row["ended_ns"]
                var status = RunStatus(rawValue: row["status"]) ?? .failed
                if status == .running, row["host"] == host, let process = RunProcess(recorded: row["process"]),
                    !process.isAlive
                {
                    status = .dead
                }
                runs[id] = Run(
                    id: id, name: row["name"], kind: RunKind(rawValue: row["kind"]) ?? .external, status: status,
                    started: StoredTime.date(row["started_ns"]), ended: ended.map(StoredTime.date),
                    git: GitState(commit: row["git_commit"], dirty: row["git_dirty"]),
                    toolVersion: row["tool_version"], host: row["host"], parent: row["parent_id"],
                    command: row["command"], exitStatus: row["exit_status"], params: [:], tags: [:], metrics: [:],
                    history: withHistory ? [:] : nil, inputs: [], artifacts: [])
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT run_id, key, value FROM run_params \(scope)", arguments: arguments)
            {
                runs[row["run_id"] as String]?.params[row["key"]] = row["value"]
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT run_id, key, value FROM run_tags \(scope)", arguments: arguments)
            {
                runs[row["run_id"] as String]?.tags[row["key"]] = row["value"]
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT run_id, key, value, step FROM run_metrics \(scope) ORDER BY run_id, key, step",
                arguments: arguments)
            {
                let id: String = row["run_id"]
                let key: String = row["key"]
                let value: Double = row["value"]
                runs[id]?.metrics[key] = value  // ordered by step: the last one wins
                if withHistory {
                    runs[id]?.history?[key, default: []].append(Run.MetricPoint(step: row["step"], value: value))
                }
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM run_inputs \(scope) ORDER BY path", arguments: arguments)
            {
                runs[row["run_id"] as String]?.inputs.append(
                    Run.Input(path: row["path"], oid: row["oid"], pointer: row["pointer"]))
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM run_artifacts \(scope) ORDER BY name", arguments: arguments)
            {
                runs[row["run_id"] as String]?.artifacts.append(Run.Artifact(name: row["name"], oid: row["oid"]))
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM run_gates \(scope) ORDER BY run_id, position", arguments: arguments)
            {
                runs[row["run_id"] as String]?.gates.append(Self.gate(row))
            }
            return order.compactMap { runs[$0] }
        }
    }

    /// A `run_gates` row as the gate's verdict.
    static func gate(_ row: Row) -> EvaluationReport.GateResult {
        EvaluationReport.GateResult(
            gate: row["gate"], metric: row["metric"], value: row["value"], limit: row["threshold"],
            passed: row["passed"])
    }
}

import Foundation
import GRDB
import MLOpsErrors
import MLOpsStore

extension Repository {
    /// Records the start of a run (status `running`) with the workspace's git state, host and tool version, and
    /// returns its id.
    public func startRun(
        name: String?, kind: RunKind, parent: String? = nil, command: String? = nil, at date: Date = Date()
    ) throws -> String {
        let id = RunID.make(at: date)
        let git = GitState.read(at: root)
        // The id's first characters are its timestamp, shared by runs started together; the end is random.
        let runName = name ?? "\(kind.rawValue)-\(id.suffix(6))"
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (id, name, kind, status, started_ns, git_commit, git_dirty, tool_version, host,
                                      parent_id, command, process)
                    VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, runName, kind.rawValue, Self.nanoseconds(date), git.commit, git.dirty, ToolVersion.current,
                    ProcessInfo.processInfo.hostName, parent, command, RunProcess.current?.recorded,
                ])
        }
        return id
    }

    /// Records (or replaces) parameters of a run.
    public func logParams(_ params: [String: String], run id: String) throws {
        try write { db in
            for (key, value) in params {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_params (run_id, key, value) VALUES (?, ?, ?)",
                    arguments: [id, key, value])
            }
        }
    }

    /// Attaches (or replaces) tags of a run.
    public func tagRun(_ tags: [String: String], run id: String) throws {
        try write { db in
            for (key, value) in tags {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)", arguments: [id, key, value])
            }
        }
    }

    /// Records metric values of a run at `step` (a later value at the same step replaces the earlier one).
    public func logMetrics(_ metrics: [String: Double], step: Int = 0, run id: String, at date: Date = Date()) throws {
        for (key, value) in metrics where !value.isFinite {
            throw MLOpsError(.invalidInput, "metric '\(key)' is \(value), not a finite number")
        }
        try write { db in
            for (key, value) in metrics {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_metrics (run_id, key, value, step, timestamp_ns) VALUES (?, ?, ?, ?, ?)",
                    arguments: [id, key, value, step, Self.nanoseconds(date)])
            }
        }
    }

    /// Records a series of values of one metric, one per step, in one transaction.
    public func logMetricSeries(_ key: String, values: [(step: Int, value: Double)], run id: String) throws {
        let now = Self.nanoseconds(Date())
        try write { db in
            for point in values where point.value.isFinite {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_metrics (run_id, key, value, step, timestamp_ns) VALUES (?, ?, ?, ?, ?)",
                    arguments: [id, key, point.value, point.step, now])
            }
        }
    }

    /// Records the files a run read, with the object ids of their bytes and the pointers that track them.
    public func logInputs(_ inputs: [Run.Input], run id: String) throws {
        try write { db in
            for input in inputs {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO run_inputs (run_id, path, oid, pointer) VALUES (?, ?, ?, ?)",
                    arguments: [id, input.path, input.oid, input.pointer])
            }
        }
    }

    /// Stores `bytes` in the object store and records them as the run's artifact `name`. Holds the write lock
    /// between storing and recording, so `gc` cannot remove the object before the record protects it.
    @discardableResult
    public func logArtifact(_ name: String, bytes: [UInt8], run id: String) throws -> ObjectID {
        let lock = try lock(for: "recording an artifact")
        defer { withExtendedLifetime(lock) {} }
        let oid = try store.store(bytes)
        try store.synchronize()
        try recordArtifact(name, oid: oid, run: id)
        return oid
    }

    /// Copies the file at `path` into the object store and records it as the run's artifact `name`.
    @discardableResult
    public func logArtifact(_ name: String, file path: String, run id: String) throws -> ObjectID {
        let lock = try lock(for: "recording an artifact")
        defer { withExtendedLifetime(lock) {} }
        let oid = try store.ingestFile(at: path).id
        try store.synchronize()
        try recordArtifact(name, oid: oid, run: id)
        return oid
    }

    private func recordArtifact(_ name: String, oid: ObjectID, run id: String) throws {
        try write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO run_artifacts (run_id, name, oid) VALUES (?, ?, ?)",
                arguments: [id, name, oid.description])
        }
    }

    /// Records the end of a run.
    public func finishRun(_ id: String, status: RunStatus, exitStatus: Int? = nil, at date: Date = Date()) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET status = ?, ended_ns = ?, exit_status = ? WHERE id = ?",
                arguments: [status.rawValue, Self.nanoseconds(date), exitStatus, id])
        }
    }

    /// The object ids every run's artifacts reference, which `gc` must keep.
    func runArtifactObjects() throws -> Set<ObjectID> {
        let texts = try database.pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT oid FROM run_artifacts") }
        return Set(texts.compactMap { try? ObjectID(parsing: $0) })
    }

    func write(_ body: @escaping @Sendable (Database) throws -> Void) throws {
        do {
            try database.pool.write(body)
        } catch let error as MLOpsError {
            throw error
        } catch {
            throw MLOpsError(.failure, "cannot record the run in '\(database.path)'", cause: error)
        }
    }

    static func nanoseconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1e9) }
    static func date(_ nanoseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(nanoseconds) / 1e9) }
}

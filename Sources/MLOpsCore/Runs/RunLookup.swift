import Foundation
import GRDB
import MLOpsErrors

/// How `runs list` narrows and orders runs.
public struct RunListing: Sendable {
    /// Keep runs matching this filter (`--where`).
    public var filter: RunFilter?
    /// Keep runs with this name.
    public var name: String?
    /// Keep runs with this status.
    public var status: RunStatus?
    /// Keep runs started at or after this time.
    public var since: Date?
    /// Sort by this field (`started`, `name`, `metrics.rmse`, `params.max_leaves`…), ascending unless `descending`.
    public var sortKey: String = "started"
    public var descending = true
    /// At most this many runs.
    public var limit: Int?

    public init() {}
}

extension Repository {
    /// Runs matching `listing`, most recent first by default.
    public func runs(_ listing: RunListing = RunListing()) throws -> [Run] {
        var runs = try loadRuns(ids: nil, withHistory: false)
        runs = try runs.filter { run in
            if let name = listing.name, run.name != name { return false }
            if let status = listing.status, run.status != status { return false }
            if let since = listing.since, run.started < since { return false }
            return try listing.filter?.matches(run) ?? true
        }
        let key = listing.sortKey
        runs.sort { a, b in
            let order = RunFilter.compare(RunFilter.value(of: key, in: a), RunFilter.value(of: key, in: b))
            if order == 0 { return listing.descending ? a.id > b.id : a.id < b.id }
            return listing.descending ? order > 0 : order < 0
        }
        if let limit = listing.limit { runs = Array(runs.prefix(limit)) }
        return runs
    }

    /// The run whose id is `reference` or starts with it (a unique prefix, as git accepts), with its metric
    /// history. `run:` before the id is allowed.
    public func run(_ reference: String) throws -> Run {
        let id = try resolveRunID(reference)
        guard let run = try loadRuns(ids: [id], withHistory: true).first else {
            throw MLOpsError(.notFound, "no run '\(reference)'")
        }
        return run
    }

    /// The full id of the run `reference` names (an id or unique prefix, optionally after `run:`).
    public func resolveRunID(_ reference: String) throws -> String {
        let prefix = reference.hasPrefix("run:") ? String(reference.dropFirst(4)) : reference
        guard RunID.isPlausiblePrefix(prefix) else {
            throw MLOpsError(
                .invalidInput, "'\(reference)' is not a run id", hint: "run ids look like 0193…; see `mlops runs list`")
        }
        let matches = try database.pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
                arguments: [prefix.lowercased(), prefix.lowercased() + "\u{7F}"])
        }
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

    /// Deletes the runs named by `references` (ids or unique prefixes) with their records; their artifacts'
    /// objects become garbage for `gc` unless something else references them. Returns the deleted ids.
    @discardableResult
    public func deleteRuns(_ references: [String]) throws -> [String] {
        let ids = try references.map(resolveRunID)
        try write { db in
            for id in ids {
                // Trials go with their tuning run.
                try db.execute(sql: "DELETE FROM runs WHERE id = ? OR parent_id = ?", arguments: [id, id])
            }
        }
        return ids
    }

    private func loadRuns(ids: [String]?, withHistory: Bool) throws -> [Run] {
        let host = ProcessInfo.processInfo.hostName
        return try database.pool.read { db in
            let condition = ids.map { "WHERE id IN (\(Array(repeating: "?", count: $0.count).joined(separator: ",")))" } ?? ""
            let arguments = StatementArguments(ids ?? [])
            var runs: [String: Run] = [:]
            var order: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM runs \(condition)", arguments: arguments) {
                let id: String = row["id"]
                order.append(id)
                let ended: Int64? = row["ended_ns"]
                let exitStatus: Int? = row["exit_status"]
                var status = RunStatus(rawValue: row["status"]) ?? .failed
                if status == .running, row["host"] == host, let process = RunProcess(recorded: row["process"]), !process.isAlive {
                    status = .dead
                }
                runs[id] = Run(
                    id: id, name: row["name"], kind: RunKind(rawValue: row["kind"]) ?? .external,
                    status: status,
                    started: Self.date(row["started_ns"]), ended: ended.map(Self.date),
                    git: GitState(commit: row["git_commit"], dirty: row["git_dirty"]), toolVersion: row["tool_version"],
                    host: row["host"], parent: row["parent_id"], command: row["command"], exitStatus: exitStatus,
                    params: [:], tags: [:], metrics: [:], history: withHistory ? [:] : nil, inputs: [], artifacts: [])
            }
            let scope = ids == nil ? "" : "WHERE run_id IN (\(Array(repeating: "?", count: ids?.count ?? 0).joined(separator: ",")))"
            for row in try Row.fetchAll(db, sql: "SELECT run_id, key, value FROM run_params \(scope)", arguments: arguments) {
                runs[row["run_id"] as String]?.params[row["key"]] = row["value"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT run_id, key, value FROM run_tags \(scope)", arguments: arguments) {
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
                if withHistory { runs[id]?.history?[key, default: []].append(Run.MetricPoint(step: row["step"], value: value)) }
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM run_inputs \(scope) ORDER BY path", arguments: arguments) {
                runs[row["run_id"] as String]?.inputs.append(Run.Input(path: row["path"], oid: row["oid"], pointer: row["pointer"]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM run_artifacts \(scope) ORDER BY name", arguments: arguments) {
                runs[row["run_id"] as String]?.artifacts.append(Run.Artifact(name: row["name"], oid: row["oid"]))
            }
            return order.compactMap { runs[$0] }
        }
    }
}

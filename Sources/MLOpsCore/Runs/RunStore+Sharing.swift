import Foundation
import GRDB
import MLOpsErrors
import MLOpsStore

/// How runs travel through a remote's record log (``RecordLogEntry``), kept with the rest of ``RunStore``'s SQL:
/// tables `published_runs` (which runs are on the remote, and the SHA-256 of their records) and `run_events` (tags and
/// deletions of published runs, pending until a push publishes them; a deletion is also what keeps a deleted
/// run from being imported again).
extension RunStore {
    /// The ended runs not yet published, as records, oldest first.
    func unpublishedRecords() throws -> [RunRecord] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM runs WHERE \(Self.unpublished) ORDER BY id").map {
                try Self.record(db, id: $0)
            }
        }
    }

    /// How many ended runs are not yet published (without reading their records).
    func unpublishedCount() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE \(Self.unpublished)") ?? 0
        }
    }

    /// The runs a push publishes: ended, not published, not deleted.
    private static let unpublished = """
        status <> 'running' AND id NOT IN (SELECT run_id FROM published_runs)
        AND id NOT IN (SELECT run_id FROM run_events WHERE event = 'run_delete')
        """

    /// Records that `runs` are on the remote, in one transaction. A run tagged or deleted here since its record
    /// was made (`recordedTags` holds the tags each record carries) gets the pending `run_tag` or `run_delete`
    /// event that says so, as any later change would: what happened in between still travels.
    func markPublished(_ runs: [RecordLogEntry.PublishedRun], recordedTags: [String: [String: String]]) throws {
        try database.write { db in
            for run in runs {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO published_runs (run_id, sha256) VALUES (?, ?)",
                    arguments: [run.id, run.sha256])
                guard
                    try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?)", arguments: [run.id])
                        == true
                else {
                    try Self.appendEventIfPublished(db, run: run.id, event: .runDelete, tags: nil)
                    continue
                }
                var tags: [String: String] = [:]
                for row in try Row.fetchAll(
                    db, sql: "SELECT key, value FROM run_tags WHERE run_id = ?", arguments: [run.id])
                {
                    tags[row["key"]] = row["value"]
                }
                let changed = tags.filter { recordedTags[run.id]?[$0.key] != $0.value }
                if !changed.isEmpty {
                    try Self.appendEventIfPublished(
                        db, run: run.id, event: .runTag,
                        tags: String(decoding: try SharedJSON.encode(changed), as: UTF8.self))
                }
            }
        }
    }

    /// Run events not yet published, in the order they were made.
    func pendingEvents() throws -> [SharedEvent] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_events WHERE log_position IS NULL ORDER BY rowid").map {
                row in
                let tags: String? = row["tags"]
                return SharedEvent(
                    id: row["id"], kind: SharedEvent.Kind(rawValue: row["event"]) ?? .runTag, actor: row["actor"],
                    atNs: row["at_ns"], run: row["run_id"],
                    tags: try tags.map { try SharedJSON.decode([String: String].self, Array($0.utf8)) })
            }
        }
    }

    /// Gives published events the place the remote log gave them.
    func markEventsPublished(_ placed: [(id: String, position: Int, index: Int)]) throws {
        try database.write { db in
            for event in placed {
                try db.execute(
                    sql: "UPDATE run_events SET log_position = ?, log_index = ? WHERE id = ? AND log_position IS NULL",
                    arguments: [event.position, event.index, event.id])
            }
        }
    }

    /// The SHA-256 (hex) of run `id`'s record as the remote's log published it, or nil when no merged entry
    /// published it.
    func publishedDigest(of id: String) throws -> String? {
        try database.read { db in
            try String.fetchOne(db, sql: "SELECT sha256 FROM published_runs WHERE run_id = ?", arguments: [id])
        }
    }

    /// The ids among `ids` this clone has or has deleted: their records need not be downloaded.
    func knownOrDeleted(_ ids: [String]) throws -> Set<String> {
        try database.read { db in
            var known = Set<String>()
            for id in ids
            where try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?1)
                        OR EXISTS (SELECT 1 FROM run_events WHERE run_id = ?1 AND event = 'run_delete')
                    """, arguments: [id]) == true
            {
                known.insert(id)
            }
            return known
        }
    }

    /// Merges what record log entries brought, in one transaction: imports `records` (skipping runs this clone
    /// has, has deleted, or whose tuning run it has deleted), notes every published run as published, applies
    /// the run events in log order (events this clone made get their place), then applies this clone's pending
    /// tags again, since they come after every published event. Returns how many runs were imported.
    func merge(
        records: [RunRecord], published: [RecordLogEntry.PublishedRun],
        events: [(event: SharedEvent, position: Int, index: Int)]
    ) throws -> Int {
        try database.write { db in
            var imported = 0
            for record in records where try !Self.isKnownOrDeleted(db, record.id) {
                if let parent = record.parentId,
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM run_events WHERE run_id = ? AND event = 'run_delete')",
                        arguments: [parent]) == true
                {
                    continue
                }
                try Self.insert(db, record)
                imported += 1
            }
            for run in published {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO published_runs (run_id, sha256) VALUES (?, ?)",
                    arguments: [run.id, run.sha256])
            }
            for (event, position, index) in events where event.kind == .runTag || event.kind == .runDelete {
                guard let run = event.run else { continue }
                if try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM run_events WHERE id = ?)", arguments: [event.id])
                    == true
                {
                    try db.execute(
                        sql:
                            "UPDATE run_events SET log_position = ?, log_index = ? WHERE id = ? AND log_position IS NULL",
                        arguments: [position, index, event.id])
                    continue
                }
                let tags = try event.tags.map { String(decoding: try SharedJSON.encode($0), as: UTF8.self) }
                try db.execute(
                    sql: """
                        INSERT INTO run_events (id, run_id, event, tags, actor, at_ns, log_position, log_index)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [event.id, run, event.kind.rawValue, tags, event.actor, event.atNs, position, index])
                if event.kind == .runDelete {
                    try db.execute(sql: "DELETE FROM runs WHERE id = ? OR parent_id = ?", arguments: [run, run])
                } else {
                    try Self.setTags(db, run: run, tags: event.tags ?? [:])
                }
            }
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT run_id, tags FROM run_events WHERE log_position IS NULL AND event = 'run_tag' ORDER BY rowid"
            ) {
                let tags: String = row["tags"]
                try Self.setTags(
                    db, run: row["run_id"], tags: try SharedJSON.decode([String: String].self, Array(tags.utf8)))
            }
            return imported
        }
    }

    /// Appends a pending run event when `run` is published (changes to a run no other clone has travel in its
    /// record instead).
    static func appendEventIfPublished(_ db: Database, run: String, event: SharedEvent.Kind, tags: String?) throws {
        guard
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM published_runs WHERE run_id = ?)", arguments: [run])
                == true
        else { return }
        try db.execute(
            sql: "INSERT INTO run_events (id, run_id, event, tags, actor, at_ns) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                RunID.make(), run, event.rawValue, tags, ActingUser.current, StoredTime.nanoseconds(Date()),
            ])
    }

    private static func isKnownOrDeleted(_ db: Database, _ id: String) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?1)
                    OR EXISTS (SELECT 1 FROM run_events WHERE run_id = ?1 AND event = 'run_delete')
                """, arguments: [id]) == true
    }

    private static func setTags(_ db: Database, run: String, tags: [String: String]) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?)", arguments: [run]) == true
        else { return }
        for (key, value) in tags {
            try db.execute(
                sql: "INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)",
                arguments: [run, key, value])
        }
    }

    /// The record of run `id`, read inside the caller's transaction.
    private static func record(_ db: Database, id: String) throws -> RunRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else {
            throw MLOpsError(.notFound, "no run '\(id)'")
        }
        var record = RunRecord(
            id: id, name: row["name"], kind: row["kind"], status: row["status"], startedNs: row["started_ns"],
            endedNs: row["ended_ns"], gitCommit: row["git_commit"], gitDirty: row["git_dirty"],
            toolVersion: row["tool_version"], host: row["host"], parentId: row["parent_id"], command: row["command"],
            exitStatus: row["exit_status"], params: [:], tags: [:], metrics: [:], inputs: [], artifacts: [])
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM run_params WHERE run_id = ?", arguments: [id]) {
            record.params[row["key"]] = row["value"]
        }
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM run_tags WHERE run_id = ?", arguments: [id]) {
            record.tags[row["key"]] = row["value"]
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT key, step, value, timestamp_ns FROM run_metrics WHERE run_id = ? ORDER BY key, step",
            arguments: [id])
        {
            let key: String = row["key"]
            record.metrics[key, default: RunRecord.Series(steps: [], values: [], timestampsNs: [])].steps.append(
                row["step"])
            record.metrics[key]?.values.append(row["value"])
            record.metrics[key]?.timestampsNs.append(row["timestamp_ns"])
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT path, oid, pointer FROM run_inputs WHERE run_id = ? ORDER BY path", arguments: [id])
        {
            record.inputs.append(Run.Input(path: row["path"], oid: row["oid"], pointer: row["pointer"]))
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT name, oid FROM run_artifacts WHERE run_id = ? ORDER BY name", arguments: [id])
        {
            record.artifacts.append(Run.Artifact(name: row["name"], oid: row["oid"]))
        }
        let gates = try Row.fetchAll(
            db, sql: "SELECT * FROM run_gates WHERE run_id = ? ORDER BY position", arguments: [id]
        ).map(RunStore.gate)
        record.gates = gates.isEmpty ? nil : gates
        return record
    }

    /// Stores an imported record: its rows are written while it is `running` (the schema allows a run's records
    /// only then) and it is ended last, with the recorded status and times.
    private static func insert(_ db: Database, _ record: RunRecord) throws {
        try record.validate()
        try db.execute(
            sql: """
                INSERT INTO runs (id, name, kind, status, started_ns, git_commit, git_dirty, tool_version, host,
                                  parent_id, command)
                VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.id, record.name, record.kind, record.startedNs, record.gitCommit, record.gitDirty,
                record.toolVersion, record.host, record.parentId, record.command,
            ])
        for (key, value) in record.params {
            try db.execute(
                sql: "INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?)", arguments: [record.id, key, value])
        }
        for (key, value) in record.tags {
            try db.execute(
                sql: "INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)", arguments: [record.id, key, value])
        }
        let metric = try db.makeStatement(
            sql: "INSERT INTO run_metrics (run_id, key, value, step, timestamp_ns) VALUES (?, ?, ?, ?, ?)")
        for (key, series) in record.metrics {
            guard series.steps.count == series.values.count, series.steps.count == series.timestampsNs.count else {
                throw MLOpsError(.integrity, "the record of run \(record.id) has a malformed series '\(key)'")
            }
            for index in series.steps.indices {
                try metric.execute(
                    arguments: [record.id, key, series.values[index], series.steps[index], series.timestampsNs[index]])
            }
        }
        for input in record.inputs {
            try db.execute(
                sql: "INSERT INTO run_inputs (run_id, path, oid, pointer) VALUES (?, ?, ?, ?)",
                arguments: [record.id, input.path, input.oid, input.pointer])
        }
        for artifact in record.artifacts {
            try db.execute(
                sql: "INSERT INTO run_artifacts (run_id, name, oid) VALUES (?, ?, ?)",
                arguments: [record.id, artifact.name, artifact.oid])
        }
        for (position, gate) in (record.gates ?? []).enumerated() {
            try db.execute(
                sql: """
                    INSERT INTO run_gates (run_id, position, gate, metric, value, threshold, passed)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [record.id, position, gate.gate, gate.metric, gate.value, gate.limit, gate.passed])
        }
        try db.execute(
            sql: "UPDATE runs SET status = ?, ended_ns = ?, exit_status = ? WHERE id = ?",
            arguments: [record.status, record.endedNs, record.exitStatus, record.id])
    }
}

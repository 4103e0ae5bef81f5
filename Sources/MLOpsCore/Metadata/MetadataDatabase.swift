import Foundation
import GRDB
import MLOpsErrors

/// See ``MetadataDatabase/changeMarker()``.
public struct ChangeMarker: Sendable, Equatable, CustomStringConvertible {
    /// Opaque: equal markers mean no commit was seen in between.
    public let description: String
    /// The newest modification time of the files. A commit in the same clock tick as a later one can leave the
    /// marker unchanged (the write-ahead log restarted at the same size), so a reader should trust a marker only
    /// once it is a little older than this (``isSettled(at:)``).
    public let lastChange: Date

    /// Whether a read made at `date` under this marker saw every commit the marker stands for: the files' clock
    /// (coarse, a few milliseconds) had moved on.
    public func isSettled(at date: Date) -> Bool { date.timeIntervalSince(lastChange) > 0.05 }
}

/// The repository's SQLite database (`.mlops/mlops.db`), in WAL mode so readers never block writers.
///
/// The schema evolves only through ``MetadataDatabase/migrations``, which are numbered and append-only: a
/// migration, once released, is never edited. Opening a database that a newer mlops migrated is an error rather
/// than a silent downgrade.
///
/// The connection pool is private: each kind of record has one store (``RunStore``, ``RegistryStore``,
/// ``ServingLog``, ``RunCache``, ``StatCache``, ``DirectoryStatCache``, ``CachedManifests``) that holds its SQL
/// and reaches the database through ``read(_:)`` and ``write(_:)`` (docs/architecture.md, Stores).
public final class MetadataDatabase: Sendable {
    /// The connection pool; GRDB serializes writers and lets readers run concurrently.
    private let pool: DatabasePool
    /// The database file's path.
    public let path: String

    /// Opens (creating if needed) the database at `path` and applies any pending migrations.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        // Concurrent mlops processes (two `add`s, a `status` during an `add`) wait rather than fail.
        configuration.busyMode = .timeout(30)
        configuration.label = "mlops"
        // A page cache of up to 64 MiB (SQLite's default is 8): a large transaction, such as merging a thousand
        // fetched runs, otherwise spills dirty pages to the WAL again and again before it commits.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -65536") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw MLOpsError(.failure, "cannot open the metadata database '\(path)'", cause: error)
        }
        try migrate()
    }

    private func migrate() throws {
        let migrator = Self.migrations
        let known = Set(migrator.migrations)
        let applied: [String]
        do {
            applied = try pool.read { try migrator.appliedIdentifiers($0) }.sorted()
        } catch {
            throw MLOpsError(.failure, "cannot read the schema of '\(path)'", cause: error)
        }
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw MLOpsError(
                .invalidState,
                "the metadata database was migrated by a newer mlops (migration '\(unknown)')",
                hint: "upgrade mlops to work with this repository")
        }
        if applied.count == known.count { return }
        do {
            try migrator.migrate(pool)
        } catch {
            throw MLOpsError(.failure, "cannot migrate the metadata database '\(path)'", cause: error)
        }
    }

    /// Runs `body` in a read transaction (a consistent snapshot that never blocks writers). Database errors
    /// become ``MLOpsError`` naming the database; errors `body` throws pass through.
    func read<Value>(_ body: (Database) throws -> Value) throws -> Value {
        do {
            return try pool.read(body)
        } catch {
            throw described(error, "cannot read the metadata database")
        }
    }

    /// The asynchronous form of ``read(_:)``, for callers on Swift concurrency's threads.
    func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        do {
            return try await pool.read(body)
        } catch {
            throw described(error, "cannot read the metadata database")
        }
    }

    /// Runs `body` in one IMMEDIATE write transaction: it waits for other writers (other processes too) and
    /// commits everything `body` did or, when `body` throws, nothing. Database errors become ``MLOpsError``.
    func write<Value>(_ body: (Database) throws -> Value) throws -> Value {
        do {
            return try pool.write(body)
        } catch {
            throw described(error, "cannot write to the metadata database")
        }
    }

    /// `error` as users see it: ours as it is; a schema trigger guarding a store's invariant (migration 0012,
    /// messages starting `mlops:`) as `invalidState`; any other database error as `failure`, with `what` failed.
    private func described(_ error: any Error, _ what: String) -> MLOpsError {
        if let error = error as? MLOpsError { return error }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT,
            let message = error.message, message.hasPrefix("mlops: ")
        {
            return MLOpsError(
                .invalidState, String(message.dropFirst(7)),
                hint: "mlops keeps ended runs, registered versions and histories as they were recorded")
        }
        return MLOpsError(.failure, "\(what) '\(path)'", cause: error)
    }

    /// A value that changes whenever any process commits to the database: the size and modification time of the
    /// database file and its write-ahead log, where every commit lands. Cheap (two `stat` calls), so readers
    /// that cache what they read (the dashboard) can ask before each request whether to read again.
    public func changeMarker() -> ChangeMarker {
        var latest = 0.0
        var parts: [String] = []
        for file in [path, path + "-wal"] {
            var info = stat()
            guard stat(file, &info) == 0 else {
                parts.append("-")
                continue
            }
            latest = max(latest, Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            parts.append("\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
        }
        let text = parts.joined(separator: "/")
        return ChangeMarker(description: text, lastChange: Date(timeIntervalSince1970: latest))
    }

    /// The identifiers of the migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { try Self.migrations.appliedIdentifiers($0) }.sorted()
    }

    /// Every schema migration, in order. Append new ones at the end; never edit a released one.
    public static var migrations: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("0001-stat-cache") { db in
            // What `status` needs to skip re-hashing unchanged files, as git's index does.
            try db.create(table: "stat_cache") { t in
                t.primaryKey("path", .text)
                t.column("device", .integer).notNull()
                t.column("inode", .integer).notNull()
                t.column("size", .integer).notNull()
                t.column("mtime_ns", .integer).notNull()
                t.column("ctime_ns", .integer).notNull()
                t.column("exec", .boolean).notNull()
                t.column("oid", .text).notNull()
                // When the file was hashed (wall clock, ns); entries modified close to it are re-hashed.
                t.column("recorded_ns", .integer).notNull()
            }
        }
        migrator.registerMigration("0002-runs") { db in
            // Runs are immutable records with global (UUIDv7) ids, so clones can later merge them by union.
            try db.create(table: "runs") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()  // train, tune, trial, external
                t.column("status", .text).notNull()  // running, finished, failed, killed
                t.column("started_ns", .integer).notNull()
                t.column("ended_ns", .integer)
                t.column("git_commit", .text)
                t.column("git_dirty", .boolean).notNull()
                t.column("tool_version", .text).notNull()
                t.column("host", .text).notNull()
                t.column("parent_id", .text).indexed()
                t.column("command", .text)
                t.column("exit_status", .integer)
            }
            try db.create(table: "run_params") { t in
                t.column("run_id", .text).notNull().references("runs", onDelete: .cascade)
                t.column("key", .text).notNull()
                t.column("value", .text).notNull()
                t.primaryKey(["run_id", "key"])
            }
            try db.create(table: "run_metrics") { t in
                t.column("run_id", .text).notNull().references("runs", onDelete: .cascade)
                t.column("key", .text).notNull()
                t.column("value", .double).notNull()
                t.column("step", .integer).notNull()
                t.column("timestamp_ns", .integer).notNull()
                t.primaryKey(["run_id", "key", "step"])
            }
            try db.create(table: "run_inputs") { t in
                t.column("run_id", .text).notNull().references("runs", onDelete: .cascade)
                t.column("path", .text).notNull()
                t.column("oid", .text).notNull()
                t.column("pointer", .text)  // the pointer file that tracks the input, when one does
                t.primaryKey(["run_id", "path"])
            }
            try db.create(table: "run_artifacts") { t in
                t.column("run_id", .text).notNull().references("runs", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("oid", .text).notNull()
                t.primaryKey(["run_id", "name"])
            }
        }
        migrator.registerMigration("0003-run-tags") { db in
            try db.create(table: "run_tags") { t in
                t.column("run_id", .text).notNull().references("runs", onDelete: .cascade)
                t.column("key", .text).notNull()
                t.column("value", .text).notNull()
                t.primaryKey(["run_id", "key"])
            }
        }
        migrator.registerMigration("0004-registry") { db in
            try db.create(table: "models") { t in
                t.primaryKey("name", .text)
                t.column("created_ns", .integer).notNull()
            }
            // Versions are immutable once registered.
            try db.create(table: "model_versions") { t in
                t.column("name", .text).notNull().references("models", onDelete: .cascade)
                t.column("version", .integer).notNull()
                t.column("oid", .text).notNull()  // the model.json object
                t.column("run_id", .text)
                t.column("source", .text).notNull()  // what was registered: run:<id> or a file path
                t.column("git_commit", .text)
                t.column("signature", .text).notNull()  // JSON
                t.column("metrics", .text).notNull()  // JSON: the run's metrics when registered
                t.column("created_ns", .integer).notNull()
                t.column("actor", .text).notNull()
                t.primaryKey(["name", "version"])
            }
            try db.create(table: "model_version_tags") { t in
                t.column("name", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("key", .text).notNull()
                t.column("value", .text).notNull()
                t.primaryKey(["name", "version", "key"])
                t.foreignKey(["name", "version"], references: "model_versions", onDelete: .cascade)
            }
            // The current state of the aliases; `registry_events` is their append-only history.
            try db.create(table: "model_aliases") { t in
                t.column("name", .text).notNull().references("models", onDelete: .cascade)
                t.column("alias", .text).notNull()
                t.column("version", .integer).notNull()
                t.primaryKey(["name", "alias"])
            }
            try db.create(table: "registry_events") { t in
                t.autoIncrementedPrimaryKey("sequence")
                t.column("name", .text).notNull().indexed()
                t.column("event", .text).notNull()  // register, promote, rollback, tag, delete
                t.column("alias", .text)
                t.column("from_version", .integer)
                t.column("to_version", .integer)
                t.column("reason", .text)
                t.column("actor", .text).notNull()
                t.column("at_ns", .integer).notNull()
            }
        }
        migrator.registerMigration("0005-stage-cache") { db in
            // The run cache: what a stage produced for a given command, dependency ids and parameters.
            try db.create(table: "stage_cache") { t in
                t.primaryKey("key", .text)
                t.column("stage", .text).notNull()
                t.column("outs", .text).notNull()  // JSON: path → {oid, kind, size, files}
                t.column("created_ns", .integer).notNull()
            }
        }
        migrator.registerMigration("0006-version-lineage") { db in
            // Imported versions carry their origin, producing run, commit and data from another repository.
            try db.alter(table: "model_versions") { t in t.add(column: "lineage", .text) }
        }
        migrator.registerMigration("0007-serving-log") { db in
            // What `mlops serve` answered, one row per request (sampled), for monitoring and live quality.
            try db.create(table: "serving_log") { t in
                t.autoIncrementedPrimaryKey("sequence")
                t.column("request_id", .text).notNull()
                t.column("model", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("route", .text).notNull()
                t.column("protocol", .text).notNull()
                t.column("received_ns", .integer).notNull()
                t.column("latency_ns", .integer).notNull()
                t.column("row_count", .integer).notNull()
                t.column("inputs", .text).notNull()
                t.column("outputs", .text).notNull()
            }
            try db.create(index: "serving_log_by_model_time", on: "serving_log", columns: ["model", "received_ns"])
            try db.create(index: "serving_log_by_request", on: "serving_log", columns: ["request_id"])
            // Ground truth that arrives later, by request id; the latest label for a request wins.
            try db.create(table: "feedback") { t in
                t.primaryKey("request_id", .text)
                t.column("label", .text).notNull()
                t.column("received_ns", .integer).notNull()
            }
        }
        migrator.registerMigration("0008-stat-cache-by-path") { db in
            // Rows stored in path order (WITHOUT ROWID): `status` reads a tracked directory's entries as one
            // sequential range instead of an index walk plus a table lookup per file.
            try db.execute(
                sql: """
                    CREATE TABLE stat_cache_by_path (
                        path TEXT PRIMARY KEY NOT NULL, device INTEGER NOT NULL, inode INTEGER NOT NULL,
                        size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
                        exec BOOLEAN NOT NULL, oid TEXT NOT NULL, recorded_ns INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    INSERT INTO stat_cache_by_path
                        SELECT path, device, inode, size, mtime_ns, ctime_ns, exec, oid, recorded_ns FROM stat_cache;
                    DROP TABLE stat_cache;
                    ALTER TABLE stat_cache_by_path RENAME TO stat_cache;
                    """)
        }
        migrator.registerMigration("0009-cached-manifests") { db in
            // See CachedManifests: `gc` makes the generation odd while it removes objects.
            try db.execute(
                sql: """
                    CREATE TABLE store_generation (id INTEGER PRIMARY KEY CHECK (id = 0), value INTEGER NOT NULL);
                    INSERT INTO store_generation (id, value) VALUES (0, 0);
                    CREATE TABLE cached_manifests (oid TEXT PRIMARY KEY NOT NULL, generation INTEGER NOT NULL) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("0010-directory-stat-cache") { db in
            // See DirectoryStatCache: a tracked directory's manifest id against a fingerprint of its files' snapshots.
            try db.execute(
                sql: """
                    CREATE TABLE directory_stat_cache (
                        path TEXT PRIMARY KEY NOT NULL, fingerprint TEXT NOT NULL, oid TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("0011-run-process") { db in
            // See RunProcess: which process records a running run, so one that died shows as dead.
            try db.execute(sql: "ALTER TABLE runs ADD COLUMN process TEXT")
        }
        migrator.registerMigration("0012-record-invariants") { db in
            // The invariants RunStore, RegistryStore and ServingLog state, kept by the database itself, so that no
            // writer (a future store's bug, an older mlops, a hand-run sqlite3) can break them. Messages start with
            // "mlops:" so MetadataDatabase.write can tell them from other constraint errors (RAISE takes only a
            // literal, so they cannot name the row). BEFORE INSERT triggers also stop INSERT OR REPLACE, which
            // would otherwise replace a row without an UPDATE or (recursive triggers being off) a DELETE trigger.
            func refuse(_ name: String, _ event: String, when condition: String?, _ message: String) throws {
                try Self.refuse(db, name, event, when: condition, message)
            }
            try refuse(
                "runs_are_recorded_once", "BEFORE INSERT ON runs",
                when: "EXISTS (SELECT 1 FROM runs WHERE id = NEW.id)", "a run is recorded once")
            try refuse(
                "ended_runs_do_not_change", "BEFORE UPDATE ON runs", when: "OLD.status <> 'running'",
                Self.endedRunMessage)
            try refuse(
                "runs_end_once", "BEFORE UPDATE ON runs",
                when: "NEW.status NOT IN ('finished', 'failed', 'killed')", "a run ends as finished, failed or killed")
            for table in ["run_params", "run_metrics", "run_inputs", "run_artifacts"] {
                try Self.refuseUnlessRunning(db, table)
            }
            try refuse(
                "model_versions_are_numbered_once", "BEFORE INSERT ON model_versions",
                when: """
                    EXISTS (SELECT 1 FROM model_versions WHERE name = NEW.name AND version = NEW.version)
                    OR EXISTS (SELECT 1 FROM registry_events
                               WHERE name = NEW.name AND event = 'register' AND to_version = NEW.version)
                    """, "a version number is given once")
            try refuse(
                "model_versions_do_not_change", "BEFORE UPDATE ON model_versions", when: nil,
                "a registered version cannot change")
            for table in ["registry_events", "serving_log"] {
                let message =
                    table == "serving_log" ? "the serving log is append-only" : "the registry history is append-only"
                try refuse(
                    "\(table)_are_appended", "BEFORE INSERT ON \(table)",
                    when: "EXISTS (SELECT 1 FROM \(table) WHERE sequence = NEW.sequence)", message)
                try refuse("\(table)_are_not_rewritten", "BEFORE UPDATE ON \(table)", when: nil, message)
            }
            try refuse(
                "registry_events_are_not_removed", "BEFORE DELETE ON registry_events", when: nil,
                "the registry history is append-only")
        }
        migrator.registerMigration("0013-sharing") { db in
            // A pending event may get its place and a renumbered version; a pending version, a new number. Nothing
            // else of either changes: the condition is true when any other column differs.
            func unchanged(_ columns: [String]) -> String {
                "(" + columns.map { "NEW.\($0) IS NOT OLD.\($0)" }.joined(separator: " OR ") + ")"
            }
            let registryEventFacts = [
                "sequence", "id", "name", "event", "alias", "reason", "actor", "at_ns", "payload",
            ]
            let versionFacts = [
                "name", "oid", "run_id", "source", "git_commit", "signature", "metrics", "created_ns", "actor",
                "lineage",
            ]
            // Records travel through the remote's record log (docs/formats.md, "Records on a remote"). Events get
            // global ids and, once on the remote, the position the remote gave them; until then they are pending,
            // and a pending registration may be renumbered (it was never seen elsewhere). Published events and
            // versions never change.
            try db.execute(
                sql: """
                    DROP TRIGGER registry_events_are_not_rewritten;
                    DROP TRIGGER model_versions_do_not_change;
                    ALTER TABLE registry_events ADD COLUMN id TEXT;
                    ALTER TABLE registry_events ADD COLUMN log_position INTEGER;
                    ALTER TABLE registry_events ADD COLUMN log_index INTEGER;
                    ALTER TABLE registry_events ADD COLUMN payload TEXT;
                    """)
            for sequence in try Int64.fetchAll(db, sql: "SELECT sequence FROM registry_events ORDER BY sequence") {
                try db.execute(
                    sql: "UPDATE registry_events SET id = ? WHERE sequence = ?",
                    arguments: [RunID.make(), sequence])
            }
            try db.execute(
                sql: """
                    CREATE UNIQUE INDEX registry_events_by_id ON registry_events (id);
                    CREATE TRIGGER registry_events_are_not_rewritten BEFORE UPDATE ON registry_events
                    WHEN OLD.log_position IS NOT NULL OR \(unchanged(registryEventFacts))
                    BEGIN SELECT RAISE(ABORT, 'mlops: the registry history is append-only'); END;
                    CREATE TRIGGER model_versions_do_not_change BEFORE UPDATE ON model_versions
                    WHEN NOT EXISTS (SELECT 1 FROM registry_events WHERE name = OLD.name AND event = 'register'
                                     AND to_version = OLD.version AND log_position IS NULL)
                        OR \(unchanged(versionFacts))
                    BEGIN SELECT RAISE(ABORT, 'mlops: a registered version cannot change'); END;
                    CREATE TABLE run_events (
                        id TEXT PRIMARY KEY NOT NULL, run_id TEXT NOT NULL, event TEXT NOT NULL, tags TEXT,
                        actor TEXT NOT NULL, at_ns INTEGER NOT NULL, log_position INTEGER, log_index INTEGER);
                    CREATE INDEX run_events_by_run ON run_events (run_id);
                    CREATE TRIGGER run_events_are_not_rewritten BEFORE UPDATE ON run_events
                    WHEN OLD.log_position IS NOT NULL
                    BEGIN SELECT RAISE(ABORT, 'mlops: published run events cannot change'); END;
                    CREATE TABLE published_runs (run_id TEXT PRIMARY KEY NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID;
                    CREATE TABLE synced_log (
                        position INTEGER PRIMARY KEY NOT NULL, sha256 TEXT NOT NULL, remote TEXT NOT NULL,
                        merged_ns INTEGER NOT NULL);
                    """)
        }
        migrator.registerMigration("0014-metric-values-by-key") { db in
            // Metric values stored in key order (WITHOUT ROWID), as the stat cache is since 0008: one B-tree
            // instead of a table plus its primary-key index, so a value takes about half the space and half the
            // work to insert (merging a thousand fetched runs is two million of them). Its triggers (0012) are
            // kept as they are.
            let triggers = try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'run_metrics'")
            try db.execute(
                sql: """
                    CREATE TABLE run_metrics_by_key (
                        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, key TEXT NOT NULL,
                        value DOUBLE NOT NULL, step INTEGER NOT NULL, timestamp_ns INTEGER NOT NULL,
                        PRIMARY KEY (run_id, key, step)
                    ) WITHOUT ROWID;
                    INSERT INTO run_metrics_by_key SELECT run_id, key, value, step, timestamp_ns FROM run_metrics;
                    DROP TABLE run_metrics;
                    ALTER TABLE run_metrics_by_key RENAME TO run_metrics;
                    """)
            for trigger in triggers { try db.execute(sql: trigger) }
        }
        migrator.registerMigration("0015-serving-log-violations") { db in
            // What a request broke of its model's data contract when the server flags rather than rejects
            // (`serve --validate flag`): a JSON array, NULL when the request kept the contract or was not checked.
            try db.execute(sql: "ALTER TABLE serving_log ADD COLUMN violations TEXT")
        }
        migrator.registerMigration("0016-run-gates") { db in
            // The quality gates a run checked, each with its verdict, and the status a run ends with when one
            // failed (`failed_gate`), so `runs list --where status=failed_gate` finds failed evaluations.
            try db.execute(
                sql: """
                    CREATE TABLE run_gates (
                        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, position INTEGER NOT NULL,
                        gate TEXT NOT NULL, metric TEXT NOT NULL, value DOUBLE NOT NULL, threshold DOUBLE NOT NULL,
                        passed BOOLEAN NOT NULL,
                        PRIMARY KEY (run_id, position)
                    ) WITHOUT ROWID;
                    DROP TRIGGER runs_end_once;
                    """)
            try Self.refuse(
                db, "runs_end_once", "BEFORE UPDATE ON runs",
                when: "NEW.status NOT IN ('finished', 'failed', 'failed_gate', 'killed')",
                "a run ends as finished, failed, failed_gate or killed")
            try Self.refuseUnlessRunning(db, "run_gates")
        }
        migrator.registerMigration("0017-version-metrics-source") { db in
            // Where a version's metrics were measured (JSON MetricsSource): its training run's hold-out or an
            // evaluation's data. NULL for versions registered before, from a file, or imported.
            try db.alter(table: "model_versions") { t in t.add(column: "metrics_from", .text) }
        }
        migrator.registerMigration("0018-version-format") { db in
            // What the version's object is: `mlops` (a model.json) or `onnx` (an ONNX model's bytes).
            try db.alter(table: "model_versions") { t in
                t.add(column: "format", .text).notNull().defaults(to: ModelFormat.mlops.rawValue)
            }
            // A published version's format never changes: the trigger of migration 0013 now checks it too.
            let facts = [
                "name", "oid", "run_id", "source", "git_commit", "signature", "metrics", "created_ns", "actor",
                "lineage", "format",
            ]
            try db.execute(
                sql: """
                    DROP TRIGGER model_versions_do_not_change;
                    CREATE TRIGGER model_versions_do_not_change BEFORE UPDATE ON model_versions
                    WHEN NOT EXISTS (SELECT 1 FROM registry_events WHERE name = OLD.name AND event = 'register'
                                     AND to_version = OLD.version AND log_position IS NULL)
                        OR (\(facts.map { "NEW.\($0) IS NOT OLD.\($0)" }.joined(separator: " OR ")))
                    BEGIN SELECT RAISE(ABORT, 'mlops: a registered version cannot change'); END;
                    """)
        }
        return migrator
    }

    private static let endedRunMessage = "the run has ended; its record cannot change"

    /// Creates a trigger that aborts `event` (`BEFORE UPDATE ON runs`) when `condition` holds, with `message`.
    private static func refuse(
        _ db: Database, _ name: String, _ event: String, when condition: String?, _ message: String
    ) throws {
        try db.execute(
            sql: """
                CREATE TRIGGER \(name) \(event) \(condition.map { "WHEN " + $0 } ?? "")
                BEGIN SELECT RAISE(ABORT, 'mlops: \(message)'); END
                """)
    }

    /// The triggers that let a run's rows in `table` change only while the run is `running`.
    private static func refuseUnlessRunning(_ db: Database, _ table: String) throws {
        func status(_ row: String) -> String { "(SELECT status FROM runs WHERE id = \(row).run_id)" }
        try refuse(
            db, "\(table)_while_running_insert", "BEFORE INSERT ON \(table)",
            when: "\(status("NEW")) IS NOT 'running'", endedRunMessage)
        try refuse(
            db, "\(table)_while_running_update", "BEFORE UPDATE ON \(table)",
            when: "\(status("OLD")) IS NOT 'running' OR \(status("NEW")) IS NOT 'running'", endedRunMessage)
        // `<>`, not IS NOT: while `runs.delete` cascades, the run's row is gone and the status NULL.
        try refuse(
            db, "\(table)_while_running_delete", "BEFORE DELETE ON \(table)",
            when: "\(status("OLD")) <> 'running'", endedRunMessage)
    }
}

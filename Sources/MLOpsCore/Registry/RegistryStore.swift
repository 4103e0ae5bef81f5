import Foundation
import GRDB
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// The model registry's records: models, their versions and version tags, the aliases pointing at versions, and
/// the history of every change (tables `models`, `model_versions`, `model_version_tags`, `model_aliases`,
/// `registry_events`). The only code that writes them.
///
/// Invariants (checked here, and by triggers in the schema, migration `0012-record-invariants`):
/// - A version never changes once registered; only its tags do, and ``deleteVersion(_:)`` removes it (refused
///   while an alias points at it). A version number is never given twice: the next version of a model is one
///   more than any it ever had, deleted ones included.
/// - `registry_events` is append-only: every change (register, tag, promote, rollback, delete) appends its event
///   in the same transaction as the change, and events are never rewritten or removed.
/// - Events published to a remote never change; pending ones (``pendingEvents()``) get their place when a push
///   publishes them, and a pending registration whose number another clone published first is renumbered
///   (``merge(_:)``). `model_aliases` is always what replaying the history in its order gives (``AliasReplay``).
/// - An alias move reads the current holder, moves the alias and appends the event in one IMMEDIATE
///   transaction, so concurrent moves, from any number of processes, form a chain: each `promote` or `rollback`
///   event's `from_version` is the previous move's `to_version`. `model_aliases` is the chain's current state.
///
/// Promotion with approval gates and git tags is ``Repository/promote(_:to:reason:gitTags:)``; registering a run
/// or a file is ``Repository/registerModel(_:name:workingDirectory:)``: both store or evaluate models first and
/// then record through this store.
public struct RegistryStore: Sendable {
    let database: MetadataDatabase
    /// Where a version registered from a run finds the data that run read.
    let runs: RunStore

    /// What a new version records.
    struct Draft: Sendable {
        var name: String
        /// The model's object, already in the store.
        var oid: String
        var format: ModelFormat
        var runId: String? = nil
        var source: String
        var gitCommit: String? = nil
        var signature: Signature
        var metrics: [String: Double]
        var metricsFrom: MetricsSource? = nil
        var lineage: VersionLineage? = nil
    }

    /// Records the next version of `draft.name` (creating the model) and its `register` event in one transaction;
    /// returns its number and the event's id (which follows the version if a push renumbers it).
    func register(_ draft: Draft) throws -> (version: Int, event: String) {
        let signature = try Self.json(draft.signature)
        let metrics = try Self.json(draft.metrics)
        let lineage = try draft.lineage.map(Self.json)
        let metricsFrom = try draft.metricsFrom.map(Self.json)
        let actor = Self.actor
        let now = StoredTime.nanoseconds(Date())
        let shared = try Self.json(
            SharedVersion(
                oid: draft.oid, runId: draft.runId, source: draft.source, gitCommit: draft.gitCommit,
                signature: draft.signature, metrics: draft.metrics, createdNs: now, actor: actor,
                lineage: draft.lineage, metricsFrom: draft.metricsFrom,
                format: draft.format == .mlops ? nil : draft.format))
        let event = RunID.make()
        return try database.write { db -> (version: Int, event: String) in
            try db.execute(
                sql: "INSERT OR IGNORE INTO models (name, created_ns) VALUES (?, ?)", arguments: [draft.name, now])
            let highest = try Int.fetchOne(
                db,
                sql: """
                    SELECT MAX(version) FROM (
                        SELECT version FROM model_versions WHERE name = ?1
                        UNION ALL SELECT to_version FROM registry_events WHERE name = ?1 AND event = 'register')
                    """, arguments: [draft.name])
            let version = (highest ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO model_versions (name, version, oid, run_id, source, git_commit, signature, metrics,
                                                created_ns, actor, lineage, metrics_from, format)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    draft.name, version, draft.oid, draft.runId, draft.source, draft.gitCommit, signature, metrics,
                    now, actor, lineage, metricsFrom, draft.format.rawValue,
                ])
            try Self.appendEvent(
                db, name: draft.name, event: "register", to: version, actor: actor, at: now, payload: shared,
                id: event)
            return (version, event)
        }
    }

    /// The number the version registered by event `id` has now.
    func number(ofRegistration id: String) throws -> Int? {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT to_version FROM registry_events WHERE id = ?", arguments: [id])
        }
    }

    /// Every registered model, by name.
    public func models() throws -> [RegisteredModel] {
        try database.read { db in
            var models: [RegisteredModel] = []
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT name, COUNT(*) AS versions, MAX(version) AS latest FROM model_versions GROUP BY name ORDER BY name"
            ) {
                let name: String = row["name"]
                var aliases: [String: Int] = [:]
                for alias in try Row.fetchAll(
                    db, sql: "SELECT alias, version FROM model_aliases WHERE name = ?", arguments: [name])
                {
                    aliases[alias["alias"]] = alias["version"]
                }
                models.append(
                    RegisteredModel(name: name, versions: row["versions"], latest: row["latest"], aliases: aliases))
            }
            return models
        }
    }

    /// Every way to name a registered version: `name@latest`, `name@<alias>` and `name@<version>` of each model,
    /// sorted (what a shell completes).
    public func references() throws -> [String] {
        try database.read { db in
            let versions = try Row.fetchAll(db, sql: "SELECT name, version FROM model_versions").map {
                "\($0["name"] as String)@\($0["version"] as Int)"
            }
            let aliases = try Row.fetchAll(db, sql: "SELECT name, alias FROM model_aliases").map {
                "\($0["name"] as String)@\($0["alias"] as String)"
            }
            let latest = try String.fetchAll(db, sql: "SELECT DISTINCT name FROM model_versions").map { $0 + "@latest" }
            return (versions + aliases + latest).sorted()
        }
    }

    /// The versions of `name`, newest first (read in one transaction).
    public func versions(of name: String) throws -> [ModelVersion] {
        let versions = try database.read { db in
            try Int.fetchAll(
                db, sql: "SELECT version FROM model_versions WHERE name = ? ORDER BY version DESC", arguments: [name]
            ).map { try Self.loadVersion(db, name: name, version: $0) }
        }
        guard !versions.isEmpty else { throw Self.noModel(name) }
        return try versions.map(withInputs)
    }

    /// The versions registered from run `runID` (its full id), oldest first.
    public func versions(producedBy runID: String) throws -> [ModelVersion] {
        let versions = try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT name, version FROM model_versions WHERE run_id = ? ORDER BY created_ns, name",
                arguments: [runID]
            ).map { try Self.loadVersion(db, name: $0["name"], version: $0["version"]) }
        }
        return try versions.map(withInputs)
    }

    /// The registered version a name-based reference points at, with its aliases, tags and lineage.
    public func version(_ reference: ModelReference) throws -> ModelVersion {
        guard let name = reference.name else {
            throw MLOpsError(
                .usage, "'\(reference)' is a run, not a registered version",
                hint: "register it: mlops model register \(reference) --name <name>")
        }
        return try withInputs(
            database.read { db in try Self.loadVersion(db, name: name, version: Self.versionNumber(db, reference)) })
    }

    /// `version` with the data its producing run read (or, for an imported version, the data its lineage names).
    private func withInputs(_ version: ModelVersion) throws -> ModelVersion {
        var version = version
        if let runId = version.runId, let run = try? runs.run(runId) {
            version.inputs = run.inputs
        } else if let lineage = version.lineage {
            version.inputs = lineage.inputs
        }
        return version
    }

    static func loadVersion(_ db: Database, name: String, version: Int) throws -> ModelVersion {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM model_versions WHERE name = ? AND version = ?", arguments: [name, version])
        else { throw noVersion(name, version) }
        let lineage: String? = row["lineage"]
        let metricsFrom: String? = row["metrics_from"]
        let aliases = try String.fetchAll(
            db, sql: "SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias",
            arguments: [name, version])
        var tags: [String: String] = [:]
        for tag in try Row.fetchAll(
            db, sql: "SELECT key, value FROM model_version_tags WHERE name = ? AND version = ?",
            arguments: [name, version])
        {
            tags[tag["key"]] = tag["value"]
        }
        return ModelVersion(
            name: name, version: version, oid: row["oid"],
            format: ModelFormat(rawValue: row["format"]) ?? .mlops, runId: row["run_id"], source: row["source"],
            gitCommit: row["git_commit"], signature: try decode(Signature.self, row["signature"]),
            metrics: try decode([String: Double].self, row["metrics"]), created: StoredTime.date(row["created_ns"]),
            actor: row["actor"], aliases: aliases, tags: tags, inputs: [],
            lineage: try lineage.map { try decode(VersionLineage.self, $0) },
            metricsFrom: try metricsFrom.map { try decode(MetricsSource.self, $0) })
    }

    /// The version number a name-based reference points at now: one indexed lookup, cheap enough to poll.
    public func versionNumber(_ reference: ModelReference) throws -> Int {
        try database.read { db in try Self.versionNumber(db, reference) }
    }

    /// Attaches (or replaces) a tag of a version and appends its `tag` event, in one transaction; returns the
    /// version as tagged.
    public func tag(_ reference: ModelReference, key: String, value: String) throws -> ModelVersion {
        guard let name = reference.name else { throw MLOpsError(.usage, "tag a registered version such as mpg@3") }
        let actor = Self.actor
        return try withInputs(
            database.write { db in
                let version = try Self.versionNumber(db, reference)
                try db.execute(
                    sql: "INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)",
                    arguments: [name, version, key, value])
                try Self.appendEvent(
                    db, name: name, event: "tag", to: version, reason: "\(key)=\(value)", actor: actor,
                    at: StoredTime.nanoseconds(Date()),
                    payload: try Self.json(EventPayload(tag: SharedEvent.VersionTag(key: key, value: value))))
                return try Self.loadVersion(db, name: name, version: version)
            })
    }

    /// Deletes a version and appends its `delete` event, in one transaction; refused (`.conflict`) while an alias
    /// points at it. Its object becomes garbage for `gc` unless a run still references it.
    public func deleteVersion(_ reference: ModelReference) throws {
        guard let name = reference.name else { throw MLOpsError(.usage, "delete a registered version such as mpg@3") }
        let actor = Self.actor
        try database.write { db in
            let version = try Self.versionNumber(db, reference)
            let aliases = try String.fetchAll(
                db, sql: "SELECT alias FROM model_aliases WHERE name = ? AND version = ?", arguments: [name, version])
            guard aliases.isEmpty else {
                throw MLOpsError(
                    .conflict, "\(name)@\(version) is \(aliases.joined(separator: ", ")); it cannot be deleted",
                    hint: "promote another version to \(aliases.joined(separator: ", ")) first")
            }
            try db.execute(
                sql: "DELETE FROM model_versions WHERE name = ? AND version = ?", arguments: [name, version])
            try Self.appendEvent(
                db, name: name, event: "delete", from: version, actor: actor, at: StoredTime.nanoseconds(Date()))
        }
    }

    /// Points `alias` of `name` at the version `reference` names and appends the `promote` event, reading the
    /// current holder in the same IMMEDIATE transaction. Nothing is recorded when the alias already points
    /// there. Approval gates are the caller's (``Repository/promote(_:to:reason:gitTags:)``).
    func moveAlias(
        _ reference: ModelReference, name: String, alias: String, reason: String?,
        approval: [EvaluationReport.GateResult]? = nil
    ) throws -> AliasChange {
        let actor = Self.actor
        let payload = try EventPayload.move(approval: approval, gatesSkipped: nil).map(Self.json)
        return try database.write { db in
            let version = try Self.versionNumber(db, reference)
            let current = try Self.holder(db, name: name, alias: alias)
            guard current != version else {
                return AliasChange(name: name, alias: alias, fromVersion: current, toVersion: version, changed: false)
            }
            return try Self.move(
                db, name: name, alias: alias, from: current, to: version, event: "promote", reason: reason,
                actor: actor, payload: payload)
        }
    }

    /// The version a rollback of `alias` would restore (the one that held it before its current holder was
    /// promoted to it) and that holder. Throws `notFound` when nothing holds the alias, and `invalidState`, naming
    /// the holder and the alias's history, when nothing held it before or that version has been deleted.
    public func rollbackTarget(_ name: String, alias: String) throws -> (current: Int, previous: Int) {
        try ModelReference.validateName(name)
        return try database.read { db in try Self.rollbackTarget(db, name: name, alias: alias) }
    }

    /// Moves `alias` back to ``rollbackTarget(_:alias:)``, appending a `rollback` event (with the approval gates
    /// the caller evaluated, or that it skipped them), in one IMMEDIATE transaction. Repeated rollbacks walk
    /// further back through the promotions. With `expecting`, refuses (`conflict`) when the target is no longer
    /// that version: the alias moved while the caller evaluated it. Approval gates are the caller's
    /// (``Repository/rollback(_:alias:reason:skipGates:)``).
    func rollback(
        _ name: String, alias: String, reason: String?, expecting: Int? = nil,
        approval: [EvaluationReport.GateResult]? = nil, gatesSkipped: Bool = false
    ) throws -> AliasChange {
        try ModelReference.validateName(name)
        let actor = Self.actor
        let payload = try EventPayload.move(approval: approval, gatesSkipped: gatesSkipped ? true : nil)
            .map(Self.json)
        return try database.write { db in
            let (current, previous) = try Self.rollbackTarget(db, name: name, alias: alias)
            if let expecting, expecting != previous {
                throw MLOpsError(
                    .conflict,
                    "'\(alias)' of '\(name)' moved while \(name)@\(expecting) was evaluated; nothing changed",
                    hint: "run the rollback again")
            }
            return try Self.move(
                db, name: name, alias: alias, from: current, to: previous, event: "rollback", reason: reason,
                actor: actor, payload: payload)
        }
    }

    private static func rollbackTarget(_ db: Database, name: String, alias: String) throws -> (
        current: Int, previous: Int
    ) {
        guard let current = try holder(db, name: name, alias: alias) else {
            _ = try versionNumber(db, .alias(name: name, alias: alias))
            throw MLOpsError(.notFound, "no version of '\(name)' is '\(alias)'")
        }
        let previous = try Int.fetchOne(
            db,
            sql: """
                SELECT from_version FROM registry_events
                WHERE name = ? AND alias = ? AND event = 'promote' AND to_version = ?
                ORDER BY \(newestFirst) LIMIT 1
                """,
            arguments: [name, alias, current])
        // What the alias went through, for the message of a rollback that cannot happen.
        func history() throws -> String {
            let moves = try Row.fetchAll(
                db,
                sql: """
                    SELECT event, from_version, to_version FROM registry_events
                    WHERE name = ? AND alias = ? ORDER BY \(oldestFirst)
                    """,
                arguments: [name, alias]
            ).map { row in
                let from: Int? = row["from_version"]
                let to: Int? = row["to_version"]
                return "\(row["event"] as String) \(from.map(String.init) ?? "none") → \(to.map(String.init) ?? "none")"
            }
            // The latest moves are the ones that explain; an alias moved a thousand times is not listed whole.
            let shown = (moves.count > 10 ? ["…"] : []) + moves.suffix(10)
            return "\(name)@\(current) holds '\(alias)'; its history: " + shown.joined(separator: ", ")
        }
        guard let previous else {
            throw MLOpsError(
                .invalidState, "no version held '\(alias)' before \(name)@\(current): \(try history())",
                hint: "promote another version instead: mlops model promote \(name)@<version> --to \(alias)")
        }
        guard
            try Int.fetchOne(
                db, sql: "SELECT 1 FROM model_versions WHERE name = ? AND version = ?", arguments: [name, previous])
                != nil
        else {
            throw MLOpsError(
                .invalidState,
                "\(name)@\(previous), which held '\(alias)' before, has been deleted: \(try history())",
                hint: "promote another version instead: mlops model promote \(name)@<version> --to \(alias)")
        }
        return (current, previous)
    }

    /// Every event of a model, oldest first, in the order every clone agrees on once all have pushed and
    /// fetched: events published to the remote in the order the remote gave them, then this clone's pending
    /// events as it made them. Each alias move says whether it was concurrent (its author saw another holder
    /// than the one before it in this order) or void (see ``AliasReplay``).
    public func history(of name: String) throws -> [RegistryEvent] {
        let rows = try database.read { db in try Self.orderedEvents(db, name: name) }
        guard !rows.isEmpty else { throw Self.noModel(name) }
        let notes = AliasReplay(rows.map(\.replayed)).notes
        return rows.enumerated().map { index, row in
            var event = row.event
            event.sequence = index + 1
            event.concurrent = notes[index].concurrent
            event.void = notes[index].void
            return event
        }
    }

    /// The object ids registered versions reference, which `gc` must keep: their models, and the reference
    /// profiles imported or fetched versions carry in their lineage.
    func objects() throws -> Set<ObjectID> {
        let (models, lineages) = try database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT DISTINCT oid FROM model_versions"),
                try String.fetchAll(db, sql: "SELECT lineage FROM model_versions WHERE lineage IS NOT NULL")
            )
        }
        let profiles = lineages.compactMap { text in
            (try? Self.decode(VersionLineage.self, text))?.profile
        }
        return Set((models + profiles).compactMap { try? ObjectID(parsing: $0) })
    }

    /// Points the alias at `to` and appends the event that says so, inside the caller's transaction.
    private static func move(
        _ db: Database, name: String, alias: String, from: Int?, to: Int, event: String, reason: String?,
        actor: String, payload: String? = nil
    ) throws -> AliasChange {
        try db.execute(
            sql: "INSERT OR REPLACE INTO model_aliases (name, alias, version) VALUES (?, ?, ?)",
            arguments: [name, alias, to])
        try appendEvent(
            db, name: name, event: event, alias: alias, from: from, to: to, reason: reason, actor: actor,
            at: StoredTime.nanoseconds(Date()), payload: payload)
        return AliasChange(name: name, alias: alias, fromVersion: from, toVersion: to, changed: true)
    }

    static func holder(_ db: Database, name: String, alias: String) throws -> Int? {
        try Int.fetchOne(
            db, sql: "SELECT version FROM model_aliases WHERE name = ? AND alias = ?", arguments: [name, alias])
    }

    /// The version number a name-based reference points at, inside a transaction.
    static func versionNumber(_ db: Database, _ reference: ModelReference) throws -> Int {
        switch reference {
        case .run:
            throw MLOpsError(.usage, "'\(reference)' is a run, not a registered version")
        case .version(let name, let version):
            guard
                try Int.fetchOne(
                    db, sql: "SELECT version FROM model_versions WHERE name = ? AND version = ?",
                    arguments: [name, version]) != nil
            else {
                try requireModel(db, name)
                throw noVersion(name, version)
            }
            return version
        case .alias(let name, "latest"):
            guard
                let version = try Int.fetchOne(
                    db, sql: "SELECT MAX(version) FROM model_versions WHERE name = ?", arguments: [name])
            else { throw noModel(name) }
            return version
        case .alias(let name, let alias):
            guard let version = try holder(db, name: name, alias: alias) else {
                try requireModel(db, name)
                throw MLOpsError(
                    .notFound, "no version of '\(name)' is '\(alias)'",
                    hint: "promote one: mlops model promote \(name)@<version> --to \(alias)")
            }
            return version
        }
    }

    static func requireModel(_ db: Database, _ name: String) throws {
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM model_versions WHERE name = ?", arguments: [name])
        guard count ?? 0 > 0 else { throw noModel(name) }
    }

    static func noModel(_ name: String) -> MLOpsError {
        MLOpsError(
            .notFound, "no registered model '\(name)'",
            hint: "register one: mlops model register run:<id> --name \(name)")
    }

    static func noVersion(_ name: String, _ version: Int) -> MLOpsError {
        MLOpsError(
            .notFound, "'\(name)' has no version \(version)", hint: "list its versions: mlops model show \(name)")
    }

    /// Appends a pending event (a new id, no place on a remote yet).
    private static func appendEvent(
        _ db: Database, name: String, event: String, alias: String? = nil, from: Int? = nil, to: Int? = nil,
        reason: String? = nil, actor: String, at: Int64, payload: String? = nil, id: String = RunID.make()
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO registry_events (id, name, event, alias, from_version, to_version, reason, actor, at_ns,
                                             payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [id, name, event, alias, from, to, reason, actor, at, payload])
    }

    /// The order of a model's history: published events by their place in the remote's log, then pending ones.
    static let oldestFirst = "log_position IS NULL, log_position, log_index, sequence"
    static let newestFirst = "log_position IS NULL DESC, log_position DESC, log_index DESC, sequence DESC"

    /// A model's events in history order, as read and as replayed.
    static func orderedEvents(_ db: Database, name: String) throws -> [(
        event: RegistryEvent, replayed: AliasReplay.Event
    )] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM registry_events WHERE name = ? ORDER BY \(oldestFirst)", arguments: [name]
        ).map { row in
            let payload: String? = row["payload"]
            let kind: String = row["event"]
            let moved =
                ["promote", "rollback"].contains(kind) ? try payload.map { try decode(EventPayload.self, $0) } : nil
            let approval = moved?.approval
            let position: Int? = row["log_position"]
            var event = RegistryEvent(
                sequence: row["sequence"], name: row["name"], event: row["event"], alias: row["alias"],
                fromVersion: row["from_version"], toVersion: row["to_version"], reason: row["reason"],
                actor: row["actor"], at: StoredTime.date(row["at_ns"]), id: row["id"], published: position != nil,
                approval: approval)
            event.gatesSkipped = moved?.gatesSkipped
            let replayed = AliasReplay.Event(
                kind: event.event, alias: event.alias, from: event.fromVersion, to: event.toVersion,
                approved: approval?.allSatisfy(\.passed) ?? true)
            return (event, replayed)
        }
    }

    /// Sets `model_aliases` of `name` to what replaying its history gives.
    static func recomputeAliases(_ db: Database, name: String) throws {
        let holders = AliasReplay(try orderedEvents(db, name: name).map(\.replayed)).holders
        try db.execute(sql: "DELETE FROM model_aliases WHERE name = ?", arguments: [name])
        for (alias, version) in holders {
            try db.execute(
                sql: "INSERT INTO model_aliases (name, alias, version) VALUES (?, ?, ?)",
                arguments: [name, alias, version])
        }
    }

    static var actor: String { ActingUser.current }

    /// JSON columns are written with sorted keys, so the same record is the same text on every clone.
    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// What an event holds beyond its columns (column `payload`, JSON): for a registration, its ``SharedVersion``;
/// for a tag, the tag; for a promotion or rollback, the verdicts of its approval gates, or that they were skipped.
struct EventPayload: Codable, Sendable {
    var tag: SharedEvent.VersionTag? = nil
    var approval: [EvaluationReport.GateResult]? = nil
    var gatesSkipped: Bool? = nil

    /// The payload of a promotion or rollback; nil when it carries neither verdicts nor a skip.
    static func move(approval: [EvaluationReport.GateResult]?, gatesSkipped: Bool?) -> EventPayload? {
        approval == nil && gatesSkipped == nil ? nil : EventPayload(approval: approval, gatesSkipped: gatesSkipped)
    }
}

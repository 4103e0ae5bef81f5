import Foundation
import GRDB
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// A pending registration that took a number another clone published first, and the number it has now.
public struct Renumbering: Codable, Sendable, Equatable {
    public var name: String
    public var from: Int
    public var to: Int
}

/// How the registry travels through a remote's record log (``RecordLogEntry``), kept with the rest of
/// ``RegistryStore``'s SQL. Events are pending until a push places them in the log; fetched events are inserted
/// with their place; `model_aliases` is recomputed from the history (``AliasReplay``) after every merge.
extension RegistryStore {
    /// This clone's pending events, in the order it made them, as they travel.
    func pendingEvents() throws -> [SharedEvent] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM registry_events WHERE log_position IS NULL ORDER BY sequence"
            ).map { row in
                let kind: String = row["event"]
                let name: String = row["name"]
                let toVersion: Int? = row["to_version"]
                var event = SharedEvent(
                    id: row["id"], kind: SharedEvent.Kind(rawValue: kind) ?? .tag, actor: row["actor"],
                    atNs: row["at_ns"], model: name, alias: row["alias"], fromVersion: row["from_version"],
                    toVersion: toVersion, reason: row["reason"])
                let payload: String? = row["payload"]
                switch event.kind {
                case .register:
                    if let payload {
                        event.version = try Self.decode(SharedVersion.self, payload)
                    } else if let version = toVersion {
                        // Registered before records were shared: the version's row holds it, unless deleted since.
                        event.version = try Self.sharedVersion(db, name: name, version: version)
                    }
                case .tag:
                    event.tag = try payload.map { try Self.decode(EventPayload.self, $0) }?.tag
                    // Tagged before records were shared: the tag is only in the reason, as key=value.
                    if event.tag == nil, let parts = event.reason?.split(separator: "=", maxSplits: 1),
                        parts.count == 2
                    {
                        event.tag = SharedEvent.VersionTag(key: String(parts[0]), value: String(parts[1]))
                    }
                case .promote, .rollback:
                    let moved = try payload.map { try Self.decode(EventPayload.self, $0) }
                    event.approval = moved?.approval
                    event.gatesSkipped = moved?.gatesSkipped
                default:
                    break
                }
                return event
            }
        }
    }

    /// Gives published events the place the remote log gave them.
    func markPublished(_ placed: [(id: String, position: Int, index: Int)]) throws {
        try database.write { db in
            for event in placed {
                try db.execute(
                    sql: """
                        UPDATE registry_events SET log_position = ?, log_index = ? WHERE id = ? AND log_position IS NULL
                        """, arguments: [event.position, event.index, event.id])
            }
        }
    }

    /// Merges registry events fetched from the remote's log, in log order, in one transaction:
    /// - an event this clone made (a push placed it, but the clone died before noting it) gets its place;
    /// - a registration inserts its version — first renumbering a pending registration of this clone that holds
    ///   the number (it was never seen elsewhere), to one above any number known;
    /// - a tag sets the tag; a deletion removes the version;
    /// then this clone's pending tags are set again (they come after every published event), and every touched
    /// model's aliases are recomputed from its history. Returns the renumberings.
    func merge(_ events: [(event: SharedEvent, position: Int, index: Int)]) throws -> [Renumbering] {
        try database.write { db in
            var renumbered: [Renumbering] = []
            var touched = Set<String>()
            let incoming = Dictionary(
                events.compactMap { item in
                    item.event.kind == .register ? item.event.model.map { ($0, item.event.toVersion ?? 0) } : nil
                }, uniquingKeysWith: max)
            for (event, position, index) in events {
                guard let name = event.model else { continue }
                if try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM registry_events WHERE id = ?)", arguments: [event.id])
                    == true
                {
                    try db.execute(
                        sql: """
                            UPDATE registry_events SET log_position = ?, log_index = ?
                            WHERE id = ? AND log_position IS NULL
                            """, arguments: [position, index, event.id])
                    continue
                }
                touched.insert(name)
                var payload: String?
                switch event.kind {
                case .register:
                    guard let number = event.toVersion else { throw Self.malformed(event) }
                    if try Self.pendingRegistration(db, name: name, version: number) != nil {
                        let highest = try Self.highestNumber(db, name: name)
                        let next = max(highest, incoming[name] ?? 0) + 1
                        try Self.renumber(db, name: name, from: number, to: next)
                        renumbered.append(Renumbering(name: name, from: number, to: next))
                    } else if try Bool.fetchOne(
                        db,
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM registry_events WHERE name = ? AND event = 'register'
                                           AND to_version = ?)
                            """, arguments: [name, number]) == true
                    {
                        throw MLOpsError(
                            .integrity,
                            "the remote's record log registers \(name)@\(number) again (event \(event.id))",
                            hint: "the remote's records were changed; nothing from this entry was merged")
                    }
                    if let version = event.version {
                        payload = try Self.json(version)
                        try db.execute(
                            sql: "INSERT OR IGNORE INTO models (name, created_ns) VALUES (?, ?)",
                            arguments: [name, version.createdNs])
                        try db.execute(
                            sql: """
                                INSERT INTO model_versions (name, version, oid, run_id, source, git_commit, signature,
                                                            metrics, created_ns, actor, lineage, metrics_from, format)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                                """,
                            arguments: [
                                name, number, version.oid, version.runId, version.source, version.gitCommit,
                                try Self.json(version.signature), try Self.json(version.metrics), version.createdNs,
                                version.actor, try version.lineage.map(Self.json),
                                try version.metricsFrom.map(Self.json), (version.format ?? .mlops).rawValue,
                            ])
                    }
                case .tag:
                    guard let tag = event.tag, let number = event.toVersion else { throw Self.malformed(event) }
                    payload = try Self.json(EventPayload(tag: tag))
                    try Self.setTag(db, name: name, version: number, tag: tag)
                case .delete:
                    guard let number = event.fromVersion else { throw Self.malformed(event) }
                    try db.execute(
                        sql: "DELETE FROM model_versions WHERE name = ? AND version = ?", arguments: [name, number])
                case .promote, .rollback:
                    guard event.alias != nil, event.toVersion != nil else { throw Self.malformed(event) }
                    payload = try EventPayload.move(approval: event.approval, gatesSkipped: event.gatesSkipped)
                        .map(Self.json)
                case .runTag, .runDelete:
                    continue
                }
                try db.execute(
                    sql: """
                        INSERT INTO registry_events (id, name, event, alias, from_version, to_version, reason, actor,
                                                     at_ns, payload, log_position, log_index)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        event.id, name, event.kind.rawValue, event.alias, event.fromVersion, event.toVersion,
                        event.reason, event.actor, event.atNs, payload, position, index,
                    ])
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT name, to_version, payload FROM registry_events
                    WHERE log_position IS NULL AND event = 'tag' ORDER BY sequence
                    """)
            {
                let payload: String? = row["payload"]
                if let tag = try payload.map({ try Self.decode(EventPayload.self, $0) })?.tag {
                    try Self.setTag(db, name: row["name"], version: row["to_version"], tag: tag)
                }
            }
            for name in touched { try Self.recomputeAliases(db, name: name) }
            return renumbered
        }
    }

    /// Whether any registry event is pending.
    func hasPendingEvents() throws -> Bool {
        try database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM registry_events WHERE log_position IS NULL)")
                == true
        }
    }

    private static func malformed(_ event: SharedEvent) -> MLOpsError {
        MLOpsError(
            .integrity, "the \(event.kind.rawValue) event \(event.id) on the remote lacks what it must name",
            hint: "the remote's records were changed; nothing from this entry was merged")
    }

    private static func setTag(_ db: Database, name: String, version: Int, tag: SharedEvent.VersionTag) throws {
        guard
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM model_versions WHERE name = ? AND version = ?)",
                arguments: [name, version]) == true
        else { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)",
            arguments: [name, version, tag.key, tag.value])
    }

    /// The sequence of this clone's pending registration of `name@version`, if there is one.
    private static func pendingRegistration(_ db: Database, name: String, version: Int) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT sequence FROM registry_events
                WHERE name = ? AND event = 'register' AND to_version = ? AND log_position IS NULL
                """, arguments: [name, version])
    }

    private static func highestNumber(_ db: Database, name: String) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT MAX(version) FROM (
                    SELECT version FROM model_versions WHERE name = ?1
                    UNION ALL SELECT to_version FROM registry_events WHERE name = ?1 AND event = 'register')
                """, arguments: [name]) ?? 0
    }

    /// Gives a pending registration another number, with its tags and the pending events that name it. Allowed
    /// by the schema only while the registration is pending.
    private static func renumber(_ db: Database, name: String, from old: Int, to new: Int) throws {
        let tags = try Row.fetchAll(
            db, sql: "SELECT key, value FROM model_version_tags WHERE name = ? AND version = ?",
            arguments: [name, old])
        try db.execute(
            sql: "DELETE FROM model_version_tags WHERE name = ? AND version = ?", arguments: [name, old])
        try db.execute(
            sql: "UPDATE model_versions SET version = ? WHERE name = ? AND version = ?", arguments: [new, name, old])
        for tag in tags {
            try db.execute(
                sql: "INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)",
                arguments: [name, new, tag["key"], tag["value"]])
        }
        for column in ["to_version", "from_version"] {
            try db.execute(
                sql: """
                    UPDATE registry_events SET \(column) = ?
                    WHERE name = ? AND \(column) = ? AND log_position IS NULL
                    """, arguments: [new, name, old])
        }
    }

    private static func sharedVersion(_ db: Database, name: String, version: Int) throws -> SharedVersion? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM model_versions WHERE name = ? AND version = ?", arguments: [name, version])
        else { return nil }
        let lineage: String? = row["lineage"]
        let metricsFrom: String? = row["metrics_from"]
        return SharedVersion(
            oid: row["oid"], runId: row["run_id"], source: row["source"], gitCommit: row["git_commit"],
            signature: try decode(Signature.self, row["signature"]),
            metrics: try decode([String: Double].self, row["metrics"]), createdNs: row["created_ns"],
            actor: row["actor"], lineage: try lineage.map { try decode(VersionLineage.self, $0) },
            metricsFrom: try metricsFrom.map { try decode(MetricsSource.self, $0) },
            format: ModelFormat(rawValue: row["format"]).flatMap { $0 == .mlops ? nil : $0 })
    }
}

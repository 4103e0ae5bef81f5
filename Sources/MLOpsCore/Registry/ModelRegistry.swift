import Foundation
import GRDB
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

extension Repository {
    /// Registers a model as the next version of `name`: from a run (`run:<id>`, its `model` artifact, linked to
    /// the run, its data and its commit) or from a `model.json` file (validated and stored).
    public func registerModel(_ source: String, name: String, workingDirectory: String) throws -> ModelVersion {
        try ModelReference.validateName(name)
        let lock = try lock(for: "registering a model")
        defer { withExtendedLifetime(lock) {} }
        let registration: (oid: String, run: Run?, model: Model, source: String)
        let path = WorkspacePath.absolute(source, relativeTo: workingDirectory)
        if !source.hasPrefix("run:"), FileManager.default.fileExists(atPath: path) {
            let bytes: Data
            do {
                bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw MLOpsError(.notFound, "cannot read '\(source)'", cause: error)
            }
            let model = try Model.decode(bytes, source: source)
            let oid = try store.store(Array(bytes))
            try store.synchronize()
            registration = (oid.description, nil, model, source)
        } else {
            guard case .run(let reference) = try ModelReference.parse(source) else {
                throw MLOpsError(.usage, "register a run (run:<id>) or a model.json file, not '\(source)'")
            }
            let run = try run(reference)
            let (model, oid) = try model(of: run)
            registration = (oid, run, model, "run:\(run.id)")
        }
        let version = try insertVersion(
            name: name, oid: registration.oid, runId: registration.run?.id, source: registration.source,
            gitCommit: registration.run?.git.commit, signature: registration.model.signature,
            metrics: registration.run?.metrics ?? [:], lineage: nil)
        return try modelVersion(.version(name: name, version: version))
    }

    /// Records the next version of `name` and its `register` event in one transaction; returns its number.
    func insertVersion(
        name: String, oid: String, runId: String?, source: String, gitCommit: String?, signature: Signature,
        metrics: [String: Double], lineage: VersionLineage?
    ) throws -> Int {
        let signatureText = String(decoding: try Self.registryEncoder.encode(signature), as: UTF8.self)
        let metricsText = String(decoding: try Self.registryEncoder.encode(metrics), as: UTF8.self)
        let lineageText = try lineage.map { String(decoding: try Self.registryEncoder.encode($0), as: UTF8.self) }
        let actor = Self.actor
        let now = Self.nanoseconds(Date())
        return try database.pool.write { db -> Int in
            try db.execute(sql: "INSERT OR IGNORE INTO models (name, created_ns) VALUES (?, ?)", arguments: [name, now])
            let version = (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM model_versions WHERE name = ?", arguments: [name]) ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO model_versions (name, version, oid, run_id, source, git_commit, signature, metrics,
                                                created_ns, actor, lineage)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [name, version, oid, runId, source, gitCommit, signatureText, metricsText, now, actor, lineageText])
            try Self.recordEvent(db, name: name, event: "register", alias: nil, from: nil, to: version, reason: nil, actor: actor, at: now)
            return version
        }
    }

    /// Every registered model, by name.
    public func registeredModels() throws -> [RegisteredModel] {
        try database.pool.read { db in
            var models: [RegisteredModel] = []
            for row in try Row.fetchAll(
                db, sql: "SELECT name, COUNT(*) AS versions, MAX(version) AS latest FROM model_versions GROUP BY name ORDER BY name")
            {
                let name: String = row["name"]
                var aliases: [String: Int] = [:]
                for alias in try Row.fetchAll(db, sql: "SELECT alias, version FROM model_aliases WHERE name = ?", arguments: [name]) {
                    aliases[alias["alias"]] = alias["version"]
                }
                models.append(RegisteredModel(name: name, versions: row["versions"], latest: row["latest"], aliases: aliases))
            }
            return models
        }
    }

    /// The versions of `name`, newest first.
    public func modelVersions(_ name: String) throws -> [ModelVersion] {
        let numbers = try database.pool.read { db in
            try Int.fetchAll(db, sql: "SELECT version FROM model_versions WHERE name = ? ORDER BY version DESC", arguments: [name])
        }
        guard !numbers.isEmpty else { throw Self.noModel(name) }
        return try numbers.map { try modelVersion(.version(name: name, version: $0)) }
    }

    /// The registered version a name-based reference points at, with its aliases, tags and lineage.
    public func modelVersion(_ reference: ModelReference) throws -> ModelVersion {
        guard let name = reference.name else {
            throw MLOpsError(.usage, "'\(reference)' is a run, not a registered version", hint: "register it: mlops model register \(reference) --name <name>")
        }
        let version = try database.pool.read { db in try Self.versionNumber(db, reference) }
        var result = try database.pool.read { db -> ModelVersion in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM model_versions WHERE name = ? AND version = ?", arguments: [name, version])
            else { throw Self.noVersion(name, version) }
            let signatureText: String = row["signature"]
            let metricsText: String = row["metrics"]
            let lineageText: String? = row["lineage"]
            let aliases = try String.fetchAll(
                db, sql: "SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias", arguments: [name, version])
            var tags: [String: String] = [:]
            for tag in try Row.fetchAll(
                db, sql: "SELECT key, value FROM model_version_tags WHERE name = ? AND version = ?", arguments: [name, version])
            {
                tags[tag["key"]] = tag["value"]
            }
            return ModelVersion(
                name: name, version: version, oid: row["oid"], runId: row["run_id"], source: row["source"],
                gitCommit: row["git_commit"],
                signature: try Self.registryDecoder.decode(Signature.self, from: Data(signatureText.utf8)),
                metrics: try Self.registryDecoder.decode([String: Double].self, from: Data(metricsText.utf8)),
                created: Self.date(row["created_ns"]), actor: row["actor"], aliases: aliases, tags: tags, inputs: [],
                lineage: try lineageText.map { try Self.registryDecoder.decode(VersionLineage.self, from: Data($0.utf8)) })
        }
        if let runId = result.runId, let run = try? run(runId) {
            result.inputs = run.inputs
        } else if let lineage = result.lineage {
            result.inputs = lineage.inputs
        }
        return result
    }

    /// The version number a name-based reference points at now: one indexed lookup, cheap enough to poll.
    public func versionNumber(_ reference: ModelReference) throws -> Int {
        try database.pool.read { db in try Self.versionNumber(db, reference) }
    }

    /// Loads the model a reference names: a registered version (by number, alias or `latest`) or a run's model.
    public func resolveModel(_ text: String) throws -> ResolvedModel {
        let reference = try ModelReference.parse(text)
        if case .run(let id) = reference {
            let run = try run(id)
            let (model, oid) = try model(of: run)
            return ResolvedModel(model: model, oid: oid, runId: run.id, name: nil, version: nil, reference: text)
        }
        let version = try modelVersion(reference)
        let bytes = try store.read(try ObjectID(parsing: version.oid))
        let model = try Model.decode(Data(bytes), source: version.reference)
        return ResolvedModel(
            model: model, oid: version.oid, runId: version.runId, name: version.name, version: version.version, reference: text)
    }

    /// Attaches a tag to a version (recorded as an event).
    public func tagModelVersion(_ text: String, key: String, value: String) throws -> ModelVersion {
        let reference = try ModelReference.parse(text)
        guard let name = reference.name else { throw MLOpsError(.usage, "tag a registered version such as mpg@3") }
        let actor = Self.actor
        try database.pool.write { db in
            let version = try Self.versionNumber(db, reference)
            try db.execute(
                sql: "INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)",
                arguments: [name, version, key, value])
            try Self.recordEvent(
                db, name: name, event: "tag", alias: nil, from: nil, to: version, reason: "\(key)=\(value)", actor: actor,
                at: Self.nanoseconds(Date()))
        }
        return try modelVersion(reference)
    }

    /// Deletes a version; refused while an alias points at it. Its object becomes garbage for `gc` unless a run
    /// still references it.
    public func deleteModelVersion(_ text: String) throws {
        let reference = try ModelReference.parse(text)
        guard let name = reference.name else { throw MLOpsError(.usage, "delete a registered version such as mpg@3") }
        let actor = Self.actor
        try database.pool.write { db in
            let version = try Self.versionNumber(db, reference)
            let aliases = try String.fetchAll(
                db, sql: "SELECT alias FROM model_aliases WHERE name = ? AND version = ?", arguments: [name, version])
            guard aliases.isEmpty else {
                throw MLOpsError(
                    .conflict, "\(name)@\(version) is \(aliases.joined(separator: ", ")); it cannot be deleted",
                    hint: "promote another version to \(aliases.joined(separator: ", ")) first")
            }
            try db.execute(sql: "DELETE FROM model_versions WHERE name = ? AND version = ?", arguments: [name, version])
            try Self.recordEvent(
                db, name: name, event: "delete", alias: nil, from: version, to: nil, reason: nil, actor: actor,
                at: Self.nanoseconds(Date()))
        }
    }

    /// The object ids registered versions reference, which `gc` must keep.
    func registeredModelObjects() throws -> Set<ObjectID> {
        let texts = try database.pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT oid FROM model_versions") }
        return Set(texts.compactMap { try? ObjectID(parsing: $0) })
    }

    /// The version number a name-based reference points at, inside a transaction.
    static func versionNumber(_ db: Database, _ reference: ModelReference) throws -> Int {
        switch reference {
        case .run:
            throw MLOpsError(.usage, "'\(reference)' is a run, not a registered version")
        case .version(let name, let version):
            guard try Int.fetchOne(
                db, sql: "SELECT version FROM model_versions WHERE name = ? AND version = ?", arguments: [name, version]) != nil
            else {
                try requireModel(db, name)
                throw noVersion(name, version)
            }
            return version
        case .alias(let name, "latest"):
            guard let version = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM model_versions WHERE name = ?", arguments: [name])
            else { throw noModel(name) }
            return version
        case .alias(let name, let alias):
            guard let version = try Int.fetchOne(
                db, sql: "SELECT version FROM model_aliases WHERE name = ? AND alias = ?", arguments: [name, alias])
            else {
                try requireModel(db, name)
                throw MLOpsError(
                    .notFound, "no version of '\(name)' is '\(alias)'",
                    hint: "promote one: mlops model promote \(name)@<version> --to \(alias)")
            }
            return version
        }
    }

    private static func requireModel(_ db: Database, _ name: String) throws {
        guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM model_versions WHERE name = ?", arguments: [name]) ?? 0 > 0 else {
            throw noModel(name)
        }
    }

    static func noModel(_ name: String) -> MLOpsError {
        MLOpsError(.notFound, "no registered model '\(name)'", hint: "register one: mlops model register run:<id> --name \(name)")
    }

    static func noVersion(_ name: String, _ version: Int) -> MLOpsError {
        MLOpsError(.notFound, "'\(name)' has no version \(version)", hint: "list its versions: mlops model show \(name)")
    }

    static func recordEvent(
        _ db: Database, name: String, event: String, alias: String?, from: Int?, to: Int?, reason: String?, actor: String,
        at: Int64
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO registry_events (name, event, alias, from_version, to_version, reason, actor, at_ns)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [name, event, alias, from, to, reason, actor, at])
    }

    /// Who is acting, as `user@host`.
    static var actor: String {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["USER"] ?? environment["LOGNAME"] ?? getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) }
        return (user ?? "unknown") + "@" + ProcessInfo.processInfo.hostName
    }

    static var registryEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static var registryDecoder: JSONDecoder { JSONDecoder() }
}

import Foundation
import GRDB
import MLOpsErrors

/// What a promotion or rollback did.
public struct AliasChange: Codable, Sendable {
    public var name: String
    public var alias: String
    /// The version the alias pointed at before (nil when it is new).
    public var fromVersion: Int?
    public var toVersion: Int
    /// False when the alias already pointed at the version (nothing recorded).
    public var changed: Bool
    /// The approval evaluation the promotion passed, when `config.yaml` requires one for the alias.
    public var approval: EvaluationReport?
    /// The git tags created or moved (`mpg@v3`, `mpg#production`).
    public var gitTags: [String]?
}

extension Repository {
    /// Points `alias` of the referenced version's model at that version, recording a `promote` event. The read of
    /// the current holder, the event and the move happen in one transaction, so concurrent promotions serialize
    /// and the history stays a chain.
    ///
    /// When `config.yaml` has `registry.approval.<alias>`, the version is first evaluated with those gates
    /// (recorded as an `eval` run) and the promotion is refused with `gateFailed` if any fails. With `gitTags`,
    /// annotated tags `<name>@v<version>` and `<name>#<alias>` (moved) are created at the version's commit.
    public func promote(_ text: String, to alias: String, reason: String?, gitTags: Bool = false) throws -> AliasChange {
        try ModelReference.validateAlias(alias)
        guard alias != "latest" else { throw MLOpsError(.usage, "'latest' always means the newest version; choose another alias") }
        let reference = try ModelReference.parse(text)
        guard let name = reference.name else {
            throw MLOpsError(.usage, "promote a registered version such as mpg@3", hint: "register a run first: mlops model register \(text) --name <name>")
        }
        let candidate = try modelVersion(reference)
        let approval = try approve(candidate, for: alias)
        var change = try moveAlias(reference, name: name, alias: alias, reason: reason)
        change.approval = approval
        if gitTags, change.changed {
            change.gitTags = try GitTags.tagPromotion(
                at: root, commit: candidate.gitCommit, name: name, version: candidate.version, alias: alias,
                message: reason ?? "\(name)@\(candidate.version) promoted to \(alias)")
        }
        return change
    }

    /// Runs the approval `config.yaml` requires for `alias`, if any; throws `gateFailed` when it fails.
    private func approve(_ candidate: ModelVersion, for alias: String) throws -> EvaluationReport? {
        guard let approval = config.registry?.approval?[alias] else { return nil }
        var options = EvaluationOptions(model: candidate.reference, data: approval.data)
        options.gates = try (approval.gates ?? []).map(QualityGate.init(parsing:))
        options.categorical = approval.categorical ?? []
        if let baseline = approval.baseline {
            // Relative gates need a holder to compare with; the first promotion to an alias has none.
            let text = baseline.contains("@") || baseline.hasPrefix("run:") ? baseline : "\(candidate.name)@\(baseline)"
            if (try? resolveModel(text)) != nil {
                options.baseline = text
                options.maxRegressions = try (approval.maxRegression ?? []).map(RegressionLimit.init(parsing:))
            }
        }
        let report = try evaluate(options, workingDirectory: root)
        guard report.passed else {
            throw MLOpsError(
                .gateFailed, "\(candidate.reference) may not become '\(alias)': " + report.failures.joined(separator: "; "),
                hint: "registry.approval.\(alias) in .mlops/config.yaml sets these gates")
        }
        return report
    }

    private func moveAlias(_ reference: ModelReference, name: String, alias: String, reason: String?) throws -> AliasChange {
        let actor = Self.actor
        return try database.pool.write { db in
            let version = try Self.versionNumber(db, reference)
            let current = try Int.fetchOne(
                db, sql: "SELECT version FROM model_aliases WHERE name = ? AND alias = ?", arguments: [name, alias])
            guard current != version else {
                return AliasChange(name: name, alias: alias, fromVersion: current, toVersion: version, changed: false)
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO model_aliases (name, alias, version) VALUES (?, ?, ?)", arguments: [name, alias, version])
            try Self.recordEvent(
                db, name: name, event: "promote", alias: alias, from: current, to: version, reason: reason, actor: actor,
                at: Self.nanoseconds(Date()))
            return AliasChange(name: name, alias: alias, fromVersion: current, toVersion: version, changed: true)
        }
    }

    /// Moves `alias` back to the version that held it before the current holder was promoted to it, recording a
    /// `rollback` event. Repeated rollbacks walk further back through the promotions.
    public func rollback(_ name: String, alias: String, reason: String?) throws -> AliasChange {
        try ModelReference.validateName(name)
        let actor = Self.actor
        return try database.pool.write { db in
            guard let current = try Int.fetchOne(
                db, sql: "SELECT version FROM model_aliases WHERE name = ? AND alias = ?", arguments: [name, alias])
            else {
                _ = try Self.versionNumber(db, .alias(name: name, alias: alias))
                throw MLOpsError(.notFound, "no version of '\(name)' is '\(alias)'")
            }
            let previous = try Int.fetchOne(
                db,
                sql: """
                    SELECT from_version FROM registry_events
                    WHERE name = ? AND alias = ? AND event = 'promote' AND to_version = ?
                    ORDER BY sequence DESC LIMIT 1
                    """,
                arguments: [name, alias, current])
            guard let previous else {
                throw MLOpsError(
                    .invalidState, "no version held '\(alias)' before \(name)@\(current)",
                    hint: "promote another version instead: mlops model promote \(name)@<version> --to \(alias)")
            }
            guard try Int.fetchOne(
                db, sql: "SELECT 1 FROM model_versions WHERE name = ? AND version = ?", arguments: [name, previous]) != nil
            else {
                throw MLOpsError(.invalidState, "\(name)@\(previous), which held '\(alias)' before, has been deleted")
            }
            try db.execute(
                sql: "UPDATE model_aliases SET version = ? WHERE name = ? AND alias = ?", arguments: [previous, name, alias])
            try Self.recordEvent(
                db, name: name, event: "rollback", alias: alias, from: current, to: previous, reason: reason, actor: actor,
                at: Self.nanoseconds(Date()))
            return AliasChange(name: name, alias: alias, fromVersion: current, toVersion: previous, changed: true)
        }
    }

    /// Every event of a model, oldest first.
    public func modelHistory(_ name: String) throws -> [RegistryEvent] {
        let events = try database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM registry_events WHERE name = ? ORDER BY sequence", arguments: [name]).map { row in
                RegistryEvent(
                    sequence: row["sequence"], name: row["name"], event: row["event"], alias: row["alias"],
                    fromVersion: row["from_version"], toVersion: row["to_version"], reason: row["reason"],
                    actor: row["actor"], at: Self.date(row["at_ns"]))
            }
        }
        guard !events.isEmpty else { throw Self.noModel(name) }
        return events
    }
}

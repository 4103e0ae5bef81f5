import Foundation
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
    /// For a rollback: true when the alias's approval gates were skipped (`--skip-gates`).
    public var gatesSkipped: Bool?
}

extension Repository {
    /// Points `alias` of the referenced version's model at that version, recording a `promote` event. The read of
    /// the current holder, the event and the move happen in one transaction, so concurrent promotions serialize
    /// and the history stays a chain.
    ///
    /// When `config.yaml` has `registry.approval.<alias>`, the version is first evaluated with those gates
    /// (recorded as an `eval` run) and the promotion is refused with `gateFailed` if any fails. With `gitTags`,
    /// annotated tags `<name>@v<version>` and `<name>#<alias>` (moved) are created at the version's commit.
    public func promote(_ text: String, to alias: String, reason: String?, gitTags: Bool = false) throws -> AliasChange
    {
        try ModelReference.validateAlias(alias)
        guard alias != "latest" else {
            throw MLOpsError(.usage, "'latest' always means the newest version; choose another alias")
        }
        let reference = try ModelReference.parse(text)
        guard let name = reference.name else {
            throw MLOpsError(
                .usage, "promote a registered version such as mpg@3",
                hint: "register a run first: mlops model register \(text) --name <name>")
        }
        let candidate = try registry.version(reference)
        // Nothing would move: no gates to run, no evaluation to record.
        if candidate.aliases.contains(alias) {
            return AliasChange(
                name: name, alias: alias, fromVersion: candidate.version, toVersion: candidate.version, changed: false)
        }
        let approval = try approve(candidate, for: alias)
        // The version that passed the gates, by number: an alias or `latest` may move while they run.
        var change = try registry.moveAlias(
            .version(name: name, version: candidate.version), name: name, alias: alias, reason: reason,
            approval: approval?.gates)
        change.approval = approval
        if gitTags, change.changed {
            change.gitTags = try GitTags.tagPromotion(
                at: root, commit: candidate.gitCommit, name: name, version: candidate.version, alias: alias,
                message: reason ?? "\(name)@\(candidate.version) promoted to \(alias)")
        }
        return change
    }

    /// Moves `alias` of `name` back to the version that held it before its current holder
    /// (``RegistryStore/rollbackTarget(_:alias:)``), after that version passes the approval gates `config.yaml`
    /// sets for the alias, as a promotion would; `gateFailed` when one fails. `skipGates` moves it without them
    /// and needs a `reason`: the `rollback` event records both.
    public func rollback(_ name: String, alias: String, reason: String?, skipGates: Bool = false) throws
        -> AliasChange
    {
        if skipGates, (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw MLOpsError(
                .usage, "skipping the approval gates needs a reason for the history",
                hint: "add --reason '<why the gates do not apply>'")
        }
        let target = try registry.rollbackTarget(name, alias: alias)
        let previous = try registry.version(.version(name: name, version: target.previous))
        let approval =
            skipGates
            ? nil
            : try approve(
                previous, for: alias,
                hint: "or roll back without them, on the record: mlops model rollback \(name) --alias \(alias) "
                    + "--skip-gates --reason '<why>'")
        let skipped = skipGates && config.registry?.approval?[alias] != nil
        var change = try registry.rollback(
            name, alias: alias, reason: reason, expecting: target.previous, approval: approval?.gates,
            gatesSkipped: skipped)
        change.approval = approval
        change.gatesSkipped = skipped ? true : nil
        return change
    }

    /// Whether the baseline `text` names a version that exists. Only an alias nothing holds yet (the first
    /// promotion) or a missing version skips the relative gates; anything else (a run, a version whose model
    /// object this clone lacks) is evaluated, so a failure to load it is an error, never a skipped gate.
    private static func baselineExists(_ text: String, in registry: RegistryStore) throws -> Bool {
        let reference = try ModelReference.parse(text)
        if case .run = reference { return true }
        do {
            _ = try registry.versionNumber(reference)
            return true
        } catch let error as MLOpsError where error.code == .notFound {
            return false
        }
    }

    /// Runs the approval `config.yaml` requires for `alias`, if any; throws `gateFailed` when it fails.
    private func approve(_ candidate: ModelVersion, for alias: String, hint: String? = nil) throws
        -> EvaluationReport?
    {
        guard let approval = config.registry?.approval?[alias] else { return nil }
        var options = EvaluationOptions(model: candidate.reference, data: approval.data)
        options.gates = try (approval.gates ?? []).map(QualityGate.init(parsing:))
        options.categorical = approval.categorical ?? []
        if let baseline = approval.baseline {
            // Relative gates need a holder to compare with; the first promotion to an alias has none.
            let text = baseline.contains("@") || baseline.hasPrefix("run:") ? baseline : "\(candidate.name)@\(baseline)"
            if try Self.baselineExists(text, in: registry) {
                options.baseline = text
                options.maxRegressions = try (approval.maxRegression ?? []).map(RegressionLimit.init(parsing:))
            }
        }
        let report = try evaluate(options, workingDirectory: root)
        guard report.passed else {
            throw MLOpsError(
                .gateFailed,
                "\(candidate.reference) may not become '\(alias)': " + report.failures.joined(separator: "; "),
                hint: "registry.approval.\(alias) in .mlops/config.yaml sets these gates"
                    + (hint.map { "; " + $0 } ?? ""))
        }
        return report
    }
}

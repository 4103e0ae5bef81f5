import Foundation
import MLOpsCore
import MLOpsErrors

/// What `check --retrain` did (or, with `--dry-run`, would do).
public struct RetrainingOutcome: Codable, Sendable {
    /// `train train.yaml` or `repro train`.
    public var plan: String
    public var dryRun: Bool
    /// The run that trained the candidate.
    public var trainingRun: String?
    /// The version the candidate was registered as (`mpg@5`).
    public var registered: String?
    /// The alias the candidate was to take over.
    public var alias: String?
    public var promoted: Bool
    /// What happened, or why the alias was left where it was.
    public var reason: String
}

extension Repository {
    enum RetrainingPlan {
        case train(String)
        case stage(String)

        var description: String {
            switch self {
            case .train(let file): "train \(file)"
            case .stage(let stage): "repro \(stage)"
            }
        }
    }

    /// `monitor.retrain` of the configuration, checked.
    func retrainingPlan() throws -> RetrainingPlan {
        switch (config.monitor?.retrain?.train, config.monitor?.retrain?.stage) {
        case (let file?, nil): return .train(file)
        case (nil, let stage?): return .stage(stage)
        case (.some, .some):
            throw MLOpsError(
                .invalidInput, "monitor.retrain in .mlops/config.yaml sets both train and stage",
                hint: "keep one: a training configuration file, or the pipeline stage that trains")
        case (nil, nil):
            throw MLOpsError(
                .usage, "--retrain needs monitor.retrain in .mlops/config.yaml",
                hint: "set monitor.retrain.train to a training configuration (the YAML `mlops train --config` "
                    + "reads), or monitor.retrain.stage to the pipeline stage that trains")
        }
    }

    /// Trains a candidate with `monitor.retrain`, registers it as the next version of the checked model and
    /// promotes it to the checked alias only through that alias's approval gates (`registry.approval.<alias>`):
    /// without gates, or when they fail, the alias stays where it is and the outcome says why. Every step is a
    /// run or a registry event; the training run is tagged with the monitor run that triggered it, and the
    /// monitor run with what followed.
    func retrain(
        _ checked: ResolvedModel, trigger: String, dryRun: Bool, executable: String?, workingDirectory: String,
        environment: [String: String]
    ) async throws -> RetrainingOutcome {
        let plan = try retrainingPlan()
        guard let name = checked.name else {
            throw MLOpsError(.usage, "retraining needs a registered model, such as mpg@production")
        }
        let reference = try ModelReference.parse(checked.reference)
        let alias: String? = if case .alias(_, let alias) = reference, alias != "latest" { alias } else { nil }
        let gated = alias.flatMap { config.registry?.approval?[$0] } != nil
        var outcome = RetrainingOutcome(
            plan: plan.description, dryRun: dryRun, trainingRun: nil, registered: nil, alias: alias, promoted: false,
            reason: "")
        if dryRun {
            outcome.reason =
                "would run `\(plan.description)`, register the model as the next version of \(name)"
                + (alias.map {
                    gated
                        ? " and promote it to \($0) if registry.approval.\($0) passes"
                        : " (no gates for \($0): it would not be promoted)"
                } ?? "")
            return outcome
        }

        let started = Date()
        let runId: String
        switch plan {
        case .train(let file):
            let options = try TrainOptions.load(yaml: WorkspacePath.absolute(file, relativeTo: root))
            runId = try train(options, workingDirectory: root).runId
        case .stage(let stage):
            var options = ReproOptions()
            options.stages = [stage]
            options.force = true
            options.executable = executable
            let outcomes = try reproduce(options)
            if let failed = outcomes.first(where: { $0.action == .failed || $0.action == .blocked }) {
                throw MLOpsError(
                    .failure, "retraining failed: stage '\(failed.stage)' failed; \(name) was left as it is",
                    hint: "see its log with `mlops runs show`")
            }
            var listing = RunListing()
            listing.since = started
            listing.filter = try RunFilter("(kind = train or kind = tune) and status = finished")
            guard let run = try runs.list(listing).first else {
                throw MLOpsError(
                    .failure, "the stage '\(stage)' trained no model (no `mlops train` or `tune` run finished)",
                    hint: "monitor.retrain.stage must name a stage whose command runs `mlops train`")
            }
            runId = run.id
        }
        outcome.trainingRun = runId
        try runs.tag(["monitor_run": trigger], run: runId)
        let registration = try await registerModel(
            "run:\(runId)", name: name, workingDirectory: workingDirectory, offline: false, environment: environment)
        let candidate = registration.version.reference
        outcome.registered = candidate
        var tags = ["retrain_run": runId, "registered": candidate]
        defer { _ = try? runs.tag(tags, run: trigger) }
        guard let alias else {
            outcome.reason = "registered \(candidate); \(checked.reference) names no alias to promote"
            return outcome
        }
        guard gated else {
            outcome.reason =
                "registered \(candidate) and left \(alias) as it is: registry.approval.\(alias) sets no gates, and "
                + "monitoring promotes only through gates"
            return outcome
        }
        do {
            _ = try promote(
                candidate, to: alias, reason: "retrained after monitor run \(trigger.prefix(RunID.displayLength))")
            outcome.promoted = true
            outcome.reason = "\(candidate) passed registry.approval.\(alias) and now serves as \(alias)"
            tags["promoted"] = candidate
        } catch let error as MLOpsError where error.code == .gateFailed {
            outcome.reason = "\(candidate) was registered but not promoted: \(error.message)"
        }
        return outcome
    }
}

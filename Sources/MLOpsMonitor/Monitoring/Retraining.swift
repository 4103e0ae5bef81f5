import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsLearn

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

    /// `monitor.retrain` of the configuration and the alias a candidate would take over, checked before a check
    /// records anything: retraining needs an alias other than `latest` (registering a version moves `latest`,
    /// so a server following it would serve the candidate without any gate).
    func retrainingPlan(for checked: ResolvedModel) throws -> (plan: RetrainingPlan, name: String, alias: String) {
        guard case .alias(let name, let alias) = try ModelReference.parse(checked.reference), alias != "latest" else {
            throw MLOpsError(
                .usage, "--retrain promotes through an alias's gates; \(checked.reference) is not an alias",
                hint: "check the alias the model serves under, such as \(checked.name ?? "mpg")@production")
        }
        return (try retrainingPlan(), name, alias)
    }

    private func retrainingPlan() throws -> RetrainingPlan {
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
    ) async -> RetrainingOutcome {
        var outcome = RetrainingOutcome(
            plan: "", dryRun: dryRun, trainingRun: nil, registered: nil, alias: nil, promoted: false, reason: "")
        do {
            try await retrain(
                checked, trigger: trigger, executable: executable, workingDirectory: workingDirectory,
                environment: environment, into: &outcome)
        } catch {
            // The verdict (and its alerts) stand whatever happened here; production was not touched.
            let message = (error as? MLOpsError)?.message ?? ErrorDescription.describe(error)
            outcome.reason = "retraining failed, and \(checked.reference) was left as it is: \(message)"
        }
        return outcome
    }

    /// Whether `registry.approval.<alias>` holds at least one gate a candidate must pass: an approval with no
    /// gates would promote anything.
    private func hasGates(_ alias: String) -> Bool {
        guard let approval = config.registry?.approval?[alias] else { return false }
        return !(approval.gates ?? []).isEmpty || (approval.baseline != nil && !(approval.maxRegression ?? []).isEmpty)
    }

    private func retrain(
        _ checked: ResolvedModel, trigger: String, executable: String?, workingDirectory: String,
        environment: [String: String], into outcome: inout RetrainingOutcome
    ) async throws {
        let (plan, name, alias) = try retrainingPlan(for: checked)
        let gated = hasGates(alias)
        outcome.plan = plan.description
        outcome.alias = alias
        if outcome.dryRun {
            outcome.reason =
                "would run `\(plan.description)` and register the model as the next version of \(name); "
                + (gated
                    ? "it would take over \(alias) only if registry.approval.\(alias) passes"
                    : "registry.approval.\(alias) sets no gates, so it would not be promoted")
            return
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
            // Another `mlops train` may have finished meanwhile: the candidate must be a model of the same thing.
            let candidate = try model(ofRun: run.id).signature
            let served = checked.model.signature
            guard candidate.target == served.target, candidate.features.map(\.name) == served.features.map(\.name)
            else {
                throw MLOpsError(
                    .failure,
                    "the newest training run (\(run.id.prefix(RunID.displayLength))) does not predict what \(name) "
                        + "predicts from the same features")
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
        guard gated else {
            outcome.reason =
                "registered \(candidate) and left \(alias) as it is: registry.approval.\(alias) sets no gates, and "
                + "monitoring promotes only through gates"
            return
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
    }
}

import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsLearn

/// What `mlops monitor check` does besides judging.
public struct CheckOptions: Sendable {
    /// The served version to check (`mpg@production`).
    public var model: String
    public var window: MonitorWindow
    /// Current data from a file instead of the serving log (drift only; quality needs the log's labels).
    public var current: String?
    /// When unhealthy: retrain with `monitor.retrain`, register, and promote through the alias's gates.
    public var retrain = false
    /// Say what retraining would do without doing it.
    public var dryRun = false
    /// POST the verdict here when unhealthy.
    public var webhook: String?
    /// Run this shell command when unhealthy, with `MLOPS_MONITOR_REPORT` naming the verdict file.
    public var command: String?
    /// Alert even when healthy.
    public var alwaysAlert = false
    /// The mlops executable a retraining stage's commands call back (see ``ReproOptions/executable``).
    public var executable: String?
    /// A version served beside the checked one (`serve --split`) to compare with it over the window.
    public var challenger: String?
    /// Promote the challenger to the checked alias when the comparison says so (through the alias's gates).
    public var promoteIf: ChallengerRule?

    public init(model: String, window: MonitorWindow) {
        self.model = model
        self.window = window
    }
}

/// When `monitor check --challenger` promotes the challenger.
public enum ChallengerRule: String, Codable, Sendable, CaseIterable {
    /// Significantly better on the compared metric.
    case better
    /// Not significantly worse on the metric (within `monitor.compare.margin` when set): for a change meant to
    /// be faster or cheaper rather than more accurate.
    case notWorse = "not-worse"
}

/// What a check did with its challenger.
public struct ChallengerOutcome: Codable, Sendable {
    public var comparison: VersionComparison
    public var rule: ChallengerRule?
    /// Whether the challenger now holds the checked alias.
    public var promoted: Bool
    /// Why it was or was not promoted.
    public var reason: String
}

/// The outcome of a check: drift, live quality, the alerts sent and any retraining.
public struct MonitorVerdict: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        case healthy
        /// The data drifted (exit 4).
        case drift
        /// A live-quality gate failed (exit 3), whether or not the data drifted too.
        case quality
    }

    public var status: Status
    public var model: String
    public var window: MonitorWindow
    /// The `monitor` run that records the check.
    public var runId: String
    public var drift: DriftReport
    /// Nil when quality was not measured (current data from a file).
    public var quality: QualityReport?
    public var alerts: [AlertDelivery]
    public var retraining: RetrainingOutcome?
    /// The comparison with `--challenger`, and any promotion it made.
    public var challenger: ChallengerOutcome?

    /// The verdict as the JSON `--json` prints (sorted snake_case keys, ISO 8601 dates), for the `verdict`
    /// artifact and the alerts.
    func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// One line for people and chat: what is wrong, with the numbers.
    public var summary: String {
        var parts: [String] = []
        let drifted = drift.features.filter { $0.drifted != false }.map(\.column)
        parts.append(
            drift.drifted
                ? "drift in \(drift.driftedFeatures) of \(drift.features.count) features (\(drifted.prefix(5).joined(separator: ", ")))"
                : "no data drift (\(drift.driftedFeatures) of \(drift.features.count) features drifted)")
        if let quality {
            if let passed = quality.passed {
                let failed = quality.gates.filter { !$0.passed }.map(\.gate)
                parts.append(
                    passed ? "quality gates passed" : "quality gates failed: " + failed.joined(separator: "; "))
            } else if let reason = quality.reason {
                parts.append("quality not judged: " + reason)
            }
        }
        let verdict =
            switch status {
            case .healthy: "healthy"
            case .drift: "data drift"
            case .quality: "live-quality gate failed"
            }
        return "\(model): \(verdict); " + parts.joined(separator: "; ")
    }
}

extension Repository {
    /// Checks a served version: drift over the window (or `current`), live quality from the labels that came
    /// back, against `monitor:` in `.mlops/config.yaml`. Records the check as a run of kind `monitor` (its
    /// statistics as metrics, the verdict as its `verdict` artifact), alerts when unhealthy, and retrains when
    /// asked. A failed alert is reported in the verdict, never thrown: the verdict still stands.
    public func checkModel(
        _ options: CheckOptions, workingDirectory: String, environment: [String: String]
    ) async throws -> MonitorVerdict {
        let resolved = try resolveModel(options.model)
        var driftOptions = DriftOptions(model: options.model, current: options.current, window: options.window)
        if options.current != nil { driftOptions.window = nil }
        let drift = try measureDrift(driftOptions, workingDirectory: workingDirectory)
        let quality = options.current == nil ? try measureQuality(options.model, window: options.window) : nil
        let status: MonitorVerdict.Status =
            quality?.passed == false ? .quality : drift.drifted ? .drift : .healthy
        if options.retrain {
            // Checked before anything is recorded, so a misconfigured retraining fails the check cleanly.
            _ = try retrainingPlan(for: resolved)
        }
        var checkedAlias: String?
        if options.promoteIf != nil {
            // Checked before anything is recorded, so a promotion that cannot happen fails the check cleanly.
            guard case .alias(_, let alias) = try ModelReference.parse(options.model), alias != "latest" else {
                throw MLOpsError(
                    .usage, "--promote-if moves the checked alias; \(options.model) is not one",
                    hint: "check the alias the champion serves under, such as mpg@production")
            }
            checkedAlias = alias
        }
        let comparison = try options.challenger.map { challenger in
            try compareVersions(
                ComparisonOptions(champion: options.model, challenger: challenger, window: options.window))
        }

        let runId = try runs.start(name: "monitor-\(resolved.resolved)", kind: .monitor)
        var verdict = MonitorVerdict(
            status: status, model: resolved.resolved, window: options.window, runId: runId, drift: drift,
            quality: quality, alerts: [], retraining: nil, challenger: nil)
        do {
            if let comparison {
                verdict.challenger = promoteChallenger(comparison, to: checkedAlias, rule: options.promoteIf)
            }
            try recordCheck(verdict, run: runId)
            try runs.finish(runId, status: .finished)
        } catch {
            try? runs.finish(runId, status: .failed)
            throw error
        }
        // A challenger that just took the alias is what serves now; retraining would replace it unseen.
        if status != .healthy, options.retrain, verdict.challenger?.promoted != true {
            verdict.retraining = await retrain(
                resolved, trigger: runId, dryRun: options.dryRun, executable: options.executable,
                workingDirectory: workingDirectory,
                environment: environment)
        }
        if status != .healthy || options.alwaysAlert {
            verdict.alerts = await Alerts.deliver(
                verdict, webhook: options.webhook, command: options.command,
                workingDirectory: root, environment: environment)
        }
        return verdict
    }

    /// Statistics as metrics (`drift_share`, `drift.<column>`, `quality.<metric>`, `labelled_share`), the
    /// window and thresholds as parameters, the verdict as the `verdict` artifact.
    private func recordCheck(_ verdict: MonitorVerdict, run: String) throws {
        var metrics: [String: Double] = [
            "drift_share": verdict.drift.driftShare, "drifted_features": Double(verdict.drift.driftedFeatures),
        ]
        for column in verdict.drift.features + [verdict.drift.prediction, verdict.drift.target].compactMap({ $0 }) {
            // The prediction and the target apart, so a feature named `prediction` cannot collide with them.
            let key = column.role == .feature ? "drift.\(column.column)" : "\(column.role.rawValue)_drift"
            if let score = column.score { metrics[key] = score }
        }
        if let difference = verdict.challenger?.comparison.difference {
            metrics["compare.difference"] = difference.value
            metrics["compare.p_value"] = difference.pValue
        }
        if let quality = verdict.quality {
            metrics["labelled_share"] = quality.labelledShare
            for (name, value) in quality.metrics ?? [:] where value.isFinite { metrics["quality.\(name)"] = value }
        }
        try runs.logMetrics(metrics.filter { $0.value.isFinite }, run: run)
        try runs.logParams(
            [
                "model": verdict.model, "since": ISO8601DateFormatter().string(from: verdict.window.since),
                "until": ISO8601DateFormatter().string(from: verdict.window.until),
                "drift_share_threshold": "\(verdict.drift.shareThreshold)",
            ], run: run)
        try runs.tag(["status": verdict.status.rawValue, "model_version": verdict.model], run: run)
        try logArtifact("verdict", bytes: Array(try verdict.encodedJSON()), run: run)
    }

    /// Promotes `challenger` to the alias `champion` names when `comparison` satisfies `rule`, through the alias's
    /// approval gates, with the comparison's numbers as the event's reason. A refusal by the gates is reported,
    /// not thrown: the comparison still stands.
    private func promoteChallenger(
        _ comparison: VersionComparison, to alias: String?, rule: ChallengerRule?
    ) -> ChallengerOutcome {
        var outcome = ChallengerOutcome(comparison: comparison, rule: rule, promoted: false, reason: "")
        guard let rule, let alias else {
            outcome.reason = "no --promote-if: compared only"
            return outcome
        }
        guard let difference = comparison.difference else {
            outcome.reason = "not promoted: " + (comparison.reason ?? "not enough labelled data")
            return outcome
        }
        let satisfied = rule == .better ? difference.verdict == .better : difference.notWorse
        guard satisfied else {
            let found =
                switch difference.verdict {
                case .better: "significantly better"
                case .worse: "significantly worse"
                case .noSignificantDifference: "not significantly better"
                case .notEnoughData: "not judged"
                }
            let missedMargin = rule == .notWorse && difference.verdict != .worse ? ", but beyond the margin" : ""
            outcome.reason =
                "not promoted: \(comparison.challenger.model) is \(found) on \(comparison.metric)\(missedMargin)"
            return outcome
        }
        do {
            let change = try promote(
                comparison.challenger.model, to: alias,
                reason: "monitor check (\(rule.rawValue)): \(comparison.summary)")
            outcome.promoted = change.changed
            outcome.reason = "now \(alias): \(comparison.summary)"
        } catch {
            // The verdict stands and is recorded whatever the promotion met (gates, a missing approval file).
            outcome.reason = "not promoted to \(alias): " + ((error as? MLOpsError)?.message ?? "\(error)")
        }
        return outcome
    }

    /// The past checks of a version, oldest first, for the report's history charts.
    public func monitorHistory(of reference: String) throws -> [MonitorHistoryPoint] {
        let resolved = try resolveModel(reference)
        var listing = RunListing()
        listing.filter = try RunFilter("kind = monitor")
        listing.descending = false
        return try runs.list(listing).filter { $0.tags["model_version"] == resolved.resolved }.map { run in
            MonitorHistoryPoint(
                time: run.started, driftShare: run.metrics["drift_share"],
                metrics: Dictionary(
                    uniqueKeysWithValues: run.metrics.filter { $0.key.hasPrefix("quality.") }.map {
                        (String($0.key.dropFirst("quality.".count)), $0.value)
                    }))
        }
    }
}

import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsErrors
import MLOpsMonitor

extension MLOps {
    struct MonitorGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "monitor",
            abstract: "Watch served models: data drift, live quality, alerts and gated retraining.",
            discussion: """
                The reference is the profile `mlops train` recorded for the version (its training data and its \
                predictions on the hold-out), so drift is measured without the training data; --reference FILE \
                overrides it. Current data is a file (--current) or what the version answered in a window of \
                the serving log (--since 24h). Tests and thresholds are Evidently's defaults unless `monitor:` \
                in .mlops/config.yaml sets others: a reference of at most 1,000 rows uses Kolmogorov–Smirnov \
                (numbers) and chi-square (categories), drift at p < 0.05; larger ones the Wasserstein distance \
                over the reference's standard deviation and the Jensen–Shannon distance, drift at 0.1. The data \
                set drifts when half its features do. Exit status 4 (drift-detected) and 3 (gate-failed) make \
                checks usable in CI and cron.
                """,
            subcommands: [Drift.self, Quality.self, Compare.self, Check.self, Report.self])
    }
}

/// Where current data comes from: a file or a window of the serving log.
struct CurrentDataOptions: ParsableArguments {
    @Option(help: "Current data (CSV or .jsonl) instead of the serving log.", completion: .file())
    var current: String?

    @Option(help: "The serving-log window: a duration back from now (30m, 24h, 7d) or an ISO 8601 time.")
    var since: String?

    @Option(help: "The end of the window (default: now).")
    var until: String?

    func window(_ context: CommandContext, required: Bool) throws -> MonitorWindow? {
        guard let since else {
            if required || (current == nil) {
                throw MLOpsError(
                    .usage, "say which window of the serving log to read: --since 24h (or give --current FILE)")
            }
            return nil
        }
        return try MonitorWindow(since: since, until: until, now: context.now())
    }

    func validate() throws {
        if current != nil, since != nil { throw ValidationError("give --current FILE or --since DURATION, not both") }
        if until != nil, since == nil { throw ValidationError("--until needs --since") }
    }
}

/// A window of the serving log that must be given: `quality` and `compare` read nothing else.
struct ServingLogWindow: ParsableArguments {
    @Option(help: "The serving-log window: a duration back from now (30m, 24h, 7d) or an ISO 8601 time.")
    var since: String

    @Option(help: "The end of the window (default: now).")
    var until: String?

    func parsed(_ context: CommandContext) throws -> MonitorWindow {
        try MonitorWindow(since: since, until: until, now: context.now())
    }
}

/// What drift compares: a model version's profile (or --reference) with a file or a serving-log window.
struct DriftSources: ParsableArguments {
    @Argument(
        help: "The model version (mpg@production, mpg@3); omit to compare two files.", completion: .repository(.model))
    var model: String?

    @Option(help: "Reference data instead of the version's stored profile.", completion: .file())
    var reference: String?

    @OptionGroup var currentData: CurrentDataOptions

    @Option(help: "Without a model: the target column (reported apart from the features).")
    var target: String?

    @OptionGroup var categorical: CategoricalColumns

    func options(_ context: CommandContext) throws -> DriftOptions {
        var options = DriftOptions(
            model: model, reference: reference, current: currentData.current,
            window: try currentData.window(context, required: false))
        options.target = target
        options.categorical = categorical.columns
        return options
    }
}

extension MLOps.MonitorGroup {
    struct Drift: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "drift",
            abstract: "Compare current data with a model's reference profile, feature by feature.",
            discussion: """
                Prints each feature's test, score, threshold and verdict, and the prediction and target drift \
                separately. Without a model, compares two files: --reference FILE --current FILE [--target COL]. \
                Exits 4 (drift-detected) when the data set drifted.
                """)

        @OptionGroup var globals: GlobalOptions

        @OptionGroup var sources: DriftSources

        func run(in context: CommandContext) async throws {
            let report = try repository(context).measureDrift(
                try sources.options(context), workingDirectory: directory(context))
            try output(context).render(report) { style in DriftText.render(report, style: style) }
            if report.drifted {
                throw ReportedFailure(
                    error: MLOpsError(
                        .driftDetected,
                        "drift in \(report.driftedFeatures) of \(report.features.count) features"))
            }
        }
    }

    struct Quality: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "quality",
            abstract: "Live metrics of a served version from the labels that came back (POST /feedback).",
            discussion: """
                Joins the serving log with the feedback labels by request id over the window, computes the \
                task's metrics on the labelled rows and compares them with the metrics the version was \
                registered with. Gates come from monitor.quality in .mlops/config.yaml (gates: ['rmse < 4'], \
                max_regression: ['rmse=10%']); a failed gate exits 3 (gate-failed).
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The model version (mpg@production, mpg@3).", completion: .repository(.model))
        var model: String

        @OptionGroup var window: ServingLogWindow

        func run(in context: CommandContext) async throws {
            let report = try repository(context).measureQuality(model, window: try window.parsed(context))
            try output(context).render(report) { style in QualityText.render(report, style: style) }
            if report.passed == false {
                let failed = report.gates.filter { !$0.passed }.map(\.gate)
                throw ReportedFailure(
                    error: MLOpsError(.gateFailed, "live quality gate failed: " + failed.joined(separator: "; ")))
            }
        }
    }

    struct Compare: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare",
            abstract: "A/B results: two served versions' live metrics and whether the difference is significant.",
            discussion: """
                Reads what each version answered in the window (serve --split traffic) and the labels that came \
                back (POST /feedback). Per version: requests, labelled share, the metric with its confidence \
                interval, latency. The difference (challenger − champion) is tested: Welch's t-test on per-row \
                errors (mae, mse), a two-proportion z-test (accuracy), a bootstrap (rmse, f1); latency by \
                Welch's t-test. Fewer than monitor.compare.min_labelled (default 30) labelled rows on a side is \
                reported as not enough data, not an error. Settings: monitor.compare {metric, alpha, \
                min_labelled, margin} in .mlops/config.yaml. `monitor check --challenger … --promote-if better` \
                acts on the result.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The champion (mpg@production).", completion: .repository(.model))
        var champion: String

        @Argument(help: "The challenger (mpg@4).", completion: .repository(.model))
        var challenger: String

        @OptionGroup var window: ServingLogWindow

        @Option(help: "The metric to compare: mae, mse, rmse (regression), accuracy, f1 (classification).")
        var metric: String?

        func run(in context: CommandContext) async throws {
            var options = ComparisonOptions(
                champion: champion, challenger: challenger,
                window: try window.parsed(context))
            options.metric = metric
            let comparison = try repository(context).compareVersions(options)
            try output(context).render(comparison) { style in ComparisonText.render(comparison, style: style) }
        }
    }

    struct Check: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Judge a served version (drift and live quality), alert, and optionally retrain.",
            discussion: """
                Exits 0 when healthy, 4 (drift-detected) when the data drifted, 3 (gate-failed) when a \
                live-quality gate failed. Every check is recorded as a run of kind monitor with its statistics \
                as metrics: `mlops runs list --where 'kind = monitor'` is the history. When unhealthy, \
                --webhook POSTs the verdict as JSON with a `text` summary (Slack-style webhooks show it; three \
                attempts of at most 10 s), and --exec runs a shell command with MLOPS_MONITOR_REPORT naming the \
                verdict file. --retrain runs monitor.retrain (a training configuration or a pipeline stage), \
                registers the model and promotes it to the checked alias only if registry.approval.<alias> \
                passes; otherwise production stays as it is and the verdict says why.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The served version (mpg@production).", completion: .repository(.model))
        var model: String

        @OptionGroup var currentData: CurrentDataOptions

        @Flag(help: "When unhealthy, retrain, register and promote through the alias's approval gates.")
        var retrain = false

        @Flag(help: "With --retrain: say what retraining would do, and do nothing.")
        var dryRun = false

        @Option(help: "POST the verdict to this URL when unhealthy.")
        var webhook: String?

        @Option(
            name: .customLong("exec"),
            help: "Run this shell command when unhealthy (MLOPS_MONITOR_REPORT names the verdict file).")
        var command: String?

        @Flag(help: "Send the alerts even when healthy.")
        var alwaysAlert = false

        @Option(help: "A version served beside this one (serve --split) to compare with it over the window.")
        var challenger: String?

        @Option(
            help: ArgumentHelp(
                """
                Promote the challenger to the checked alias when it is significantly better, or not significantly \
                worse (through the alias's approval gates).
                """,
                valueName: "better|not-worse"))
        var promoteIf: String?

        func validate() throws {
            if dryRun, !retrain { throw ValidationError("--dry-run goes with --retrain") }
            if let promoteIf, ChallengerRule(rawValue: promoteIf) == nil {
                throw ValidationError("--promote-if must be better or not-worse")
            }
            if promoteIf != nil, challenger == nil { throw ValidationError("--promote-if needs --challenger") }
            if challenger != nil, currentData.since == nil {
                throw ValidationError("--challenger compares a window of the serving log: give --since")
            }
        }

        func run(in context: CommandContext) async throws {
            let window =
                try currentData.window(context, required: currentData.current == nil)
                ?? MonitorWindow(since: context.now(), until: context.now())
            var options = CheckOptions(model: model, window: window)
            options.current = currentData.current
            options.retrain = retrain
            options.dryRun = dryRun
            options.webhook = webhook
            options.command = command
            options.alwaysAlert = alwaysAlert
            options.executable = context.executable
            options.challenger = challenger
            options.promoteIf = promoteIf.flatMap(ChallengerRule.init(rawValue:))
            let verdict = try await repository(context).checkModel(
                options, workingDirectory: directory(context), environment: context.environment)
            try output(context).render(verdict) { style in CheckText.render(verdict, style: style) }
            switch verdict.status {
            case .healthy: break
            case .drift: throw ReportedFailure(error: MLOpsError(.driftDetected, verdict.summary))
            case .quality: throw ReportedFailure(error: MLOpsError(.gateFailed, verdict.summary))
            }
        }
    }

    struct Report: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write the drift report as one self-contained HTML file.",
            discussion: """
                The page holds the verdict, a table per feature, reference-against-current distributions per \
                feature and, when the version has been checked before, drift and live quality over time. It \
                loads nothing from the network.
                """)

        @OptionGroup var globals: GlobalOptions

        @OptionGroup var sources: DriftSources

        @Option(help: "Where to write the HTML.", completion: .file())
        var output: String

        func run(in context: CommandContext) async throws {
            let written = try repository(context).writeDriftReport(
                try sources.options(context), to: output, workingDirectory: directory(context),
                generated: context.now())
            try self.output(context).render(written) { style in
                "Wrote \(output) (\(ByteCount.format(Int64(written.bytes)))): "
                    + (written.drifted ? style.red("drift") : style.green("no drift"))
                    + " in \(written.driftedFeatures) of \(written.features) features.\n"
            }
        }
    }
}

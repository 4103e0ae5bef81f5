import ArgumentParser
import MLOpsCore
import MLOpsLearn

extension MLOps {
    struct Tune: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "tune",
            abstract: "Search hyperparameters with k-fold cross-validation; each configuration is a trial run.",
            discussion: """
                Grid search tries every combination of --grid lists; with --trials N, random search draws N \
                configurations from --grid lists and --random ranges (low:high, or low:high:log), seeded by the \
                seed parameter. Each configuration is scored by --folds-fold cross-validation on the training \
                rows (both cores) and recorded as a trial run under one tune run; the best trial is tagged \
                best=true, and the best configuration is retrained on all training rows, evaluated on the \
                held-out rows and stored as the tune run's model (usable as `mlops predict run:<tune run>`).
                """)

        @OptionGroup var globals: GlobalOptions

        @Option(help: "The data file (CSV or .jsonl).", completion: .file())
        var data: String

        @Option(help: "The column to predict.")
        var target: String

        @Option(help: "The learner: gbdt, linear, logistic or forest.")
        var model: Learner = .gbdt

        @Option(
            name: .customLong("grid"),
            help: ArgumentHelp("Values to try, as name=v1,v2,… (repeatable).", valueName: "name=values"))
        var grid: [String] = []

        @Option(
            name: .customLong("random"),
            help: ArgumentHelp("A range to sample, as name=low:high[:log] (repeatable).", valueName: "name=range"))
        var ranges: [String] = []

        @Option(
            help: "A YAML file of dimensions: name: [values] or name: {low: …, high: …, log: true}.",
            completion: .file())
        var space: String?

        @Option(help: "Random search with this many configurations (default: the full grid).")
        var trials: Int?

        @Option(help: "Cross-validation folds.")
        var folds = 5

        @Option(
            help: ArgumentHelp(
                """
                How folds are cut: kfold (seeded; the default), or time:COLUMN, expanding windows in that column's \
                order, as scikit-learn's TimeSeriesSplit (each fold validates on rows later than every row it \
                trains on; the hold-out is then by time too, unless --split or --validation says otherwise).
                """, valueName: "kfold|time:column"))
        var cv = "kfold"

        @Option(help: "For --cv time:COLUMN, rows left out between each fold's training and validation rows.")
        var gap = 0

        @Option(help: "The metric that ranks configurations (default: rmse, or log_loss for classification).")
        var metric: String?

        @OptionGroup var columns: ModelColumns

        @OptionGroup var settings: TrainingSettings

        @Option(help: "The tune run's name.")
        var name: String?

        func validate() throws {
            guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
            guard gap >= 0 else { throw ValidationError("--gap must be 0 or more rows") }
            guard cv == "kfold" || (cv.hasPrefix("time:") && cv.count > 5) else {
                throw ValidationError("--cv is kfold or time:COLUMN, not '\(cv)'")
            }
            if gap > 0, !cv.hasPrefix("time:") { throw ValidationError("--gap needs --cv time:COLUMN") }
            if !ranges.isEmpty && trials == nil {
                throw ValidationError("--random ranges need random search: add --trials N")
            }
        }

        func run(in context: CommandContext) async throws {
            var training = TrainOptions(data: data, target: target, model: model, name: name)
            try columns.apply(to: &training)
            try settings.apply(to: &training)
            let space =
                try (self.space.map { try SearchDimension.load(yaml: path($0, context)) } ?? [])
                + (grid + ranges).map(SearchDimension.parse)
            var options = TuneOptions(training: training, space: space, randomTrials: trials)
            options.folds = folds
            options.crossValidation = cv == "kfold" ? .random : try SplitMethod(parsing: cv)
            // Time-series folds with a random hold-out would measure the chosen model on rows from the past.
            if options.crossValidation != .random, settings.split == nil, settings.validation == nil {
                options.training.split = options.crossValidation
            }
            options.gap = gap
            options.metric = metric
            let repository = try repository(context)
            let outcome = try withProgress(context) {
                try repository.tune(options, workingDirectory: directory(context), progress: $0)
            }
            try output(context).render(outcome) { style in
                let kind = cv == "kfold" ? "\(folds)-fold" : "\(folds) time-series folds of"
                var text = "Tried \(outcome.trials.count) configurations with \(kind) cross-validation in "
                text +=
                    String(format: "%.1f s", outcome.durationSeconds) + " (tune run \(style.bold(outcome.runId))).\n"
                var table = TextTable(header: ["TRIAL", "CV " + outcome.metric.uppercased()] + space.map(\.name))
                for trial in outcome.trials.prefix(10) {
                    let row =
                        [String(trial.runId.prefix(RunID.displayLength)), MetricText.format(trial.score)]
                        + space.map { trial.params[$0.name] ?? "" }
                    table.append(trial.runId == outcome.bestRunId ? row.map(style.green) : row)
                }
                text += table.rendered(style: style)
                text +=
                    "Best: "
                    + outcome.bestParams.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                        separator: " ")
                text +=
                    "; held-out "
                    + outcome.holdoutMetrics.sorted { $0.key < $1.key }.map {
                        "\($0.key) \(MetricText.format($0.value))"
                    }
                    .joined(separator: ", ") + ".\n"
                return text
            }
        }
    }
}

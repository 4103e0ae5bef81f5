import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsLearn

extension Learner: ExpressibleByArgument {
    /// Only the learners mlops trains are accepted (not `onnx`, the learner of registered ONNX models).
    public init?(argument: String) {
        guard let learner = Learner(rawValue: argument), Learner.trainable.contains(learner) else { return nil }
        self = learner
    }

    public static var allValueStrings: [String] { trainable.map(\.rawValue) }
}

extension MLOps {
    struct Train: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train a model on a data file as a tracked run.",
            discussion: """
                Reads the data (CSV or JSON Lines), holds out --test-fraction of the rows (seeded by the seed \
                parameter; the latest by a time column with --split time:COLUMN; or a whole --validation file), trains, evaluates on the held-out rows, stores the model in the object store and \
                records a run: parameters, metrics (for gbdt the learning curve per round as steps), the data's \
                object id and pointer, the git commit and dirty flag, the host and the duration. Options given on \
                the command line override those of --config. Parameters per learner: `mlops train --list-params`.
                """)

        @OptionGroup var globals: GlobalOptions

        @Option(help: "The data file (CSV or .jsonl).", completion: .file())
        var data: String?

        @Option(help: "The column to predict.")
        var target: String?

        @Option(help: "The learner: gbdt, linear, logistic or forest.")
        var model: Learner?

        @OptionGroup var columns: ModelColumns

        @OptionGroup var settings: TrainingSettings

        @Option(
            help: """
                A YAML file with data, target, model, params, features, categorical, test_fraction, split, \
                validation, name, schema.
                """,
            completion: .file())
        var config: String?

        @Option(help: "The run's name.")
        var name: String?

        @Option(help: "Training threads (default: every core); the model is the same for any count.")
        var threads: Int?

        @Flag(help: "List every learner's parameters with their defaults and ranges, then exit.")
        var listParams = false

        func validate() throws {
            if let threads, threads < 1 { throw ValidationError("--threads needs at least 1") }
        }

        func run(in context: CommandContext) async throws {
            if listParams {
                try output(context).render(Self.parameterTable()) { _ in Self.describeParameters() }
                return
            }
            let repository = try repository(context)
            let options = try resolvedOptions(context)
            let outcome = try withProgress(context) {
                try repository.train(options, workingDirectory: directory(context), threads: threads, progress: $0)
            }
            for warning in outcome.warnings { output(context).note("warning: " + warning) }
            try output(context).render(outcome) { style in
                var text =
                    "Trained \(outcome.learner.rawValue) (\(outcome.task.rawValue)) on \(outcome.trainRows) rows, "
                text +=
                    outcome.testRows == 0
                    ? "held out none (--test-fraction 0) in \(String(format: "%.2f", outcome.durationSeconds)) s: "
                        + "no held-out metrics exist; measure it with `mlops eval` on other data.\n"
                    : "evaluated on \(outcome.testRows) in \(String(format: "%.2f", outcome.durationSeconds)) s.\n"
                text += "run:   \(style.bold(outcome.runId))\nmodel: \(outcome.modelOid)\n"
                var table = TextTable()
                for (name, value) in outcome.metrics.sorted(by: { $0.key < $1.key }) {
                    table.append(["  " + name, MetricText.format(value)])
                }
                return text + table.rendered(style: style)
            }
        }

        private func resolvedOptions(_ context: CommandContext) throws -> TrainOptions {
            var options: TrainOptions
            if let config {
                options = try TrainOptions.load(yaml: path(config, context))
                // Paths in the configuration are relative to the configuration file.
                let base = (path(config, context) as NSString).deletingLastPathComponent
                options.data = WorkspacePath.absolute(options.data, relativeTo: base)
                options.validation = options.validation.map { WorkspacePath.absolute($0, relativeTo: base) }
                options.schema = options.schema.map { WorkspacePath.absolute($0, relativeTo: base) }
            } else {
                guard let data, let target else {
                    throw ValidationError("give --data and --target (or a --config file that names them)")
                }
                options = TrainOptions(data: data, target: target)
            }
            if let data { options.data = data }
            if let target { options.target = target }
            if let model { options.model = model }
            try columns.apply(to: &options)
            if let name { options.name = name }
            try settings.apply(to: &options)
            return options
        }

        struct ParameterRow: Encodable {
            var learner: String
            var name: String
            var defaultValue: String
            var summary: String
        }

        static func parameterTable() -> [ParameterRow] {
            Learner.trainable.flatMap { learner in
                learner.parameterSpecs.map {
                    ParameterRow(
                        learner: learner.rawValue, name: $0.name, defaultValue: $0.defaultValue.description,
                        summary: $0.summary)
                }
            }
        }

        static func describeParameters() -> String {
            var text = ""
            for learner in Learner.trainable {
                text += "\(learner.rawValue):\n"
                var table = TextTable()
                for spec in learner.parameterSpecs {
                    table.append(["  " + spec.name, spec.defaultValue.description, spec.summary])
                }
                text += table.rendered(style: TextStyle(enabled: false))
            }
            return text
        }
    }
}

import ArgumentParser
import MLOpsCore

extension MLOps {
    struct Predict: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "predict",
            abstract: "Score a data file with a registered model version or a run's model.",
            discussion: """
                Writes CSV with one row per input row, in input order: predicted_<target> and, for classifiers, \
                probability_<class> for each class. Without --output the CSV goes to standard output. With \
                --bundle, the model comes from an exported bundle (verified first) and no repository is needed.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(
            help: "The model: name@version, name@alias, name@latest, or run:<id> (a unique id prefix is enough).",
            completion: .repository(.model))
        var model: String?

        @Option(
            help: ArgumentHelp("Score with the model of a bundle file instead.", valueName: "file"),
            completion: .file(extensions: ["gz", "tgz"]))
        var bundle: String?

        @Option(help: "The data file (CSV or .jsonl) with the model's feature columns.", completion: .file())
        var data: String

        @Option(help: "Where to write the predictions (CSV).", completion: .file())
        var output: String?

        func validate() throws {
            guard (model == nil) != (bundle == nil) else {
                throw ValidationError("name a model or give --bundle <file> (one of them)")
            }
        }

        func run(in context: CommandContext) async throws {
            let result: (summary: PredictionSummary, csv: String?)
            let directory = directory(context)
            if let bundle {
                result = try VerifiedBundle.predict(
                    bundle: bundle, data: data, output: output, workingDirectory: directory)
            } else {
                result = try repository(context).predict(
                    model: model ?? "", data: data, output: output, workingDirectory: directory)
            }
            let model = result.summary.model
            if let csv = result.csv, !globals.json {
                context.standardOutput.write(csv)
                return
            }
            try self.output(context).render(result.summary) { _ in
                "Wrote \(result.summary.rows) predictions to \(output ?? "-") (model \(model)).\n"
            }
        }
    }
}

import ArgumentParser
import MLOpsCore
import MLOpsErrors

extension MLOps {
    struct Eval: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Evaluate a model on labelled data and check quality gates (for CI).",
            discussion: """
                Computes every metric of the model's task and records an eval run linked to the model and the \
                data. Gates: --gate 'rmse < 3.5' holds a metric to a threshold; --baseline production \
                --max-regression rmse=2% allows the metric to be at most 2% worse than the version the alias \
                points at (errors: higher is worse; R², accuracy, F1, AUC: lower is worse). When a gate fails, \
                the report names it and by how much, and mlops exits with status 3 (gate-failed).
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(
            help: "The model: name@version, name@alias, name@latest, or run:<id>.", completion: .repository(.model))
        var model: String

        @Option(
            help: "The labelled data file (CSV or .jsonl) with the model's features and target.", completion: .file())
        var data: String

        @Option(
            name: .customLong("gate"),
            help: ArgumentHelp("A gate such as 'rmse < 3.5' (repeatable).", valueName: "gate"))
        var gates: [String] = []

        @Option(help: "The version to compare with: an alias of this model (production) or a model reference.")
        var baseline: String?

        @Option(
            name: .customLong("max-regression"),
            help: ArgumentHelp(
                "How much worse than the baseline a metric may be, as metric=2% (repeatable).",
                valueName: "metric=percent"))
        var maxRegressions: [String] = []

        @OptionGroup var categorical: CategoricalColumns

        func validate() throws {
            if !maxRegressions.isEmpty && baseline == nil {
                throw ValidationError(
                    "--max-regression needs a --baseline to compare with, such as --baseline production")
            }
        }

        func run(in context: CommandContext) async throws {
            var options = EvaluationOptions(model: model, data: data)
            options.gates = try gates.map { gate in
                try OptionValue.parse("--gate", example: "--gate 'rmse < 3.5'") { try QualityGate(parsing: gate) }
            }
            options.baseline = baseline
            options.maxRegressions = try maxRegressions.map { limit in
                try OptionValue.parse("--max-regression", example: "--max-regression rmse=2%") {
                    try RegressionLimit(parsing: limit)
                }
            }
            options.categorical = categorical.columns
            let report = try repository(context).evaluate(options, workingDirectory: directory(context))
            try output(context).render(report) { style in
                var text =
                    "Evaluated \(model) on \(report.rows) rows (eval run \(report.runId.prefix(RunID.displayLength))).\n"
                var table = TextTable(
                    header: report.baseline.map { ["METRIC", "VALUE", $0.reference.uppercased()] } ?? [
                        "METRIC", "VALUE",
                    ])
                for (name, value) in report.metrics.sorted(by: { $0.key < $1.key }) {
                    table.append(
                        ["  " + name, MetricText.format(value)]
                            + (report.baseline.map { [$0.metrics[name].map(MetricText.format) ?? "-"] } ?? []))
                }
                text += table.rendered(style: style)
                for gate in report.gates {
                    let verdict = gate.passed ? style.green("pass") : style.red("FAIL")
                    text +=
                        "\(verdict)  \(gate.gate)  (\(gate.metric) = \(MetricText.format(gate.value)), limit \(MetricText.format(gate.limit)))\n"
                }
                return text
            }
            if !report.passed {
                throw ReportedFailure(
                    error: MLOpsError(.gateFailed, "quality gate failed: " + report.failures.joined(separator: "; ")))
            }
        }
    }
}

import ArgumentParser
import MLOpsCore
import MLOpsErrors

extension MLOps {
    struct RunCommand: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run any command as a tracked run.",
            discussion: """
                Records the parameters file and inputs, runs the command with MLOPS_RUN_ID and MLOPS_REPOSITORY \
                in its environment (so it can call `mlops log metric …`), then records its exit status, the \
                metrics file it wrote (a JSON object of numbers) and its outputs (stored as artifacts). mlops \
                exits with the command's exit status.
                """)

        @OptionGroup var globals: GlobalOptions

        @Option(help: "The run's name.")
        var name: String?

        @Option(help: "A YAML or JSON file of parameters the command reads.", completion: .file())
        var params: String?

        @Option(help: "A JSON file of metrics the command writes.", completion: .file())
        var metrics: String?

        @Option(
            name: .customLong("input"), help: "A file the command reads, recorded with its object id (repeatable).",
            completion: .file())
        var inputs: [String] = []

        @Option(
            name: .customLong("output"), help: "A file the command writes, stored as an artifact (repeatable).",
            completion: .file())
        var outputs: [String] = []

        @Argument(parsing: .postTerminator, help: "The command, after --.")
        var command: [String] = []

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            var options = ExternalRunOptions(command: command, name: name, paramsFile: params, metricsFile: metrics)
            options.inputs = inputs
            options.outputs = outputs
            let outcome = try repository.runExternal(
                options, workingDirectory: directory(context), environment: context.environment)
            try output(context).render(outcome) { style in
                let status =
                    outcome.status == .finished
                    ? style.green(outcome.status.rawValue) : style.red(outcome.status.rawValue)
                var text = "Run \(style.bold(outcome.runId)) \(status) (exit \(outcome.exitStatus)) in "
                text += String(format: "%.2f s", outcome.durationSeconds) + ".\n"
                for (name, value) in outcome.metrics.sorted(by: { $0.key < $1.key }) {
                    text += "  \(name) \(MetricText.format(value))\n"
                }
                return text
            }
            if outcome.status != .finished {
                throw ExitCode(
                    Int32(truncatingIfNeeded: outcome.status == .killed ? 128 + outcome.exitStatus : outcome.exitStatus)
                )
            }
        }
    }
}

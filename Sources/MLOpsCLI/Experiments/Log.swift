import ArgumentParser
import MLOpsCore
import MLOpsErrors

extension MLOps {
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Record metrics, parameters or artifacts of a run (from scripts, or inside `mlops run`).",
            discussion: "The run is --run, else MLOPS_RUN_ID (which `mlops run` sets for the command it runs).",
            subcommands: [Metric.self, Param.self, Artifact.self])
    }
}

/// The run a `log` command records into: `--run`, else `MLOPS_RUN_ID`.
struct RunSelection: ParsableArguments {
    @Option(name: .customLong("run"), help: "The run (default: $MLOPS_RUN_ID).")
    var run: String?

    /// The run as given (an id or a unique prefix); the store resolves it.
    func reference(in context: CommandContext) throws -> String {
        guard let reference = run ?? context.environment[Repository.runEnvironmentVariable] else {
            throw MLOpsError(
                .usage, "no run to record into", hint: "pass --run <id>, or call this inside `mlops run -- <command>`")
        }
        return reference
    }
}

extension MLOps.Log {
    struct Metric: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "metric", abstract: "Record a metric value (at a step).")

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var selection: RunSelection

        @Argument(help: "The metric's name.")
        var key: String

        @Argument(help: "Its value.")
        var value: Double

        @Option(help: "The step (iteration, epoch) of this value.")
        var step = 0

        func run(in context: CommandContext) async throws {
            let id = try repository(context).runs.logMetrics(
                [key: value], step: step, run: try selection.reference(in: context))
            try output(context).render(["run": id]) { _ in "" }
        }
    }

    struct Param: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "param", abstract: "Record a parameter.")

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var selection: RunSelection

        @Argument(help: "The parameter's name.")
        var key: String

        @Argument(help: "Its value.")
        var value: String

        func run(in context: CommandContext) async throws {
            let id = try repository(context).runs.logParams([key: value], run: try selection.reference(in: context))
            try output(context).render(["run": id]) { _ in "" }
        }
    }

    struct Artifact: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "artifact", abstract: "Store a file as an artifact of a run.")

        @OptionGroup var globals: GlobalOptions
        @OptionGroup var selection: RunSelection

        @Argument(help: "The file.", completion: .file())
        var path: String

        @Option(help: "The artifact's name (default: the path as given).")
        var name: String?

        func run(in context: CommandContext) async throws {
            let reference = try selection.reference(in: context)
            let artifact = try repository(context).logArtifact(
                name ?? path, file: self.path(path, context), run: reference)
            try output(context).render(["run": artifact.run, "oid": artifact.oid.description]) { _ in
                "Stored \(path) as \(artifact.oid).\n"
            }
        }
    }
}

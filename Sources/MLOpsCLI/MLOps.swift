import ArgumentParser
import MLOpsCore

/// The root `mlops` command: git-style verbs for data at the top level, nouns for the rest.
struct MLOps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlops",
        abstract: "Version data, train, evaluate, register, serve and monitor models, inside your git repository.",
        discussion: """
            State lives in .mlops/ at the repository root: a content-addressed object store and a SQLite \
            database. Every command that reports takes --json (standard output then holds only the JSON \
            payload). Run `mlops help exit-codes` for the exit statuses scripts can rely on.

            EXIT STATUS
            \(ExitStatus.renderedTable)
            """,
        version: ToolVersion.description,
        groupedSubcommands: [
            CommandGroup(name: "Repository", subcommands: [Init.self]),
            CommandGroup(
                name: "Data versioning",
                subcommands: [
                    Add.self, Status.self, Checkout.self, Diff.self, List.self, Remove.self, Move.self,
                    Commit.self, GarbageCollect.self, Check.self,
                ]),
            CommandGroup(
                name: "Experiments",
                subcommands: [Train.self, Tune.self, Predict.self, RunCommand.self, Runs.self, Log.self]),
            CommandGroup(name: "Data validation", subcommands: [Validate.self, SchemaGroup.self]),
            CommandGroup(
                name: "Evaluation and registry", subcommands: [Eval.self, ModelGroup.self, Export.self, Import.self]),
            CommandGroup(name: "Pipelines", subcommands: [Repro.self, Dag.self, Params.self, Metrics.self]),
            CommandGroup(name: "Lineage and reproduction", subcommands: [Lineage.self, Reproduce.self]),
            CommandGroup(
                name: "Remotes and git", subcommands: [RemoteGroup.self, Push.self, Fetch.self, Pull.self, Hooks.self]),
            CommandGroup(name: "Serving and monitoring", subcommands: [Serve.self, MonitorGroup.self, UI.self]),
        ]
    )
}

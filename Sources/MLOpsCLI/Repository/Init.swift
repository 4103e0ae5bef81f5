import ArgumentParser
import MLOpsCore

extension MLOps {
    struct Init: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create an mlops repository in the current directory.",
            discussion: """
                Creates .mlops/ with config.yaml (committed), the metadata database and the object cache. \
                Running it in an existing repository changes nothing.
                """)

        @OptionGroup var globals: GlobalOptions

        func run(in context: CommandContext) async throws {
            let result = try Repository.initialize(at: directory(context))
            try output(context).render(result) { style in
                result.created
                    ? "Initialized an empty mlops repository in \(style.bold(result.root))/.mlops\n"
                        + style.dim("Track data with `mlops add <path>` and commit .mlops/config.yaml to git.") + "\n"
                    : "An mlops repository already exists in \(result.root)/.mlops; nothing changed.\n"
            }
        }
    }
}

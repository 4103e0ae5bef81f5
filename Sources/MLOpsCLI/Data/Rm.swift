import ArgumentParser
import MLOpsCore

extension MLOps {
    struct Remove: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Stop tracking data; the files stay in the workspace.",
            discussion: "Removes the pointer files and .gitignore entries. The cache keeps the data until `mlops gc`.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "Tracked paths to stop tracking.", completion: .file())
        var paths: [String]

        func run(in context: CommandContext) async throws {
            let removed = try repository(context).untrack(paths, relativeTo: directory(context))
            try output(context).render(["untracked": removed]) { _ in
                removed.map { "untracked \($0)\n" }.joined()
            }
        }
    }
}

import ArgumentParser
import MLOpsCore

extension MLOps {
    struct Checkout: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkout",
            abstract: "Restore tracked data in the workspace from the cache.",
            discussion: """
                Makes the workspace match the pointer files. Every object is verified while it is written, and \
                each file is replaced atomically. Refuses, changing nothing, when local changes that are not in \
                the cache would be lost; --force discards them. With --rev, the data is made as a git revision                 records it, read from git's objects (the pointer files in the work tree stay as they are).
                """)

        @OptionGroup var globals: GlobalOptions

        @Flag(name: .shortAndLong, help: "Overwrite local changes that are not in the cache.")
        var force = false

        @Option(help: "A git revision (branch, tag, HEAD~2, commit) whose recorded data to check out.")
        var rev: String?

        @Argument(help: "Tracked paths to restore (default: all).", completion: .file())
        var paths: [String] = []

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let result = try withProgress(context) {
                try repository.checkout(
                    paths.isEmpty ? nil : paths, relativeTo: directory(context), force: force, revision: rev,
                    progress: $0)
            }
            try output(context).render(result) { style in
                var text = result.restored.map { style.green("restored") + " " + $0 + "\n" }.joined()
                text += result.removed.map { style.red("removed") + "  " + $0 + "\n" }.joined()
                if result.restored.isEmpty && result.removed.isEmpty {
                    text += "Workspace already matches the pointers.\n"
                }
                return text
            }
        }
    }
}

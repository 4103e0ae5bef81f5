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
                    paths.isEmpty ? nil : paths, relativeTo: directory(context), force: force, revision: rev, progress: $0)
            }
            try output(context).render(result) { style in
                var text = result.restored.map { style.green("restored") + " " + $0 + "\n" }.joined()
                text += result.removed.map { style.red("removed") + "  " + $0 + "\n" }.joined()
                if result.restored.isEmpty && result.removed.isEmpty { text += "Workspace already matches the pointers.\n" }
                return text
            }
        }
    }

    struct List: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List tracked files and directories.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "Paths to list (default: everything tracked).", completion: .file())
        var paths: [String] = []

        func run(in context: CommandContext) async throws {
            let entries = try repository(context).list(paths.isEmpty ? nil : paths, relativeTo: directory(context))
            try output(context).render(["tracked": entries]) { style in
                guard !entries.isEmpty else { return "No tracked data. Track files with `mlops add <path>`.\n" }
                var table = TextTable(header: ["PATH", "KIND", "SIZE", "FILES", "OID", "STATE"])
                for entry in entries {
                    let state =
                        !entry.cached ? style.yellow("not in cache") : (entry.present ? "ok" : style.red("missing"))
                    table.append([
                        entry.path, entry.kind.rawValue, ByteCount.format(entry.size), entry.files.map(String.init) ?? "-",
                        style.dim(entry.oid.abbreviated()), state,
                    ])
                }
                return table.rendered(style: style)
            }
        }
    }

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

    struct Move: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "mv", abstract: "Move or rename tracked data together with its pointer file.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The tracked path to move.", completion: .file())
        var source: String

        @Argument(help: "The new path, or an existing directory to move into.", completion: .file())
        var destination: String

        func run(in context: CommandContext) async throws {
            let moved = try repository(context).move(source, to: destination, relativeTo: directory(context))
            try output(context).render(["from": source, "to": moved]) { _ in "moved \(source) → \(moved)\n" }
        }
    }
}

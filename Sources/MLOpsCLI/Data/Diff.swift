import ArgumentParser
import MLOpsCore
import MLOpsErrors

extension MLOps {
    struct Diff: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show tracked-data changes file by file, with object ids and sizes.",
            discussion: """
                Without revisions, compares the workspace with the pointer files. `mlops diff <rev>` compares the                 data recorded at a git revision (branch, tag, HEAD~2, commit) with the pointer files in the work                 tree, `mlops diff <rev> <rev>` two revisions: pointer files are read from git's objects, the work                 tree is not touched. Paths may follow the revisions.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "Up to two git revisions, then tracked paths to compare (default: all).", completion: .file())
        var arguments: [String] = []

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let directory = directory(context)
            // Leading arguments that are git revisions and not workspace paths select revision mode, as in git.
            var revisions: [String] = []
            for argument in arguments.prefix(2) {
                guard FileSnapshot.take(path(argument, context)) == nil, repository.isGitRevision(argument)
                else { break }
                revisions.append(argument)
            }
            let paths = Array(arguments.dropFirst(revisions.count))
            let changes: [FileChange]
            if let first = revisions.first {
                changes = try repository.diff(
                    from: first, to: revisions.count > 1 ? revisions[1] : nil, paths: paths.isEmpty ? nil : paths,
                    relativeTo: directory)
            } else {
                changes = try withProgress(context) {
                    try repository.status(paths.isEmpty ? nil : paths, relativeTo: directory, progress: $0)
                }.changes
            }
            try output(context).render(["changes": changes]) { style in
                guard !changes.isEmpty else { return "" }
                var table = TextTable(header: ["CHANGE", "PATH", "OLD", "NEW"])
                for change in changes {
                    let describe: (FileChange.Version?) -> String = { version in
                        version.map { "\($0.oid.abbreviated(8)) \(ByteCount.format($0.size))" } ?? "-"
                    }
                    let label: String
                    switch change.kind {
                    case .added: label = style.green("added")
                    case .modified: label = style.yellow("modified")
                    case .deleted: label = style.red("deleted")
                    }
                    table.append([label, change.path, describe(change.old), describe(change.new)])
                }
                return table.rendered(style: style)
            }
        }
    }
}

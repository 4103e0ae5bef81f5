import ArgumentParser
import MLOpsCore

extension MLOps {
    struct Add: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Track files or directories: store their content and write <path>.mlops pointers.",
            discussion: """
                Hashes each path (SHA-256) and stores its bytes in the cache in one pass, writes a small \
                <path>.mlops pointer file to commit to git, and adds the data itself to .gitignore. Directories \
                are tracked as a whole. Re-adding changed data records the new version; unchanged files are \
                not read again. Quote glob patterns to let mlops expand them: mlops add 'data/*.csv'.
                """)

        @OptionGroup var globals: GlobalOptions

        @Option(name: .customLong("desc"), help: "A description stored in the pointer file.")
        var description: String?

        @Argument(help: "Files, directories or quoted glob patterns to track.", completion: .file())
        var paths: [String]

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let added = try withProgress(context) {
                try repository.add(paths, relativeTo: directory(context), description: description, progress: $0)
            }
            try output(context).render(["targets": added]) { style in
                var table = TextTable()
                for target in added {
                    let what = target.kind == .dir ? "\(target.files ?? 0) files, " : ""
                    table.append([
                        target.changed ? style.green("added") : style.dim("unchanged"), target.path,
                        "\(what)\(ByteCount.format(target.size))", style.dim(target.oid.abbreviated()),
                    ])
                }
                let changed = added.filter(\.changed)
                let gitignores = Set(changed.map { WorkspacePath.join(WorkspacePath.parent($0.path), ".gitignore") })
                    .sorted()
                let files = changed.map { $0.path + PointerFile.suffix } + gitignores
                let hint =
                    changed.isEmpty
                    ? "" : style.dim("Commit the pointers: git add \(files.joined(separator: " "))") + "\n"
                return table.rendered(style: style) + hint
            }
        }
    }

    struct Commit: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "commit",
            abstract: "Record changes to tracked data (all targets, or the given ones).",
            discussion: "Like `git commit -a` for data: re-adds every tracked target whose content changed.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "Tracked paths to record (default: all).", completion: .file())
        var paths: [String] = []

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let recorded = try withProgress(context) {
                try repository.commit(paths.isEmpty ? nil : paths, relativeTo: directory(context), progress: $0)
            }
            let changed = recorded.filter(\.changed)
            try output(context).render(["targets": recorded]) { style in
                guard !changed.isEmpty else { return "Nothing to commit; tracked data is unchanged.\n" }
                return changed.map { "\(style.green("recorded")) \($0.path) \(style.dim($0.oid.abbreviated()))\n" }
                    .joined()
            }
        }
    }
}

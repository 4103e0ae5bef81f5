import ArgumentParser
import MLOpsCore

extension MLOps {
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
                        entry.path, entry.kind.rawValue, ByteCount.format(entry.size),
                        entry.files.map(String.init) ?? "-",
                        style.dim(entry.oid.abbreviated()), state,
                    ])
                }
                return table.rendered(style: style)
            }
        }
    }
}

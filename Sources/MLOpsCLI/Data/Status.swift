import ArgumentParser
import MLOpsCore
import MLOpsErrors

extension MLOps {
    struct Status: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show how tracked data in the workspace differs from its pointer files.",
            discussion: """
                Lists files modified, added or deleted inside tracked targets, targets missing from the workspace, \
                and targets whose data is not in the local cache. Only files whose size or timestamps changed are \
                read. With --exit-code, exits with status 2 when there are changes (for scripts and git hooks).
                """)

        @OptionGroup var globals: GlobalOptions

        @Flag(help: "Exit with status 2 (changes-found) when the workspace differs from the pointers.")
        var exitCode = false

        @Flag(help: "Compare the cache with a remote instead: what push and fetch would transfer.")
        var remote = false

        @Option(
            name: [.customShort("r"), .customLong("remote-name")],
            help: "The remote to compare with (implies --remote; default: the default remote).")
        var remoteName: String?

        @Argument(help: "Tracked paths to check (default: all).", completion: .file())
        var paths: [String] = []

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            if remote || remoteName != nil {
                let options = TransferOptions(
                    paths: paths.isEmpty ? nil : paths, workingDirectory: directory(context), remote: remoteName,
                    environment: context.environment)
                let report = try await repository.remoteStatus(options)
                try output(context).render(report) { style in Self.describe(report, style: style) }
                if exitCode && !report.inSync {
                    throw MLOpsError(.changesFound, "the cache and the remote '\(report.remote)' differ")
                }
                return
            }
            let status = try withProgress(context) {
                try repository.status(paths.isEmpty ? nil : paths, relativeTo: directory(context), progress: $0)
            }
            try output(context).render(status) { style in Self.describe(status, style: style) }
            if exitCode && !status.clean {
                throw MLOpsError(.changesFound, "tracked data has changes")
            }
        }

        static func describe(_ report: RemoteStatusReport, style: TextStyle) -> String {
            if report.inSync {
                guard report.records != nil else {
                    return
                        "The cache and the remote \(report.remote) agree on \(report.targets.count) tracked target(s).\n"
                }
                return "This clone and the remote \(report.remote) agree on \(report.targets.count - 2) tracked "
                    + "target(s), the registered models, the run artifacts and the records.\n"
            }
            var table = TextTable(header: ["PATH", "NOT PUSHED", "NOT FETCHED", "ON NEITHER"])
            for target in report.targets where target.notPushed + target.notFetched + target.lost > 0 {
                table.append([target.path, String(target.notPushed), String(target.notFetched), String(target.lost)])
            }
            var text = "Compared with the remote \(report.remote) (run `mlops push` / `mlops fetch`):\n"
            if !table.isEmpty { text += table.rendered(style: style) }
            if let records = report.records,
                records.runsNotPushed + records.eventsNotPushed + records.entriesNotFetched > 0
            {
                text +=
                    "Records: \(records.runsNotPushed) run(s) and \(records.eventsNotPushed) registry or run change(s) "
                    + "not pushed; \(records.entriesNotFetched) record log entr\(records.entriesNotFetched == 1 ? "y" : "ies") "
                    + "not fetched.\n"
            }
            return text
        }

        static func describe(_ status: WorkspaceStatus, style: TextStyle) -> String {
            if status.tracked == 0 && status.staleStages.isEmpty {
                return "No tracked data. Track files with `mlops add <path>`.\n"
            }
            var text = ""
            if !status.changes.isEmpty {
                text += "Changes not recorded (run `mlops commit` to record, `mlops checkout --force` to discard):\n"
                var table = TextTable()
                for change in status.changes {
                    let label: String
                    switch change.kind {
                    case .added: label = style.green("new:")
                    case .modified: label = style.yellow("modified:")
                    case .deleted: label = style.red("deleted:")
                    }
                    table.append(["   ", label, change.path])
                }
                text += table.rendered(style: style)
            }
            if !status.missing.isEmpty {
                text += "Missing from the workspace (run `mlops checkout` to restore):\n"
                text += status.missing.map { "    " + style.red("missing:") + " " + $0 + "\n" }.joined()
            }
            if !status.notInCache.isEmpty {
                text += "Not in the local cache (run `mlops pull` to fetch):\n"
                text += status.notInCache.map { "    " + $0 + "\n" }.joined()
            }
            if !status.staleStages.isEmpty {
                text += "Pipeline stages to run (run `mlops repro`):\n"
                var table = TextTable()
                for stage in status.staleStages {
                    table.append(["    " + style.yellow("stale:"), stage.stage, stage.reason])
                }
                text += table.rendered(style: style)
            }
            if status.clean && status.notInCache.isEmpty {
                text += "Tracked data is up to date (\(status.tracked) target\(status.tracked == 1 ? "" : "s")).\n"
            }
            return text
        }
    }
}

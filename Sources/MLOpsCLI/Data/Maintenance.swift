import ArgumentParser
import MLOpsCore
import MLOpsErrors

extension MLOps {
    struct GarbageCollect: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Remove cached objects that nothing in the workspace references.",
            discussion: """
                Keeps every object a pointer file in the workspace references (and, once they exist, those of \
                runs and registered models). Data referenced only by other git revisions is removed: push it to \
                a remote first if you need it.
                """)

        @OptionGroup var globals: GlobalOptions

        @Flag(name: .shortAndLong, help: "Only report what would be removed.")
        var dryRun = false

        func run(in context: CommandContext) async throws {
            let result = try repository(context).collectGarbage(dryRun: dryRun)
            try output(context).render(result) { style in
                let verb = result.dryRun ? "Would remove" : "Removed"
                let leftovers = result.removedTemporaryFiles
                return "\(verb) \(result.removedObjects) object\(result.removedObjects == 1 ? "" : "s") "
                    + "(\(ByteCount.format(result.removedBytes))); kept \(result.keptObjects).\n"
                    + (leftovers > 0
                        ? "Removed \(leftovers) leftover\(leftovers == 1 ? "" : "s") of interrupted commands.\n" : "")
            }
        }
    }

    struct Check: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "fsck",
            abstract: "Verify every cached object and pointer file.",
            discussion: """
                Rehashes every object in the cache, and checks that every pointer parses and that the objects it \
                references are present. Exits with status 7 (integrity) when anything is corrupt, missing or \
                invalid. With --repair, corrupt objects are moved to .mlops/quarantine/ and good copies of \
                everything tracked data lacks are fetched from the remote; the exit status then says whether the \
                cache is whole again.
                """)

        @OptionGroup var globals: GlobalOptions

        @Flag(help: "Set corrupt objects aside and fetch good copies (and missing objects) from the remote.")
        var repair = false

        @Option(
            name: .shortAndLong, help: "The remote to repair from (default: the default remote).",
            completion: .repository(.remote))
        var remote: String?

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            if repair { return try await runRepair(repository, context) }
            let report = try withProgress(context) { try repository.checkIntegrity(progress: $0) }
            try output(context).render(report) { style in
                var text = ""
                for id in report.corrupt { text += style.red("corrupt:") + " \(id)\n" }
                for missing in report.missing {
                    text += style.red("missing:") + " \(missing.oid) (\(missing.referencedBy))\n"
                }
                for pointer in report.invalidPointers {
                    text += style.red("invalid:") + " \(pointer.path): \(pointer.error)\n"
                }
                text += "Checked \(report.checkedObjects) objects (\(ByteCount.format(report.checkedBytes))): "
                text += report.clean ? style.green("no problems found") + ".\n" : style.red("problems found") + ".\n"
                return text
            }
            guard report.clean else {
                // The report above is the one JSON document; the error goes to standard error only.
                throw ReportedFailure(
                    error: MLOpsError(
                        .integrity,
                        "\(report.corrupt.count) corrupt, \(report.missing.count) missing, \(report.invalidPointers.count) invalid",
                        hint:
                            "set corrupt objects aside and fetch good copies with `mlops fsck --repair`, or re-add the data; fix pointers with `git checkout`"
                    ))
            }
        }

        private func runRepair(_ repository: Repository, _ context: CommandContext) async throws {
            let options = TransferOptions(
                paths: nil, workingDirectory: try directory(context), remote: remote, environment: context.environment)
            let report = try await withProgress(context) { try await repository.repair(options, progress: $0) }
            try output(context).render(report) { style in
                var text = ""
                for id in report.quarantined { text += style.yellow("quarantined:") + " \(id)\n" }
                if let fetched = report.fetched { text += fetched.summary("Fetched") }
                if let problem = report.fetchProblem { text += style.red("not fetched:") + " \(problem)\n" }
                for missing in report.stillMissing {
                    text += style.red("missing:") + " \(missing.oid) (\(missing.referencedBy))\n"
                }
                for pointer in report.found.invalidPointers {
                    text += style.red("invalid:") + " \(pointer.path): \(pointer.error)\n"
                }
                text +=
                    report.repaired && report.found.invalidPointers.isEmpty
                    ? style.green("The cache is whole") + ".\n" : style.red("Problems remain") + ".\n"
                return text
            }
            guard report.repaired, report.found.invalidPointers.isEmpty else {
                throw ReportedFailure(
                    error: MLOpsError(
                        .integrity,
                        "\(report.stillMissing.count) object(s) are still missing, \(report.found.invalidPointers.count) pointer(s) invalid",
                        hint: report.fetched == nil && report.fetchProblem == nil
                            ? "configure a remote that holds the data (`mlops remote add`), or re-add the data"
                            : "push the data from a clone that has it, or re-add it; fix pointers with `git checkout`"))
            }
        }
    }
}

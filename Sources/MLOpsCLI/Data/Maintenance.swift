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
                return "\(verb) \(result.removedObjects) object\(result.removedObjects == 1 ? "" : "s") "
                    + "(\(ByteCount.format(result.removedBytes))); kept \(result.keptObjects).\n"
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
                invalid.
                """)

        @OptionGroup var globals: GlobalOptions

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let report = try withProgress(context) { try repository.checkIntegrity(progress: $0) }
            try output(context).render(report) { style in
                var text = ""
                for id in report.corrupt { text += style.red("corrupt:") + " \(id)\n" }
                for missing in report.missing { text += style.red("missing:") + " \(missing.oid) (\(missing.referencedBy))\n" }
                for pointer in report.invalidPointers { text += style.red("invalid:") + " \(pointer.path): \(pointer.error)\n" }
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
                        hint: "restore damaged objects with `mlops pull` or by re-adding the data; fix pointers with `git checkout`"))
            }
        }
    }
}

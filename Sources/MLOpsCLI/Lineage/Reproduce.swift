import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsStore
import MLOpsErrors

extension MLOps {
    struct Reproduce: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "reproduce",
            abstract: "Rebuild a model (or a run's outputs) from its recorded commit and data, and compare.",
            discussion: """
                Checks out the run's git commit into a temporary directory (sharing the repository's git objects; \
                the work tree, the registry and the runs are only read), puts the data objects it read there \
                (from the cache, else fetched from the remote), and rebuilds: a train or tune run is trained \
                again from its recipe (learner, parameters, seed, columns, test fraction, schema), a pipeline \
                stage run's commands and an external run's command run again. Each object is compared byte for \
                byte with what the run recorded: exit 0 when identical, 12 when not (with both metrics and the \
                first difference in the model). Refused (exit 10 or 8) when the run cannot be reproduced: a \
                dirty work tree at training time, no commit, a commit or data object that cannot be found.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The model: name@version, name@alias, or run:<id>.", completion: .repository(.model))
        var model: String

        @Option(
            help: "The remote missing data objects are fetched from (default: the default remote).",
            completion: .repository(.remote))
        var remote: String?

        @Option(help: "Training threads (default: every core); the model is the same for any count.")
        var threads: Int?

        @Flag(help: "For a tune run: repeat the whole search and compare the configuration it chooses too.")
        var search = false

        func validate() throws {
            if let threads, threads < 1 { throw ValidationError("--threads needs at least 1") }
        }

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            var options = RebuildOptions()
            options.remote = remote
            options.environment = context.environment
            options.executable = context.executable
            options.threads = threads
            options.search = search
            let report = try await withProgress(context) {
                try await repository.rebuild(model, options: options, progress: $0)
            }
            try output(context).render(report) { style in Self.text(report, style: style) }
            if report.verdict == .different {
                throw ReportedFailure(
                    error: MLOpsError(
                        .notReproduced,
                        "\(model) was not reproduced: "
                            + report.comparisons.filter { !$0.identical }.map(\.name).joined(separator: ", ")
                            + " differ" + (report.firstDifference.map { " (first difference: \($0))" } ?? "")))
            }
        }

        private static func text(_ report: RebuildReport, style: TextStyle) -> String {
            var text =
                "Rebuilt \(report.subject) (\(report.kind.rawValue) run \(report.runId.prefix(RunID.displayLength))) at commit "
                + "\(report.commit.prefix(12)) in \(String(format: "%.2f", report.durationSeconds)) s"
                + (report.fetched > 0 ? ", \(report.fetched) object(s) fetched from the remote" : "") + ".\n"
            var table = TextTable(header: ["", "OBJECT", "RECORDED", "REBUILT"])
            for comparison in report.comparisons {
                table.append([
                    comparison.identical ? style.green("identical") : style.red("DIFFERENT"),
                    VisibleText.escaped(comparison.name),
                    VisibleText.escaped(ObjectID.abbreviated(comparison.recorded, 16)),
                    comparison.rebuilt.map { VisibleText.escaped(ObjectID.abbreviated($0, 16)) } ?? "(not written)",
                ])
            }
            text += table.rendered(style: style)
            if let difference = report.firstDifference {
                text += "First difference: \(VisibleText.escaped(difference))\n"
            }
            let names = Set(report.recordedMetrics.keys).union(report.rebuiltMetrics.keys).sorted()
            if !names.isEmpty {
                var metrics = TextTable(header: ["METRIC", "RECORDED", "REBUILT"])
                for name in names {
                    metrics.append([
                        VisibleText.escaped(name), report.recordedMetrics[name].map(MetricText.format) ?? "-",
                        report.rebuiltMetrics[name].map(MetricText.format) ?? "-",
                    ])
                }
                text += metrics.rendered(style: style)
            }
            for note in report.notes { text += "Note: \(VisibleText.escaped(note))\n" }
            let verdict = report.verdict == .identical ? style.green("identical") : style.red("different")
            return text + "\(report.subject): \(verdict).\n"
        }

    }
}

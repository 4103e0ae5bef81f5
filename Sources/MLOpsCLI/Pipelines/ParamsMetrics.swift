import ArgumentParser
import MLOpsCore

extension MLOps {
    struct Params: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "params",
            abstract: "Compare the pipeline's parameters with a git revision.", subcommands: [Diff.self])
    }

    struct Metrics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "metrics",
            abstract: "Show the pipeline's metrics, or compare them with a git revision.",
            subcommands: [Show.self, Diff.self])
    }
}

/// Renders parameter or metric changes as an aligned table.
enum ValueChangeTable {
    /// The changes as an aligned table, or with `markdown` as a Markdown table for a pull-request comment.
    static func render(_ changes: [ValueChange], revision: String, style: TextStyle, markdown: Bool) -> String {
        guard !changes.isEmpty else { return "No differences from \(markdown ? "`\(revision)`" : revision).\n" }
        var table = TextTable(
            header: markdown
                ? ["File", "Key", revision, "Workspace", "Change"]
                : ["FILE", "KEY", revision.uppercased(), "WORKSPACE", "CHANGE"])
        for change in changes {
            let delta = change.change.map { ($0 > 0 ? "+" : "") + MetricText.format($0) } ?? ""
            table.append([change.file, change.key, change.old ?? "-", change.new ?? "-", delta])
        }
        return markdown ? table.markdown() : table.rendered(style: style)
    }
}

/// `--md`: a command's table as Markdown, to paste into a pull-request comment.
struct MarkdownOption: ParsableArguments {
    @Flag(name: .customLong("md"), help: "Print the table as Markdown (for a pull-request comment).")
    var enabled = false
}

extension MLOps.Params {
    struct Diff: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "List parameters (params.yaml and the files stages name) that differ from a git revision.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The git revision to compare with.")
        var revision = "HEAD"

        @OptionGroup var markdown: MarkdownOption

        func validate() throws {
            if markdown.enabled, globals.json { throw ValidationError("give --md or --json, not both") }
        }

        func run(in context: CommandContext) async throws {
            let changes = try repository(context).paramsDiff(against: revision)
            try output(context).render(changes) {
                ValueChangeTable.render(changes, revision: revision, style: $0, markdown: markdown.enabled)
            }
        }
    }
}

extension MLOps.Metrics {
    struct Show: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show the metrics files the pipeline's stages write (in the workspace, or at --rev).")

        @OptionGroup var globals: GlobalOptions

        @Option(help: "A git revision to read them at.")
        var rev: String?

        func run(in context: CommandContext) async throws {
            let metrics = try repository(context).metrics(at: rev)
            try output(context).render(metrics) { style in
                guard !metrics.isEmpty else {
                    return "No metrics. Stages list the JSON files they write under `metrics:`.\n"
                }
                var table = TextTable(header: ["FILE", "METRIC", "VALUE"])
                for (file, values) in metrics.sorted(by: { $0.key < $1.key }) {
                    for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                        table.append([file, key, MetricText.format(value)])
                    }
                }
                return table.rendered(style: style)
            }
        }
    }

    struct Diff: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff", abstract: "List metrics that differ from a git revision.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The git revision to compare with.")
        var revision = "HEAD"

        @OptionGroup var markdown: MarkdownOption

        func validate() throws {
            if markdown.enabled, globals.json { throw ValidationError("give --md or --json, not both") }
        }

        func run(in context: CommandContext) async throws {
            let changes = try repository(context).metricsDiff(against: revision)
            try output(context).render(changes) {
                ValueChangeTable.render(changes, revision: revision, style: $0, markdown: markdown.enabled)
            }
        }
    }
}

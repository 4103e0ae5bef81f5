import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsErrors

extension RunStatus: ExpressibleByArgument {}

extension MLOps {
    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "runs",
            abstract: "List, inspect, compare, tag and delete tracked runs.",
            subcommands: [List.self, Show.self, Compare.self, Tag.self, Delete.self])
    }
}

extension MLOps.Runs {
    struct List: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List runs, most recent first.",
            discussion: """
                --where takes comparisons of metrics.<name>, params.<name>, name, status, kind, id, host or \
                commit with =, !=, <, <=, >, >= joined by and/or (and binds tighter) and parentheses, for \
                example: --where 'metrics.rmse < 3 and (params.max_leaves = 31 or params.max_leaves = 63)'. \
                Values that read as numbers compare as numbers.
                """)

        @OptionGroup var globals: GlobalOptions

        @Option(name: .customLong("where"), help: "Keep runs matching this expression.")
        var condition: String?

        @Option(help: "Keep runs with this name.")
        var name: String?

        @Option(
            help: """
                Keep runs with this status (running, finished, failed, failed_gate: a quality gate failed, killed, \
                dead: its process vanished).
                """)
        var status: RunStatus?

        @Option(help: "Keep runs started within this many hours.")
        var sinceHours: Double?

        @Option(help: "Sort by a field (started, name, metrics.<name>, params.<name>).")
        var sort = "started"

        @Flag(help: "Sort ascending (default: descending).")
        var ascending = false

        @Option(help: "Show at most this many runs.")
        var limit: Int?

        func run(in context: CommandContext) async throws {
            var listing = RunListing()
            listing.filter = try condition.map { condition in
                try OptionValue.parse("--where", example: "--where 'metrics.rmse < 3 and params.max_leaves = 31'") {
                    try RunFilter(condition)
                }
            }
            listing.name = name
            listing.status = status
            listing.since = sinceHours.map { context.now().addingTimeInterval(-$0 * 3600) }
            listing.sortKey = sort
            listing.descending = !ascending
            listing.limit = limit
            let runs = try repository(context).runs.list(listing)
            try output(context).render(runs) { style in
                guard !runs.isEmpty else { return "No runs. Train one with `mlops train`.\n" }
                // The four metrics most runs have (ties alphabetically), so the columns say the most.
                var counts: [String: Int] = [:]
                for run in runs { for key in run.metrics.keys { counts[key, default: 0] += 1 } }
                let metricNames = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .prefix(4).map(\.key)
                var table = TextTable(header: ["RUN", "NAME", "KIND", "STATUS", "STARTED"] + metricNames)
                let formatter = ISO8601DateFormatter()
                for run in runs {
                    let status = run.status == .finished ? run.status.rawValue : style.yellow(run.status.rawValue)
                    table.append(
                        [
                            String(run.id.prefix(RunID.displayLength)), run.name, run.kind.rawValue, status,
                            formatter.string(from: run.started),
                        ]
                            + metricNames.map { run.metrics[$0].map(MetricText.format) ?? "-" })
                }
                return table.rendered(style: style)
            }
        }
    }

    struct Show: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show everything recorded about a run: parameters, metrics, lineage and artifacts.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The run id (a unique prefix is enough).", completion: .repository(.run))
        var run: String

        func run(in context: CommandContext) async throws {
            let run = try repository(context).runs.run(self.run)
            try output(context).render(run) { style in
                var text = style.bold("run \(run.id)") + "  \(run.name)\n"
                var table = TextTable()
                table.append(["kind", run.kind.rawValue])
                table.append(["status", run.status.rawValue + (run.exitStatus.map { " (exit \($0))" } ?? "")])
                table.append(["started", ISO8601DateFormatter().string(from: run.started)])
                if let duration = run.durationSeconds {
                    table.append(["duration", String(format: "%.2f s", duration)])
                }
                table.append(["commit", (run.git.commit ?? "none") + (run.git.dirty ? " (dirty)" : "")])
                table.append(["host", run.host])
                table.append(["mlops", run.toolVersion])
                if let command = run.command { table.append(["command", command]) }
                if let parent = run.parent { table.append(["parent", parent]) }
                text += table.rendered(style: style)
                text += Self.section("params", run.params.sorted { $0.key < $1.key }.map { [$0.key, $0.value] }, style)
                text += Self.section(
                    "metrics",
                    run.metrics.sorted { $0.key < $1.key }.map { key, value in
                        let steps = run.history?[key]?.count ?? 1
                        return [key, MetricText.format(value)] + (steps > 1 ? ["(\(steps) steps)"] : [])
                    }, style)
                text += Self.section(
                    "gates",
                    run.gates.map { gate in
                        [
                            gate.gate, MetricText.format(gate.value), "limit " + MetricText.format(gate.limit),
                            gate.passed ? style.green("passed") : style.red("failed"),
                        ]
                    }, style)
                text += Self.section(
                    "inputs", run.inputs.map { [$0.path, $0.oid] + ($0.pointer.map { ["via \($0)"] } ?? []) }, style)
                text += Self.section("artifacts", run.artifacts.map { [$0.name, $0.oid] }, style)
                return text
            }
        }

        static func section(_ title: String, _ rows: [[String]], _ style: TextStyle) -> String {
            guard !rows.isEmpty else { return "" }
            var table = TextTable()
            for row in rows { table.append(["  " + row[0]] + row.dropFirst()) }
            return style.bold(title) + "\n" + table.rendered(style: style)
        }
    }

    struct Compare: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare",
            abstract: "Compare runs' parameters and metrics side by side; differing rows are highlighted.")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "Two or more run ids (unique prefixes are enough).", completion: .repository(.run))
        var runs: [String]

        func validate() throws {
            guard runs.count >= 2 else { throw ValidationError("give at least two runs to compare") }
        }

        struct Comparison: Encodable {
            var runs: [String]
            /// Per parameter, each run's value (nil where a run lacks it).
            var params: [String: [String?]]
            var metrics: [String: [Double?]]
            /// The parameters and metrics whose values differ between the runs.
            var differing: [String]
        }

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            let loaded = try runs.map { try repository.runs.run($0) }
            let paramNames = Set(loaded.flatMap(\.params.keys)).sorted()
            let metricNames = Set(loaded.flatMap(\.metrics.keys)).sorted()
            var comparison = Comparison(runs: loaded.map(\.id), params: [:], metrics: [:], differing: [])
            for name in paramNames {
                let values = loaded.map { $0.params[name] }
                comparison.params[name] = values
                if Set(values.map { $0 ?? "\u{0}" }).count > 1 { comparison.differing.append("params." + name) }
            }
            for name in metricNames {
                let values = loaded.map { $0.metrics[name] }
                comparison.metrics[name] = values
                if Set(values.map { $0.map(MetricText.format) ?? "-" }).count > 1 {
                    comparison.differing.append("metrics." + name)
                }
            }
            try output(context).render(comparison) { style in
                var table = TextTable(header: [""] + loaded.map { String($0.id.prefix(RunID.displayLength)) })
                table.append(["name"] + loaded.map(\.name))
                for name in paramNames {
                    let row = ["params." + name] + (comparison.params[name] ?? []).map { $0 ?? "-" }
                    table.append(comparison.differing.contains("params." + name) ? row.map(style.yellow) : row)
                }
                for name in metricNames {
                    let row =
                        ["metrics." + name] + (comparison.metrics[name] ?? []).map { $0.map(MetricText.format) ?? "-" }
                    table.append(comparison.differing.contains("metrics." + name) ? row.map(style.yellow) : row)
                }
                return table.rendered(style: style)
            }
        }
    }

    struct Tag: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "tag",
            abstract: "Attach tags (key=value) to a run, running or ended.",
            discussion: """
                Tags are the one thing an ended run may change. Once the run is on the default remote, its new tags \
                travel with the next push as a change of their own.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The run (an id or a unique prefix).", completion: .repository(.run))
        var run: String

        @Argument(help: "The tags, as key=value.")
        var tags: [String]

        func run(in context: CommandContext) async throws {
            let values = try Assignments.parse(tags, option: "a tag")
            let id = try repository(context).runs.tag(values, run: run)
            try output(context).render(["run_id": id]) { _ in
                "Tagged run \(id.prefix(RunID.displayLength)) with \(values.keys.sorted().joined(separator: ", ")).\n"
            }
        }
    }

    struct Delete: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete runs and their records (their stored objects become garbage for `mlops gc`).")

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "The runs to delete (ids or unique prefixes).", completion: .repository(.run))
        var runs: [String]

        func run(in context: CommandContext) async throws {
            let deleted = try repository(context).runs.delete(runs)
            try output(context).render(["deleted": deleted]) { _ in
                "Deleted \(deleted.count) run\(deleted.count == 1 ? "" : "s").\n"
            }
        }
    }
}

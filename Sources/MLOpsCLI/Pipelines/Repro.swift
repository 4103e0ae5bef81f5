import ArgumentParser
import Foundation
import MLOpsCore
import MLOpsErrors

extension MLOps {
    struct Repro: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "repro",
            abstract: "Bring the pipeline in mlops.yaml up to date, running only what changed.",
            discussion: """
                Runs stages in dependency order. A stage is skipped when its command, dependencies and parameters \
                match mlops.lock and its outputs are intact; restored from the run cache when that exact \
                combination ran before; run otherwise (as a tracked run, with its log in .mlops/logs). Outputs \
                are stored and tracked by pointer files; mlops.lock changes only when a stage succeeds. \
                Independent stages run in parallel with --jobs. Two repro processes may run at once: a stage \
                one of them is running makes the other wait.

                A stage that fails gets its previous outputs and metrics files back; what it wrote is kept in \
                .mlops/logs/<run>.outputs. A stage command that exits with 3 (what mlops eval, monitor check \
                and model promote exit with when a quality gate fails) failed a gate: its run ends failed_gate \
                and repro exits with 3, unless another stage crashed (1).
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(
            help: "Stages to bring up to date, with everything they depend on (default: all).",
            completion: .repository(.stage))
        var stages: [String] = []

        @Flag(
            name: .shortAndLong, help: "Run the stages even if nothing changed (and do not restore from the run cache)."
        )
        var force = false

        @Flag(help: "Only show what would run.")
        var dryRun = false

        @Flag(help: "After a failure, go on with the stages that do not depend on it.")
        var keepGoing = false

        @Option(name: .shortAndLong, help: "How many independent stages to run at once.")
        var jobs = 1

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        }

        func run(in context: CommandContext) async throws {
            var options = ReproOptions()
            options.stages = stages
            options.force = force
            options.dryRun = dryRun
            options.keepGoing = keepGoing
            options.jobs = jobs
            options.executable = context.executable
            let repository = try repository(context)
            let outcomes: [StageOutcome]
            do {
                outcomes = try repository.reproduce(options)
            } catch let failure as StageFailure {
                try render(failure.outcomes, context)
                throw ReportedFailure(error: Self.error(for: failure.failed))
            }
            try render(outcomes, context)
            // A crash outranks a failed gate: a CI script must not read "the model is not good enough" when a
            // stage did not run to the end.
            let failures = outcomes.filter { $0.action == .failed }
            if let failed = failures.first(where: { $0.gateFailed != true }) ?? failures.first {
                throw ReportedFailure(error: Self.error(for: failed))
            }
        }

        private func render(_ outcomes: [StageOutcome], _ context: CommandContext) throws {
            try output(context).render(outcomes) { style in
                if outcomes.allSatisfy({ $0.action == .unchanged }) {
                    return
                        "Pipeline is up to date (\(outcomes.count) stage\(outcomes.count == 1 ? "" : "s")); nothing to run.\n"
                }
                var table = TextTable()
                for outcome in outcomes {
                    let label: String
                    switch outcome.action {
                    case .unchanged: label = style.dim("unchanged")
                    case .restored: label = style.cyan(dryRun ? "would restore" : "restored")
                    case .ran: label = style.green(dryRun ? "would run" : "ran")
                    case .failed: label = style.red("failed")
                    case .blocked: label = style.yellow("blocked")
                    }
                    let time = outcome.durationSeconds.map { String(format: "%.2f s", $0) } ?? ""
                    table.append([label, outcome.stage, outcome.reason ?? "", time])
                }
                return table.rendered(style: style)
            }
        }

        private static func error(for failed: StageOutcome) -> MLOpsError {
            var message = "stage '\(failed.stage)' failed: \(failed.reason ?? "")"
            if let log = failed.log, let text = try? String(contentsOfFile: log, encoding: .utf8) {
                let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(15).joined(
                    separator: "\n")
                if !tail.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { message += "\n" + tail }
            }
            var hint = failed.log.map { "the full log is \($0); mlops.lock and the cache are unchanged for this stage" }
            if let notRestored = failed.notRestored {
                hint =
                    (hint.map { $0 + "; " } ?? "") + "could not put back: " + notRestored.joined(separator: ", ")
                    + " (`mlops checkout --force` restores tracked outputs from the cache)"
            } else if failed.failedOutputs != nil || failed.log != nil {
                hint = (hint.map { $0 + "; " } ?? "") + "its previous outputs and metrics are back"
            }
            if let kept = failed.failedOutputs { hint = (hint ?? "") + "; what it wrote is in \(kept)" }
            return MLOpsError(failed.gateFailed == true ? .gateFailed : .failure, message, hint: hint)
        }
    }

    struct Dag: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "dag",
            abstract: "Show the pipeline's stages and how they depend on each other.")

        @OptionGroup var globals: GlobalOptions

        @Flag(help: "As a Mermaid flowchart.")
        var mermaid = false

        @Flag(help: "As a Graphviz dot graph.")
        var dot = false

        struct Edge: Encodable {
            var from: String
            var to: String
        }

        struct Graph: Encodable {
            var stages: [String]
            var edges: [Edge]
        }

        func run(in context: CommandContext) async throws {
            let graph = try PipelineGraph(stages: try PipelineFile.load(root: repository(context).root))
            let edges = graph.stages.indices.flatMap { index in
                graph.upstream[index].map { Edge(from: graph.stages[$0].name, to: graph.stages[index].name) }
            }
            let payload = Graph(stages: graph.order.map { graph.stages[$0].name }, edges: edges)
            try output(context).render(payload) { _ in
                func quoted(_ name: String) -> String {
                    "\"" + name.replacingOccurrences(of: "\"", with: "\\\"") + "\""
                }
                if mermaid {
                    var ids: [String: String] = [:]
                    for (number, name) in payload.stages.enumerated() { ids[name] = "s\(number)" }
                    var text = "flowchart TD\n"
                    for name in payload.stages { text += "    \(ids[name] ?? "")[\(quoted(name))]\n" }
                    for edge in edges { text += "    \(ids[edge.from] ?? "") --> \(ids[edge.to] ?? "")\n" }
                    return text
                }
                if dot {
                    var text = "digraph pipeline {\n"
                    for name in payload.stages { text += "    \(quoted(name));\n" }
                    for edge in edges { text += "    \(quoted(edge.from)) -> \(quoted(edge.to));\n" }
                    return text + "}\n"
                }
                var text = ""
                for index in graph.order {
                    let stage = graph.stages[index]
                    let after = graph.upstream[index].map { graph.stages[$0].name }
                    text += stage.name + (after.isEmpty ? "" : "  ← " + after.joined(separator: ", ")) + "\n"
                }
                return text
            }
        }
    }
}

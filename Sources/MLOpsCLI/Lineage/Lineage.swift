import ArgumentParser
import Foundation
import MLOpsCore

extension MLOps {
    struct Lineage: ContextCommand {
        static let configuration = CommandConfiguration(
            commandName: "lineage",
            abstract: "Show what made a model (data, code, parameters, commit, history), or what used some data.",
            discussion: """
                For a model (name@version, name@alias, run:<id>): the version, the run that made it, its training \
                recipe, the data objects it read (with the pointer file and the commit that recorded each, and \
                the pipeline stage runs that wrote them, recursively), the git commit and whether the work tree \
                was clean, the version's registry history, and whatever would stop `mlops reproduce`.
                For a path: every run that read it, the runs that read what stages made from it, and the \
                versions they produced. --mermaid and --dot write the same as a graph.
                """)

        @OptionGroup var globals: GlobalOptions

        @Argument(help: "A model (name@version, name@alias, run:<id>) or a data path.", completion: .file())
        var target: String

        @Flag(help: "Write the lineage as a Mermaid flowchart.")
        var mermaid = false

        @Flag(help: "Write the lineage as a Graphviz DOT graph.")
        var dot = false

        func validate() throws {
            if mermaid && dot { throw ValidationError("--mermaid and --dot exclude each other") }
            if globals.json && (mermaid || dot) {
                throw ValidationError("--json excludes --mermaid and --dot: choose one output")
            }
        }

        func run(in context: CommandContext) async throws {
            let repository = try repository(context)
            // A file of that name wins over a model reference, so `d@x.csv` has lineage too.
            let isFile = FileSnapshot.take(WorkspacePath.absolute(target, relativeTo: directory(context))) != nil
            if !isFile && (target.contains("@") || target.hasPrefix("run:")) {
                let lineage = try repository.lineage(ofModel: target)
                if let graph = graphText(LineageGraph(lineage)) { return context.standardOutput.write(graph) }
                try output(context).render(lineage) { LineageText.model(lineage, style: $0) }
            } else {
                let lineage = try repository.lineage(ofData: target, workingDirectory: directory(context))
                if let graph = graphText(LineageGraph(lineage)) { return context.standardOutput.write(graph) }
                try output(context).render(lineage) { LineageText.data(lineage, style: $0) }
            }
        }

        /// The graph as Mermaid or DOT text when asked for; nil otherwise.
        private func graphText(_ graph: LineageGraph) -> String? {
            mermaid ? graph.mermaid : dot ? graph.dot : nil
        }
    }
}

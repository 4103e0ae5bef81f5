import Foundation
import MLOpsCore
import MLOpsErrors

/// The pipeline of `mlops.yaml`: its stages drawn as a graph, each with whether `repro` would run it and why (as
/// `mlops status` says), and its last run.
struct PipelineView {
    /// A stage with what the pages show of it.
    struct StageState {
        var stage: Stage
        /// Why `repro` would run it; nil when it is up to date.
        var staleReason: String?
        var lastRun: Run?

        /// `up-to-date`, `stale`, `failed` (its last run failed) or `never-run`.
        var state: String {
            if [.failed, .failedGate, .dead].contains(lastRun?.status) { return "failed" }
            if staleReason != nil { return lastRun == nil ? "never-run" : "stale" }
            return "up-to-date"
        }
    }

    var stages: [StageState]
    var upstream: [[Int]]
    /// Why the pipeline could not be read, when it could not.
    var problem: String?

    /// The pipeline of `repository`, its staleness and each stage's last run among `runs` (newest first).
    init(repository: Repository, runs: [Run]) {
        let path = repository.root + "/" + PipelineFile.name
        guard FileManager.default.fileExists(atPath: path) else {
            stages = []
            upstream = []
            return
        }
        do {
            let graph = try PipelineGraph(stages: try PipelineFile.load(root: repository.root))
            var stale: [String: String] = [:]
            for entry in try repository.staleStages() { stale[entry.stage] = entry.reason }
            var lastRuns: [String: Run] = [:]
            for run in runs where run.kind == .stage {
                if let stage = run.params["stage"], lastRuns[stage] == nil { lastRuns[stage] = run }
            }
            stages = graph.stages.map {
                StageState(stage: $0, staleReason: stale[$0.name], lastRun: lastRuns[$0.name])
            }
            upstream = graph.upstream
        } catch {
            stages = []
            upstream = []
            problem = (error as? MLOpsError)?.message ?? "\(error)"
        }
    }

    func render() -> String {
        var html = "<h1>Pipeline</h1>\n"
        if let problem {
            return html + "<p class=\"error\" role=\"alert\">\(PipelineFile.name): \(HTML.escape(problem))</p>\n"
        }
        guard !stages.isEmpty else {
            return html + "<p class=\"note\">This repository has no \(PipelineFile.name).</p>\n"
        }
        let drawing = PipelineDrawing(
            nodes: stages.map {
                PipelineDrawing.Node(name: $0.stage.name, state: $0.state, detail: $0.staleReason ?? "up to date")
            },
            edges: upstream.enumerated().flatMap { index, sources in
                sources.map { PipelineDrawing.Edge(from: $0, to: index) }
            })
        html += "<figure class=\"pipeline\">\(drawing.svg())</figure>\n"
        html += "<table id=\"stages\" class=\"data\"><thead><tr><th>Stage</th><th>State</th><th>Why</th>"
        html += "<th>Last run</th><th>Deps</th><th>Outs</th></tr></thead><tbody>\n"
        for entry in stages {
            html += "<tr class=\"stage\" data-stage=\"\(HTML.escape(entry.stage.name))\" data-state=\"\(entry.state)\">"
            html += "<td>\(HTML.escape(entry.stage.name))</td>"
            html += "<td><span class=\"state state-\(entry.state)\">\(entry.state)</span></td>"
            html += "<td>\(HTML.escape(entry.staleReason ?? ""))</td><td>"
            if let run = entry.lastRun {
                html += "<a href=\"/runs/\(HTML.escape(run.id))\">\(Formatting.time(run.started))</a> "
                html += RunsView.status(run.status)
            } else {
                html += "never"
            }
            html += "</td><td>\(HTML.escape(entry.stage.deps.joined(separator: ", ")))</td>"
            html += "<td>\(HTML.escape(entry.stage.outs.joined(separator: ", ")))</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }
}

import Foundation
import MLOpsCore
import MLOpsStore

/// The human text of `mlops lineage`.
enum LineageText {
    static func model(_ lineage: ModelLineage, style: TextStyle) -> String {
        var table = TextTable()
        if let version = lineage.version {
            let aliases = version.aliases.isEmpty ? "" : " (\(version.aliases.sorted().joined(separator: ", ")))"
            table.append([
                "version", style.bold(version.reference) + aliases,
                "\(ObjectID.abbreviated(version.oid)), registered \(date(version.created)) by \(shown(version.actor))"
                    + (version.importedFrom.map { ", imported from \(shown($0))" } ?? ""),
            ])
        }
        if let run = lineage.run {
            table.append([
                "run", String(run.id.prefix(RunID.displayLength)),
                "\(run.kind.rawValue) \(shown(run.name)), \(run.status.rawValue), \(date(run.started)), "
                    + "mlops \(shown(run.toolVersion))",
            ])
            if let command = run.command { table.append(["", "", shown(command)]) }
        } else if let id = lineage.runId {
            table.append(["run", String(id.prefix(RunID.displayLength)), "(in another repository)"])
        }
        if let recipe = lineage.recipe {
            table.append(["recipe", recipe.learner.rawValue, describe(recipe)])
        }
        for data in lineage.data { table.append(["data", shown(data.path), describe(data, lineage)]) }
        for stage in lineage.stages {
            table.append([
                "stage", shown(stage.stage), "run \(stage.runId.prefix(RunID.displayLength)): \(shown(stage.command))",
            ])
            let params = stage.params.sorted { $0.key < $1.key }.map { "\(shown($0.key))=\(shown($0.value))" }
            if !params.isEmpty { table.append(["", "", "params " + params.joined(separator: ", ")]) }
            for dep in stage.deps { table.append(["", "", "read \(shown(dep.path)) " + describe(dep, lineage)]) }
        }
        if let git = lineage.git, let commit = git.commit {
            let state = git.dirty ? style.red("dirty") : "clean"
            table.append([
                "commit", String(commit.prefix(12)),
                (git.branch.map { "on \(shown($0)), " } ?? "") + state
                    + (lineage.commitExists ? "" : ", not in this repository"),
            ])
        }
        for event in lineage.events {
            let move =
                switch (event.fromVersion, event.toVersion) {
                case (let from?, let to?): " \(from) → \(to)"
                case (nil, let to?): " \(to)"
                case (let from?, nil): " \(from)"
                default: ""
                }
            table.append([
                "event", event.event + (event.alias.map { " \($0)" } ?? "") + move,
                "\(date(event.at)) by \(shown(event.actor))" + (event.reason.map { ": \(shown($0))" } ?? ""),
            ])
        }
        var text = table.rendered(style: style)
        if lineage.obstacles.isEmpty {
            text += "Reproducible here: `mlops reproduce \(lineage.subject)` rebuilds it and compares.\n"
        } else {
            text += style.yellow("Not reproducible here:") + "\n"
            for obstacle in lineage.obstacles { text += "  - \(shown(obstacle))\n" }
        }
        return text
    }

    static func data(_ lineage: DataLineage, style: TextStyle) -> String {
        var text =
            "\(style.bold(shown(lineage.path)))"
            + (lineage.oid.map { "  \(ObjectID.abbreviated($0))" } ?? "  (not in the workspace)")
        text += "\n"
        guard !lineage.uses.isEmpty else { return text + "No run read it.\n" }
        var table = TextTable(header: ["RUN", "KIND", "NAME", "STARTED", "READ", "VERSIONS"])
        for use in lineage.uses {
            let read =
                "\(shown(use.path)) \(ObjectID.abbreviated(use.oid))"
                + (use.through.map { " (from stage run \($0.prefix(RunID.displayLength)))" }
                    ?? (use.current ? " (current)" : ""))
            table.append([
                String(use.runId.prefix(RunID.displayLength)), use.kind.rawValue, shown(use.name), date(use.started),
                read,
                use.versions.joined(separator: ", "),
            ])
        }
        return text + table.rendered(style: style)
    }

    /// A recipe on one line: target, columns, datetimes, hold-out, parameters, search, schema.
    static func describe(_ recipe: TrainingRecipe) -> String {
        var parts = ["target \(recipe.target)"]
        parts.append(recipe.features.map { "features \($0.joined(separator: ", "))" } ?? "every other column")
        if !recipe.categorical.isEmpty { parts.append("categorical \(recipe.categorical.joined(separator: ", "))") }
        if let datetime = recipe.datetime {
            parts.append(
                "datetime \(datetime.joined(separator: ", "))" + (recipe.datetimeFormat.map { " (\($0))" } ?? ""))
        }
        if let calendar = recipe.calendar {
            parts.append("calendar \(calendar.map(\.rawValue).joined(separator: ","))")
        }
        if let validation = recipe.validation {
            parts.append("held out \(validation)")
        } else {
            parts.append("test fraction \(recipe.testFraction)" + (recipe.split.map { " by \($0)" } ?? ""))
        }
        if let search = recipe.search, let cv = search.crossValidation {
            parts.append("\(search.folds) time-series folds by \(cv.timeColumn ?? "")" + " gap \(search.gap ?? 0)")
        }
        let params = recipe.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if !params.isEmpty { parts.append(params.joined(separator: " ")) }
        if let schema = recipe.schema { parts.append("schema \(schema)") }
        return shown(parts.joined(separator: "; "))
    }

    private static func describe(_ data: ModelLineage.Data, _ lineage: ModelLineage) -> String {
        var text = ObjectID.abbreviated(data.oid)
        if let pointer = data.pointer {
            text +=
                ", \(shown(pointer))" + (data.recordedIn.map { " recorded in \($0.prefix(12))" } ?? " (not committed)")
        }
        if let producer = data.producedBy,
            let stage = lineage.stages.first(where: { $0.runId == producer })
        {
            text += ", written by stage \(shown(stage.stage))"
        }
        // Only tracked data lives in the cache; other inputs (code) come from the commit.
        return text + (data.pointer == nil || data.cached ? "" : ", not cached")
    }

    private static func shown(_ text: String) -> String { VisibleText.escaped(text) }

    private static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}

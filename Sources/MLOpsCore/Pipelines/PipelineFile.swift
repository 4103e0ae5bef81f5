import Foundation
import MLOpsErrors
import MLOpsStore
import Yams

/// One stage of a pipeline, as declared in `mlops.yaml` (after `foreach` expansion).
public struct Stage: Sendable, Equatable, Codable {
    public var name: String
    /// Commands run in order with `/bin/sh -c`; `${params.key}` is replaced by the parameter's value.
    public var commands: [String]
    /// Paths the stage reads (files or directories), repository-relative after `wdir` is applied.
    public var deps: [String]
    /// Data deps that must keep a schema before the stage runs: dep path → schema path (both also in `deps`).
    public var validations: [String: String] = [:]
    /// Parameter keys the stage reads, by parameters file (`params.yaml` by default).
    public var params: [String: [String]]
    /// Paths the stage writes; they are stored in the object store and tracked by pointer files.
    public var outs: [String]
    /// JSON files of metrics the stage writes; recorded on its run.
    public var metrics: [String]
    /// The directory commands run in, repository-relative ("" for the root).
    public var wdir: String
}

/// `mlops.yaml`: the pipeline's stages.
///
/// ```yaml
/// stages:
///   prepare:
///     cmd: python prepare.py            # or a list, run in order
///     deps: [data/raw.csv, prepare.py]     # or {path: data/raw.csv, validate: data/raw.schema.yaml}
///     params: [prepare.split]           # keys of params.yaml; or - other.yaml: [key]
///     outs: [data/train.csv]
///     metrics: [metrics.json]
///     wdir: .
///   train:
///     foreach: [7, 15, 31]              # one stage per item: train@7, train@15, train@31
///     do:
///       cmd: mlops train … --param max_leaves=${item}
/// ```
public enum PipelineFile {
    /// The file name, at the repository root.
    public static let name = "mlops.yaml"

    /// Reads and validates the pipeline of the repository at `root`.
    public static func load(root: String) throws -> [Stage] {
        let path = root + "/" + name
        guard let text = try TextFile.readIfPresent(path, name: path) else {
            throw MLOpsError(
                .notFound, "no \(name) in \(root)",
                hint: "describe the pipeline's stages in \(name); see `mlops help repro`")
        }
        return try parse(text, path: path)
    }

    /// Parses pipeline text; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws -> [Stage] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw MLOpsError(.invalidInput, "'\(path)' is not valid YAML", cause: error)
        }
        guard let root = node?.mapping, let stagesNode = root["stages"]?.mapping else {
            throw MLOpsError(.invalidInput, "'\(path)' needs a `stages` map", hint: "stages:\\n  name:\\n    cmd: …")
        }
        for key in root.keys.compactMap(\.string) where key != "stages" {
            throw MLOpsError(.invalidInput, "'\(path)': unknown top-level key '\(key)'")
        }
        var stages: [Stage] = []
        for (key, value) in stagesNode {
            guard let name = key.string, !name.isEmpty, !name.contains("@"), let body = value.mapping else {
                throw MLOpsError(.invalidInput, "'\(path)': each stage needs a name and a map of settings")
            }
            if let items = body["foreach"] {
                guard let template = body["do"]?.mapping else {
                    throw MLOpsError(.invalidInput, "'\(path)': stage '\(name)' has foreach but no `do`")
                }
                let values = items.sequence?.compactMap(\.string) ?? []
                guard !values.isEmpty else {
                    throw MLOpsError(.invalidInput, "'\(path)': foreach of '\(name)' needs a list")
                }
                for item in values {
                    stages.append(try stage("\(name)@\(item)", template, path: path, item: item))
                }
            } else {
                stages.append(try stage(name, body, path: path, item: nil))
            }
        }
        return stages
    }

    private static func stage(_ name: String, _ body: Node.Mapping, path: String, item: String?) throws -> Stage {
        let known: Set<String> = ["cmd", "deps", "params", "outs", "metrics", "wdir"]
        for key in body.keys.compactMap(\.string) where !known.contains(key) {
            throw MLOpsError(
                .invalidInput, "'\(path)': stage '\(name)' has an unknown key '\(key)'",
                hint: "stage keys are: \(known.sorted().joined(separator: ", "))")
        }
        func substitute(_ text: String) -> String {
            guard let item else { return text }
            return text.replacingOccurrences(of: "${item}", with: item)
        }
        func strings(_ key: String) throws -> [String] {
            guard let node = body[key] else { return [] }
            if let scalar = node.string { return [substitute(scalar)] }
            guard let sequence = node.sequence else {
                throw MLOpsError(.invalidInput, "'\(path)': `\(key)` of stage '\(name)' must be a string or a list")
            }
            return try sequence.map {
                guard let text = $0.string else {
                    throw MLOpsError(.invalidInput, "'\(path)': `\(key)` of stage '\(name)' must list strings")
                }
                return substitute(text)
            }
        }
        let commands = try strings("cmd")
        guard !commands.isEmpty else { throw MLOpsError(.invalidInput, "'\(path)': stage '\(name)' has no `cmd`") }
        var params: [String: [String]] = [:]
        for entry in body["params"]?.sequence ?? [] {
            if let key = entry.string {
                params["params.yaml", default: []].append(key)
            } else if let map = entry.mapping {
                for (file, keys) in map {
                    params[file.string ?? "params.yaml", default: []] += keys.sequence?.compactMap(\.string) ?? []
                }
            }
        }
        let wdir = try workspacePath(try strings("wdir").first ?? "", key: "wdir", stage: name, path: path)
        for file in params.keys {
            _ = try workspacePath(WorkspacePath.join(wdir, file), key: "params", stage: name, path: path)
        }
        func located(_ key: String) throws -> [String] {
            try strings(key).map { try workspacePath(WorkspacePath.join(wdir, $0), key: key, stage: name, path: path) }
        }
        // A dep is a path, or {path: data.csv, validate: schema.yaml}: data the stage refuses to run on unless
        // it keeps the schema (which becomes a dep too, so editing it makes the stage stale).
        var deps: [String] = []
        var validations: [String: String] = [:]
        let depNodes = body["deps"].map { $0.sequence.map(Array.init) ?? [$0] } ?? []
        for node in depNodes {
            func dep(_ raw: String?) throws -> String {
                guard let raw else {
                    throw MLOpsError(
                        .invalidInput,
                        "'\(path)': each dep of stage '\(name)' must be a path or {path: …, validate: schema.yaml}")
                }
                return try workspacePath(
                    WorkspacePath.join(wdir, substitute(raw)), key: "deps", stage: name, path: path)
            }
            guard let entry = node.mapping else {
                deps.append(try dep(node.scalar != nil ? node.string : nil))
                continue
            }
            guard Set(entry.keys.compactMap(\.string)) == ["path", "validate"], entry.count == 2 else {
                throw MLOpsError(
                    .invalidInput,
                    "'\(path)': a dep of stage '\(name)' given as a map needs exactly `path` and `validate`",
                    hint: "deps: [{path: data/train.csv, validate: data/train.schema.yaml}]")
            }
            let data = try dep(entry["path"]?.string)
            let schema = try dep(entry["validate"]?.string)
            guard validations[data] == nil else {
                throw MLOpsError(
                    .invalidInput, "'\(path)': stage '\(name)' validates '\(data)' twice",
                    hint: "give each data dep one schema")
            }
            deps += [data, schema]
            validations[data] = schema
        }
        let outs = try located("outs")
        for out in outs where out.isEmpty || WorkspacePath.name(out).hasSuffix(PointerFile.suffix) {
            throw MLOpsError(
                .invalidInput, "'\(path)': stage '\(name)' lists '\(out.isEmpty ? "." : out)' as an output",
                hint: "an output is a file or directory the stage writes, not the repository root or a pointer file")
        }
        return Stage(
            name: name, commands: commands, deps: deps, validations: validations, params: params, outs: outs,
            metrics: try located("metrics"), wdir: wdir)
    }

    /// A stage's path made repository-relative, or an error when it leaves the workspace: absolute, climbing
    /// out with `..`, or inside `.git` or `.mlops` (where a stage's output would destroy the repository).
    private static func workspacePath(_ raw: String, key: String, stage: String, path: String) throws -> String {
        // Control characters (a newline) would split the path's line in .gitignore into two patterns.
        if raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw MLOpsError(
                .invalidInput,
                "'\(path)': `\(key)` of stage '\(stage)' names \(String(reflecting: raw)), which holds control characters",
                hint: "rename the file")
        }
        guard let contained = WorkspacePath.contained(raw) else {
            throw MLOpsError(
                .invalidInput, "'\(path)': `\(key)` of stage '\(stage)' names '\(raw)', outside the repository",
                hint: "stage paths are relative to the repository root (or to the stage's wdir) and stay inside it")
        }
        // Compared without case: on a case-insensitive file system (macOS) `.GIT` is `.git`.
        let reserved = [".git", Repository.metadataDirectoryName]
        if let part = contained.split(separator: "/").first(where: { reserved.contains($0.lowercased()) }) {
            throw MLOpsError(
                .invalidInput, "'\(path)': `\(key)` of stage '\(stage)' names '\(raw)', inside \(part)/",
                hint:
                    "\(part)/ belongs to \(part == ".git" ? "git" : "mlops"); stages read and write workspace files only"
            )
        }
        return contained
    }
}

import Foundation
import MLOpsErrors
import MLOpsStore

/// One parameter or metric that differs between a git revision and the workspace.
public struct ValueChange: Codable, Sendable, Equatable {
    /// The file it comes from.
    public var file: String
    public var key: String
    /// Its value at the revision (nil when absent there).
    public var old: String?
    /// Its value in the workspace (nil when absent now).
    public var new: String?
    /// For numbers present on both sides, new − old.
    public var change: Double?
}

extension Repository {
    /// The parameter files the pipeline reads (`params.yaml` when it exists, and every file stages name).
    func parameterFiles() throws -> [String] {
        var files = Set<String>()
        if FileManager.default.fileExists(atPath: absolute("params.yaml")) { files.insert("params.yaml") }
        if FileManager.default.fileExists(atPath: absolute(PipelineFile.name)) {
            for stage in try PipelineFile.load(root: root) {
                for file in stage.params.keys { files.insert(stage.wdir.isEmpty ? file : stage.wdir + "/" + file) }
            }
        }
        return files.sorted()
    }

    /// The metrics files the pipeline's stages write.
    func metricsFiles() throws -> [String] {
        guard FileManager.default.fileExists(atPath: absolute(PipelineFile.name)) else { return [] }
        return Array(Set(try PipelineFile.load(root: root).flatMap(\.metrics))).sorted()
    }

    /// Parameters that differ between `revision` and the workspace.
    public func paramsDiff(against revision: String = "HEAD") throws -> [ValueChange] {
        var changes: [ValueChange] = []
        for file in try parameterFiles() {
            let now = FileManager.default.fileExists(atPath: absolute(file)) ? try Self.readParams(absolute(file)) : [:]
            let then =
                try GitRevisionFiles.read(file, at: revision, repositoryRoot: root)
                .map { try Self.parseParams(String(decoding: $0, as: UTF8.self), path: "\(revision):\(file)") } ?? [:]
            changes += Self.differences(file: file, old: then, new: now)
        }
        return changes
    }

    /// The metrics of the pipeline's metrics files, in the workspace or at `revision` (read from git, or from
    /// the object store through the file's pointer when the file is tracked data).
    public func metrics(at revision: String? = nil) throws -> [String: [String: Double]] {
        var result: [String: [String: Double]] = [:]
        for file in try metricsFiles() {
            if let data = try metricsData(file, at: revision) { result[file] = try Self.parseMetrics(data, path: file) }
        }
        return result
    }

    /// Metrics that differ between `revision` and the workspace.
    public func metricsDiff(against revision: String = "HEAD") throws -> [ValueChange] {
        let then = try metrics(at: revision)
        let now = try metrics()
        var changes: [ValueChange] = []
        for file in Set(then.keys).union(now.keys).sorted() {
            func texts(_ values: [String: Double]?) -> [String: String] { (values ?? [:]).mapValues { "\($0)" } }
            changes += Self.differences(file: file, old: texts(then[file]), new: texts(now[file]))
        }
        return changes
    }

    private func metricsData(_ file: String, at revision: String?) throws -> Data? {
        guard let revision else {
            return FileManager.default.fileExists(atPath: absolute(file))
                ? try Data(contentsOf: URL(fileURLWithPath: absolute(file))) : nil
        }
        if let data = try GitRevisionFiles.read(file, at: revision, repositoryRoot: root) { return data }
        guard let pointerData = try GitRevisionFiles.read(file + PointerFile.suffix, at: revision, repositoryRoot: root)
        else {
            return nil
        }
        let pointer = try PointerFile.parse(
            String(decoding: pointerData, as: UTF8.self), path: "\(revision):\(file).mlops")
        guard store.contains(pointer.oid) else {
            throw MLOpsError(
                .notFound, "'\(file)' at \(revision) is not in the local cache", hint: "fetch it with `mlops pull`")
        }
        return Data(try store.read(pointer.oid))
    }

    private static func differences(file: String, old: [String: String], new: [String: String]) -> [ValueChange] {
        Set(old.keys).union(new.keys).sorted().compactMap { key in
            guard old[key] != new[key] else { return nil }
            let change = old[key].flatMap(Double.init).flatMap { before in
                new[key].flatMap(Double.init).map { $0 - before }
            }
            return ValueChange(file: file, key: key, old: old[key], new: new[key], change: change)
        }
    }
}

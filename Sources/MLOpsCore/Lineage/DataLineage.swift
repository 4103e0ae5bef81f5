import Foundation
import MLOpsErrors
import MLOpsStore

/// The other direction of lineage: every run that read a path (a file, or anything under a directory), the
/// runs that read what pipeline stages made from it, and the model versions those runs produced.
public struct DataLineage: Codable, Sendable {
    /// One run that read the data, directly or through stage outputs.
    public struct Use: Codable, Sendable {
        public var runId: String
        public var name: String
        public var kind: RunKind
        public var status: RunStatus
        public var started: Date
        /// The path it read and the object id it read there.
        public var path: String
        public var oid: String
        /// Whether that is the object the path holds in the workspace now.
        public var current: Bool
        /// The stage run whose output it read (nil: it read the path itself).
        public var through: String?
        /// The registered versions the run produced.
        public var versions: [String]
    }

    public var path: String
    /// The object id the path holds in the workspace now (nil when it does not exist).
    public var oid: String?
    public var uses: [Use]
}

extension Repository {
    /// The runs that read `path` (relative to `workingDirectory`), and those that read what stage runs among
    /// them wrote (recursively), with the versions each produced; reads only.
    public func lineage(ofData path: String, workingDirectory: String) throws -> DataLineage {
        let relative = try repositoryPath(
            of: WorkspacePath.absolute(path, relativeTo: workingDirectory), relativeTo: root)
        guard !relative.isEmpty else {
            throw MLOpsError(.usage, "'\(path)' is the repository itself", hint: "name a file or directory inside it")
        }
        let current = try? contentID(of: relative)
        let all = try runs.list()
        var uses: [DataLineage.Use] = []
        var seen = Set<String>()
        // Each entry: a stage output a run may have read (path, object) and the stage run that wrote it.
        var outputs: [(path: String, oid: String, stageRun: String)] = []
        // What each path holds now, hashed once however many runs read it.
        var currentIDs: [String: String] = [:]
        func currentID(_ path: String) -> String {
            if let known = currentIDs[path] { return known }
            let id = (try? contentID(of: path))??.description ?? ""
            currentIDs[path] = id
            return id
        }
        func record(_ run: Run, _ input: Run.Input, through: String?) throws {
            guard seen.insert(run.id).inserted else { return }
            uses.append(
                DataLineage.Use(
                    runId: run.id, name: run.name, kind: run.kind, status: run.status, started: run.started,
                    path: input.path, oid: input.oid, current: through == nil && currentID(input.path) == input.oid,
                    through: through, versions: try registry.versions(producedBy: run.id).map(\.reference)))
            if run.kind == .stage {
                outputs += run.artifacts.map { ($0.name, $0.oid, run.id) }
            }
        }
        for run in all {
            if let input = run.inputs.first(where: {
                $0.path == relative || $0.path.hasPrefix(relative + "/") || relative.hasPrefix($0.path + "/")
            }) {
                try record(run, input, through: nil)
            }
        }
        var next = 0
        while next < outputs.count, next < 10_000 {
            let output = outputs[next]
            next += 1
            for run in all {
                if let input = run.inputs.first(where: { $0.path == output.path && $0.oid == output.oid }) {
                    try record(run, input, through: output.stageRun)
                }
            }
        }
        return DataLineage(path: relative, oid: current.flatMap { $0 }?.description, uses: uses)
    }
}

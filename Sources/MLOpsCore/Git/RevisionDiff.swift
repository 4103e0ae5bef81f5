import CGit2
import MLOpsErrors
import MLOpsStore

extension Repository {
    /// Whether `text` names a git revision (and so is not meant as a path).
    public func isGitRevision(_ text: String) -> Bool {
        guard let git = GitLibrary.open(root) else { return false }
        defer { git_repository_free(git) }
        var object: OpaquePointer?
        guard git_revparse_single(&object, git, text + "^{commit}") == 0 else { return false }
        git_object_free(object)
        return true
    }

    /// Tracked-data changes from git revision `old` to revision `new` (nil: the pointer files in the workspace),
    /// file by file inside directories whose manifests are in the cache, else target by target.
    public func diff(from old: String, to new: String?, paths: [String]? = nil, relativeTo workingDirectory: String)
        throws -> [FileChange]
    {
        let relative = try paths.map { try $0.map { try repositoryPath(of: $0, relativeTo: workingDirectory) } }
        let before = try files(of: trackedTargets(atRevision: old, matching: relative))
        let after = try files(
            of: new.map { try trackedTargets(atRevision: $0, matching: relative) } ?? trackedTargets(matching: relative)
        )
        var changes: [FileChange] = []
        for path in Set(before.keys).union(after.keys).sorted() {
            let (a, b) = (before[path], after[path])
            let kind: FileChange.Kind
            switch (a?.version, b?.version) {
            case (nil, _?): kind = .added
            case (_?, nil): kind = .deleted
            case (let x?, let y?) where x.oid != y.oid: kind = .modified
            default: continue
            }
            changes.append(
                FileChange(path: path, target: (b ?? a)?.target ?? path, kind: kind, old: a?.version, new: b?.version))
        }
        return changes
    }

    /// Each target's files (a directory's, when its manifest is cached) with their recorded versions.
    private func files(of targets: [TrackedTarget]) throws -> [String: (target: String, version: FileChange.Version)] {
        var files: [String: (target: String, version: FileChange.Version)] = [:]
        for target in targets {
            if target.pointer.kind == .dir, let entries = try recordedEntries(of: target) {
                for entry in entries {
                    files[WorkspacePath.join(target.path, entry.path)] = (
                        target.path, FileChange.Version(oid: entry.oid, size: entry.size)
                    )
                }
            } else {
                files[target.path] = (
                    target.path, FileChange.Version(oid: target.pointer.oid, size: target.pointer.size)
                )
            }
        }
        return files
    }
}

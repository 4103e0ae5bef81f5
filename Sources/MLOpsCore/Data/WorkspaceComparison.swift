import MLOpsErrors
import MLOpsStore

/// One file that differs between what a pointer records and what the workspace holds.
public struct FileChange: Sendable, Codable, Equatable {
    /// How the workspace differs from the record.
    public enum Kind: String, Sendable, Codable {
        /// In the workspace, not in the record (a new file inside a tracked directory).
        case added
        /// In both, with different content.
        case modified
        /// In the record, not in the workspace.
        case deleted
    }

    /// A file's content: its object id and size.
    public struct Version: Sendable, Codable, Equatable {
        public var oid: ObjectID
        public var size: Int64
    }

    /// The repository-relative path of the file.
    public var path: String
    /// The tracked target the file belongs to (the file itself, or its tracked directory).
    public var target: String
    /// How it differs.
    public var kind: Kind
    /// The recorded content, when recorded.
    public var old: Version?
    /// The workspace content, when present.
    public var new: Version?
}

/// A tracked target compared with the workspace.
struct TargetComparison: Sendable {
    var target: TrackedTarget
    /// Whether nothing exists at the target's path.
    var isMissing: Bool
    /// Per-file differences, sorted by path. A directory whose manifest is not in the cache is reported as one
    /// `modified` change for the whole directory.
    var changes: [FileChange]
    /// The recorded files (manifest entries, or the one file), when the record is in the cache and was read: a
    /// directory the ``DirectoryStatCache`` vouches for is known to match its record without reading it
    /// (`matchesRecordUnread`; ``Repository/recordedEntries(of:)`` reads it when needed).
    var recorded: [DirectoryManifest.Entry]?
    /// Whether the directory is known to match its record without the record having been read.
    var matchesRecordUnread = false
    /// The workspace files with their ids.
    var current: [DigestedFile]

    var isClean: Bool { changes.isEmpty }
}

extension Repository {
    /// Compares each target with the workspace, reading only files the stat cache cannot vouch for, and
    /// remembers what it read so the next comparison is faster. `holdingLock` lets it remove staging files
    /// that killed writers left inside tracked directories.
    func compare(
        _ targets: [TrackedTarget], phase: String, holdingLock: Bool = false, progress: ProgressHandler?
    ) throws -> [TargetComparison] {
        var comparisons: [TargetComparison] = []
        for target in targets {
            let comparison = try compare(
                target, phase: phase, holdingLock: holdingLock, progress: progress)
            comparisons.append(comparison)
        }
        // A reader refreshing the cache is an optimization: a read-only database must not fail the command.
        try? rememberDigests(comparisons.flatMap(\.current))
        return comparisons
    }

    private func compare(
        _ target: TrackedTarget, phase: String, holdingLock: Bool, progress: ProgressHandler?
    ) throws -> TargetComparison {
        let pointer = target.pointer
        let absolutePath = absolute(target.path)
        guard let snapshot = FileSnapshot.take(absolutePath) else {
            let recorded = try recordedEntries(of: target)
            let changes =
                (recorded ?? [DirectoryManifest.Entry(path: "", oid: pointer.oid, size: pointer.size, exec: false)])
                .map { entry in
                    FileChange(
                        path: WorkspacePath.join(target.path, pointer.kind == .dir ? entry.path : ""),
                        target: target.path,
                        kind: .deleted, old: .init(oid: entry.oid, size: entry.size), new: nil)
                }
            return TargetComparison(target: target, isMissing: true, changes: changes, recorded: recorded, current: [])
        }
        switch pointer.kind {
        case .file:
            let file = try workspaceFile(absolutePath, path: target.path, pathInTarget: WorkspacePath.name(target.path))
            let current = try digest([file], under: target.path, storing: false, phase: phase, progress: progress)
            let recorded = try recordedEntries(of: target)
            var changes: [FileChange] = []
            if current[0].oid != pointer.oid {
                changes.append(
                    FileChange(
                        path: target.path, target: target.path, kind: .modified,
                        old: .init(oid: pointer.oid, size: pointer.size),
                        new: .init(oid: current[0].oid, size: current[0].size)))
            }
            return TargetComparison(
                target: target, isMissing: false, changes: changes, recorded: recorded, current: current)
        case .dir:
            guard snapshot.isDirectory else {
                let recorded = try recordedEntries(of: target)
                let change = FileChange(
                    path: target.path, target: target.path, kind: .modified,
                    old: .init(oid: pointer.oid, size: pointer.size),
                    new: nil)
                return TargetComparison(
                    target: target, isMissing: false, changes: [change], recorded: recorded, current: [])
            }
            let files = try scanDirectory(target.path, removingStaleStaging: holdingLock)
            let directories = directoryStatCache
            let fingerprint = DirectoryStatCache.fingerprint(of: files)
            if try directories.manifestID(of: target.path, fingerprint: fingerprint) == pointer.oid {
                return TargetComparison(
                    target: target, isMissing: false, changes: [], recorded: nil, matchesRecordUnread: true, current: []
                )
            }
            let current = try digest(files, under: target.path, storing: false, phase: phase, progress: progress)
            let manifest = DirectoryManifest(current)
            if manifest.id == pointer.oid {
                if !current.contains(where: \.wasRead) {
                    // Remembering is an optimization: a read-only database must not fail the command.
                    try? directories.remember(target.path, fingerprint: fingerprint, oid: manifest.id)
                }
                // Same id, same bytes: the workspace's manifest is the recorded one, no need to read and decode it.
                return TargetComparison(
                    target: target, isMissing: false, changes: [], recorded: manifest.entries, current: current)
            }
            guard let recorded = try recordedEntries(of: target) else {
                let change = FileChange(
                    path: target.path, target: target.path, kind: .modified,
                    old: .init(oid: pointer.oid, size: pointer.size),
                    new: .init(oid: manifest.id, size: manifest.totalSize))
                return TargetComparison(
                    target: target, isMissing: false, changes: [change], recorded: nil, current: current)
            }
            return TargetComparison(
                target: target, isMissing: false,
                changes: Self.differences(recorded: recorded, current: manifest.entries, target: target.path),
                recorded: recorded,
                current: current)
        }
    }

    /// The files `comparison`'s target records, read now if the comparison did not need them; nil when the
    /// manifest is not in the cache.
    func recordedEntries(of comparison: TargetComparison) throws -> [DirectoryManifest.Entry]? {
        if let recorded = comparison.recorded { return recorded }
        return comparison.matchesRecordUnread ? try recordedEntries(of: comparison.target) : nil
    }

    /// The files a pointer records: the manifest's entries for a directory (nil when the manifest is not in the
    /// cache), the one file for a file.
    func recordedEntries(of target: TrackedTarget) throws -> [DirectoryManifest.Entry]? {
        let pointer = target.pointer
        switch pointer.kind {
        case .file:
            return [
                DirectoryManifest.Entry(
                    path: WorkspacePath.name(target.path), oid: pointer.oid, size: pointer.size, exec: false)
            ]
        case .dir:
            guard store.contains(pointer.oid) else { return nil }
            return try DirectoryManifest(decoding: try store.read(pointer.oid), id: pointer.oid).entries
        }
    }

    /// The changes from `recorded` to `current`, both sorted bytewise by path as manifests are: one merge of the
    /// two, with no table of either and a path built only for what changed.
    private static func differences(
        recorded: [DirectoryManifest.Entry], current: [DirectoryManifest.Entry], target: String
    ) -> [FileChange] {
        var changes: [FileChange] = []
        var old = recorded.startIndex
        var new = current.startIndex
        while old < recorded.endIndex || new < current.endIndex {
            let order =
                old == recorded.endIndex
                ? 1
                : new == current.endIndex ? -1 : BytewiseOrder.compare(recorded[old].path, current[new].path)
            if order <= 0 {
                let entry = recorded[old]
                let was = FileChange.Version(oid: entry.oid, size: entry.size)
                if order < 0 {
                    changes.append(
                        FileChange(
                            path: WorkspacePath.join(target, entry.path), target: target, kind: .deleted, old: was,
                            new: nil))
                } else if current[new].oid != entry.oid || current[new].exec != entry.exec {
                    let now = FileChange.Version(oid: current[new].oid, size: current[new].size)
                    changes.append(
                        FileChange(
                            path: WorkspacePath.join(target, entry.path), target: target, kind: .modified, old: was,
                            new: now))
                }
                old += 1
                if order == 0 { new += 1 }
            } else {
                let entry = current[new]
                changes.append(
                    FileChange(
                        path: WorkspacePath.join(target, entry.path), target: target, kind: .added, old: nil,
                        new: .init(oid: entry.oid, size: entry.size)))
                new += 1
            }
        }
        return changes
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsErrors
import MLOpsParallel
import MLOpsStore

/// What `add` (or `commit`) did to one target.
public struct AddedTarget: Sendable, Codable, Equatable {
    /// The repository-relative data path.
    public var path: String
    /// File or directory.
    public var kind: PointerFile.Kind
    /// The file's object id or the directory's manifest id.
    public var oid: ObjectID
    /// Size in bytes (a directory's total).
    public var size: Int64
    /// For directories, the number of files.
    public var files: Int?
    /// Whether the pointer changed (false when the data was already recorded as it is).
    public var changed: Bool
    /// How many files had to be read (the others were known from the stat cache).
    public var filesRead: Int
}

extension Repository {
    /// Starts tracking `paths` (absolute or relative to `workingDirectory`; glob patterns are expanded): hashes
    /// and stores their bytes, writes `<path>.mlops` pointer files and git-ignores the data.
    ///
    /// Every path is validated before anything changes, so one bad path leaves the repository as it was.
    /// Objects are durable before any pointer refers to them, and each pointer is replaced atomically: after a
    /// crash, a target is either tracked as before or as now. Files are read once (hashing and storing in one
    /// pass) on both cores; unchanged files known to the stat cache are not read at all.
    public func add(
        _ paths: [String], relativeTo workingDirectory: String, description: String? = nil,
        progress: ProgressHandler? = nil
    ) throws -> [AddedTarget] {
        let targets = try resolveTargets(paths, relativeTo: workingDirectory)
        let lock = try lock(for: "add")
        defer { withExtendedLifetime(lock) {} }
        return try record(targets, description: description, progress: progress)
    }

    /// Re-records tracked targets whose data changed (all of them without `paths`), like `git commit -a`.
    public func commit(
        _ paths: [String]? = nil, relativeTo workingDirectory: String, progress: ProgressHandler? = nil
    ) throws -> [AddedTarget] {
        let relative = try paths.map { try $0.map { try repositoryPath(of: $0, relativeTo: workingDirectory) } }
        let lock = try lock(for: "commit")
        defer { withExtendedLifetime(lock) {} }
        let targets = try trackedTargets(matching: relative).filter {
            FileSnapshot.take(absolute($0.path)) != nil
        }
        return try record(targets.map(\.path), description: nil, progress: progress)
    }

    /// Hashes, stores and points at each target. The caller holds the lock.
    private func record(_ targets: [String], description: String?, progress: ProgressHandler?) throws -> [AddedTarget] {
        struct Pending {
            var path: String
            var pointer: PointerFile
            var digests: [DigestedFile]
            var previous: PointerFile?
        }
        var pending: [Pending] = []
        var written: [ObjectID] = []
        for target in targets {
            let absolutePath = absolute(target)
            let pointerPath = absolutePath + PointerFile.suffix
            let previous =
                FileSnapshot.take(pointerPath) == nil
                ? nil : try PointerFile.read(at: pointerPath, displayPath: target + PointerFile.suffix)
            if FileSnapshot.takeFollowingLinks(absolutePath)?.isDirectory == true
                && FileSnapshot.take(absolutePath)?.isSymlink != true
            {
                let files = try scanDirectory(target, removingStaleStaging: true)
                let digests = try digest(files, under: target, storing: true, phase: "adding", progress: progress)
                let manifest = DirectoryManifest(digests)
                let manifestID = try store.store(manifest.encoded())
                written.append(manifestID)
                let pointer = PointerFile(
                    oid: manifestID, size: manifest.totalSize, kind: .dir, files: manifest.entries.count,
                    desc: description ?? previous?.desc)
                pending.append(Pending(path: target, pointer: pointer, digests: digests, previous: previous))
            } else {
                let file = try workspaceFile(absolutePath, path: target, pathInTarget: WorkspacePath.name(target))
                let digests = try digest([file], under: target, storing: true, phase: "adding", progress: progress)
                let pointer = PointerFile(
                    oid: digests[0].oid, size: digests[0].size, kind: .file, desc: description ?? previous?.desc)
                pending.append(Pending(path: target, pointer: pointer, digests: digests, previous: previous))
            }
        }
        // Objects must be durable before any pointer names them. The stat cache is written meanwhile: it may name
        // an object a crash then loses, but `digest` trusts an entry only when the store has its object.
        let store = self.store
        let stored = written + pending.flatMap { $0.digests.filter(\.wasRead).map(\.oid) }
        try ParallelWork.overlapping(
            { try store.synchronize(stored) }, with: { try rememberDigests(pending.flatMap(\.digests)) })
        GitIgnoreFile.excludeStagingFiles(inRepositoryAt: root)
        for item in pending where item.pointer != item.previous {
            try AtomicFile.write(item.pointer.rendered(), to: absolute(item.path) + PointerFile.suffix)
            try GitIgnoreFile.add(
                GitIgnoreFile.entry(for: WorkspacePath.name(item.path), isDirectory: item.pointer.kind == .dir),
                in: absolute(WorkspacePath.parent(item.path)))
        }
        if config.core.link != .copy {
            for item in pending { try relink(item.digests) }
        }
        return pending.map {
            AddedTarget(
                path: $0.path, kind: $0.pointer.kind, oid: $0.pointer.oid, size: $0.pointer.size,
                files: $0.pointer.files, changed: $0.pointer != $0.previous,
                filesRead: $0.digests.filter(\.wasRead).count)
        }
    }

    /// Replaces workspace copies with links to their cached objects (the `hardlink` and `symlink` modes).
    private func relink(_ digests: [DigestedFile]) throws {
        var relinked: [(path: String, entry: StatCache.Entry)] = []
        for digest in digests where digest.file.linkedObject == nil {
            let absolutePath = absolute(digest.file.path)
            try store.materialize(digest.oid, at: absolutePath, mode: config.core.link)
            if config.core.link == .hardlink, let snapshot = FileSnapshot.take(absolutePath) {
                relinked.append(
                    (
                        digest.file.path,
                        .init(snapshot: snapshot, oid: digest.oid, recordedNanoseconds: FileSnapshot.nowNanoseconds())
                    ))
            }
        }
        try statCache.record(relinked)
    }

    /// Validates user paths and turns them into repository-relative target paths, expanding glob patterns.
    func resolveTargets(_ paths: [String], relativeTo workingDirectory: String) throws -> [String] {
        guard !paths.isEmpty else {
            throw MLOpsError(.usage, "no paths given", hint: "name the files or directories to track")
        }
        var targets: [String] = []
        for path in paths {
            for expanded in try expandGlob(path, relativeTo: workingDirectory) {
                let target = try repositoryPath(of: expanded, relativeTo: workingDirectory)
                try validateNewTarget(target)
                if !targets.contains(target) { targets.append(target) }
            }
        }
        // A directory and a path inside it in one call would store the inner data twice.
        for target in targets {
            if let outer = targets.first(where: { target.hasPrefix($0 + "/") }) {
                throw MLOpsError(
                    .usage, "'\(target)' is inside '\(outer)', which is also being added",
                    hint: "add only '\(outer)'")
            }
        }
        return targets
    }

    /// The repository-relative path of a user path; `.invalidInput` when it lies outside the repository or
    /// inside `.mlops/`.
    public func repositoryPath(of path: String, relativeTo workingDirectory: String) throws -> String {
        let absolutePath = WorkspacePath.absolute(path, relativeTo: workingDirectory)
        guard let relative = WorkspacePath.relative(absolutePath, to: root) else {
            throw MLOpsError(
                .invalidInput, "'\(path)' is outside the repository at \(root)",
                hint: "copy or move the data into the repository first")
        }
        guard relative != Self.metadataDirectoryName, !relative.hasPrefix(Self.metadataDirectoryName + "/") else {
            throw MLOpsError(.invalidInput, "'\(path)' is inside mlops's own .mlops directory")
        }
        return relative
    }

    private func validateNewTarget(_ target: String) throws {
        guard !target.isEmpty else {
            throw MLOpsError(
                .invalidInput, "cannot track the repository root itself", hint: "name a file or directory inside it")
        }
        guard !target.hasSuffix(PointerFile.suffix) else {
            let data = String(target.dropLast(PointerFile.suffix.count))
            throw MLOpsError(
                .invalidInput, "'\(target)' is a pointer file", hint: "name the data instead: `mlops add \(data)`")
        }
        let parts = target.split(separator: "/")
        if parts.contains(".git") {
            throw MLOpsError(.invalidInput, "'\(target)' is inside git's own .git directory")
        }
        try requireRealDirectories(to: target, what: "the path")
        // An ancestor with a pointer file means the target is already part of a tracked directory.
        var ancestor = ""
        for part in parts.dropLast() {
            ancestor = WorkspacePath.join(ancestor, String(part))
            if FileSnapshot.take(absolute(ancestor) + PointerFile.suffix) != nil {
                throw MLOpsError(
                    .invalidInput, "'\(target)' is inside the tracked directory '\(ancestor)'",
                    hint: "re-add the whole directory: `mlops add \(ancestor)`")
            }
        }
        let absolutePath = absolute(target)
        guard let snapshot = FileSnapshot.take(absolutePath) else {
            throw MLOpsError(
                .notFound, "'\(target)' does not exist",
                hint: "check the path, or restore the data with `mlops checkout`")
        }
        if snapshot.isSymlink {
            if linkedObject(absolutePath) != nil { return }
            let resolved = URL(fileURLWithPath: absolutePath).resolvingSymlinksInPath().path
            let inside = WorkspacePath.relative(resolved, to: root) != nil
            throw MLOpsError(
                .invalidInput,
                "'\(target)' is a symbolic link pointing \(inside ? "to '\(resolved)'" : "outside the repository (\(resolved))")",
                hint: inside ? "add the link's target instead" : "copy the data into the repository and add the copy")
        }
        if snapshot.isDirectory {
            let nested = try findPointers(under: target).filter { $0 != target + PointerFile.suffix }
            if let first = nested.first {
                let data = String(first.dropLast(PointerFile.suffix.count))
                throw MLOpsError(
                    .invalidInput, "'\(target)' contains tracked data '\(data)'",
                    hint: "stop tracking it first with `mlops rm \(data)`, or add a different directory")
            }
        } else if !snapshot.isRegularFile {
            throw MLOpsError(.invalidInput, "'\(target)' is not a regular file or directory")
        }
    }

    /// The paths matching a glob pattern, or the path itself when it has no pattern characters or exists
    /// literally. A pattern matching nothing is `.notFound`.
    private func expandGlob(_ path: String, relativeTo workingDirectory: String) throws -> [String] {
        let absolutePattern = WorkspacePath.absolute(path, relativeTo: workingDirectory)
        guard path.contains(where: { "*?[".contains($0) }), FileSnapshot.take(absolutePattern) == nil else {
            return [path]
        }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(absolutePattern, 0, nil, &matches) == 0 else {
            throw MLOpsError(.notFound, "no files match '\(path)'")
        }
        return (0..<Int(matches.gl_pathc)).compactMap { index in
            matches.gl_pathv[index].map { String(cString: $0) }
        }.filter { !$0.hasSuffix(PointerFile.suffix) }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsErrors
import MLOpsParallel
import MLOpsStore

/// What `checkout` did.
public struct CheckoutResult: Sendable, Codable, Equatable {
    /// Files written (restored or replaced), repository-relative.
    public var restored: [String]
    /// Files removed from tracked directories because the record does not have them.
    public var removed: [String]
    /// Files already as recorded.
    public var unchanged: Int
}

extension Repository {
    /// Makes the workspace match the pointer files (all targets, or those at or below `paths`).
    ///
    /// Refuses with `.conflict`, before changing anything, when a workspace file would be overwritten or removed
    /// and its content is not in the cache (it would be lost); `force` overwrites anyway. Every object is
    /// verified as it is written, and each file is replaced by a rename: a reader or a crash sees the old file
    /// or the new one, never a truncated one. A corrupt object is never materialized (`.integrity`).
    ///
    /// With `revision`, the data is made as the pointer files at that git revision record it (read from git's
    /// object database; the work tree's pointer files are not changed).
    public func checkout(
        _ paths: [String]? = nil, relativeTo workingDirectory: String, force: Bool = false, revision: String? = nil,
        progress: ProgressHandler? = nil
    ) throws -> CheckoutResult {
        try checkout(
            paths, relativeTo: workingDirectory, force: force, revision: revision, prepared: [:], progress: progress)
    }

    /// ``checkout(_:relativeTo:force:revision:progress:)``, putting `prepared` copies (by repository-relative path)
    /// in place instead of copying their objects from the cache.
    func checkout(
        _ paths: [String]?, relativeTo workingDirectory: String, force: Bool, revision: String? = nil,
        prepared: [String: PreparedCopy], progress: ProgressHandler?
    ) throws -> CheckoutResult {
        let relative = try paths.map { try $0.map { try repositoryPath(of: $0, relativeTo: workingDirectory) } }
        let lock = try lock(for: "checkout")
        defer { withExtendedLifetime(lock) {} }
        let targets =
            try revision.map { try trackedTargets(atRevision: $0, matching: relative) }
            ?? trackedTargets(matching: relative)
        let comparisons = try compare(targets, phase: "checking", holdingLock: true, progress: nil)

        GitIgnoreFile.excludeStagingFiles(inRepositoryAt: root)
        var writes: [(path: String, entry: DirectoryManifest.Entry)] = []
        var removals: [String] = []
        var conflicts: [String] = []
        var uncached: [String] = []
        var unchanged = 0
        for comparison in comparisons {
            guard let recorded = try recordedEntries(of: comparison) else {
                uncached.append(comparison.target.path)
                continue
            }
            let target = comparison.target
            let byPath = Dictionary(
                recorded.map { (WorkspacePath.join(target.path, target.pointer.kind == .dir ? $0.path : ""), $0) },
                uniquingKeysWith: { first, _ in first })
            unchanged += recorded.count - comparison.changes.filter { $0.kind != .added }.count
            // A directory recorded where the workspace has a file (or the reverse) must be cleared first.
            if !comparison.isMissing, let snapshot = FileSnapshot.take(absolute(target.path)),
                snapshot.isDirectory != (target.pointer.kind == .dir)
            {
                if !force { conflicts.append(target.path) }
                removals.append(target.path)
                writes += byPath.map { ($0.key, $0.value) }
                continue
            }
            for change in comparison.changes {
                var safe: Bool { force || change.new.map { store.contains($0.oid) } ?? true }
                switch change.kind {
                case .deleted, .modified:
                    guard let entry = byPath[change.path] else { continue }
                    if change.kind == .modified && !safe { conflicts.append(change.path) }
                    writes.append((change.path, entry))
                case .added:
                    if !safe { conflicts.append(change.path) }
                    removals.append(change.path)
                }
            }
        }
        if !conflicts.isEmpty {
            let listed = conflicts.prefix(10).map { "  " + $0 }.joined(separator: "\n")
            let more = conflicts.count > 10 ? "\n  … and \(conflicts.count - 10) more" : ""
            throw MLOpsError(
                .conflict,
                "checkout would overwrite local changes that are not in the cache:\n\(listed)\(more)",
                hint: "record them with `mlops commit`, move them away, or discard them with `mlops checkout --force`")
        }

        for path in removals { try removeWorkspaceItem(path) }
        let mode = config.core.link
        let totalBytes = ByteCount.total(writes.lazy.map(\.entry.size))
        let reporter = progress.map { ByteProgress(phase: "checking out", total: totalBytes, handler: $0) }
        for parent in Set(writes.map { WorkspacePath.parent(absolute($0.path)) }).sorted() {
            try Self.createDirectory(parent)
        }
        let plannedWrites = writes
        let outcomes: [Result<FileSnapshot?, MLOpsError>] = try ParallelWork.map(plannedWrites.count) { index in
            let (path, entry) = plannedWrites[index]
            do {
                let written =
                    if mode == .copy, let copy = prepared[path], copy.oid == entry.oid {
                        try copy.place(at: self.absolute(path))
                    } else {
                        try self.store.materialize(
                            entry.oid, at: self.absolute(path), mode: mode, executable: entry.exec)
                    }
                reporter?.advance(Int(entry.size))
                return .success(written.map(FileSnapshot.init))
            } catch let error as MLOpsError where error.code == .integrity || error.code == .notFound {
                return .failure(error)
            }
        }
        var failed: [String] = []
        var checkedOut: [(String, StatCache.Entry)] = []
        let now = FileSnapshot.nowNanoseconds()
        for (write, outcome) in zip(writes, outcomes) {
            guard case .success(let written) = outcome else {
                failed.append(write.path)
                continue
            }
            // A copy's own stat; for links, a hard link's inode describes the object and a symlink is recognized by
            // its target.
            guard let snapshot = written ?? (mode == .hardlink ? FileSnapshot.take(absolute(write.path)) : nil) else {
                continue
            }
            checkedOut.append(
                (write.path, StatCache.Entry(snapshot: snapshot, oid: write.entry.oid, recordedNanoseconds: now)))
        }
        // Remembered so `status` knows these files without reading them again.
        try statCache.record(checkedOut)
        if !failed.isEmpty || !uncached.isEmpty {
            let names = (uncached + failed).prefix(10).joined(separator: ", ")
            throw MLOpsError(
                failed.isEmpty ? .notFound : .integrity,
                "\(uncached.count + failed.count) item(s) could not be restored because their data is missing or corrupt in the cache: \(names)",
                hint: failed.isEmpty
                    ? "fetch the data with `mlops pull`"
                    : "run `mlops fsck --repair` to set corrupt objects aside and fetch good copies from the remote")
        }
        return CheckoutResult(restored: writes.map(\.path).sorted(), removed: removals.sorted(), unchanged: unchanged)
    }

    private func removeWorkspaceItem(_ path: String) throws {
        do {
            try FileManager.default.removeItem(atPath: absolute(path))
        } catch {
            throw MLOpsError(.failure, "cannot remove '\(path)'", cause: error)
        }
    }

    /// Creates `parent` and its missing ancestors unless it is a directory already.
    static func createDirectory(_ parent: String) throws {
        guard FileSnapshot.take(parent)?.isDirectory != true else { return }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw MLOpsError(.failure, "cannot create directory '\(parent)'", cause: error)
        }
    }
}

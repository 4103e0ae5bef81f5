#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors
import MLOpsStore

/// A regular file in the workspace, as found by a walk of a tracked path.
public struct WorkspaceFile: Sendable {
    /// The path relative to the repository root (`images/cat/1.png`), the stat cache's key.
    public var path: String
    /// The path relative to the tracked target (`cat/1.png` inside `images`), the manifest's key; for a tracked
    /// file, its name.
    public var pathInTarget: String
    /// `lstat` of the file; for a symlink into the cache, of the link.
    public var snapshot: FileSnapshot
    /// When the file is a symlink into this repository's object store (the `symlink` link mode), the object it
    /// points at: its content is known without reading it.
    public var linkedObject: ObjectID?
}

extension Repository {
    /// Every file below the tracked directory `target` (repository-relative), sorted by path.
    ///
    /// Symlinks into the object store are recognized (the `symlink` link mode); any other symlink, and special
    /// files such as sockets, are `.invalidInput`: tracking them would silently store something else.
    /// Staging files of killed writers are skipped, and removed when `removingStaleStaging` (the caller holds
    /// the write lock, so no live writer owns them).
    func scanDirectory(_ target: String, removingStaleStaging: Bool = false) throws -> [WorkspaceFile] {
        var files: [WorkspaceFile] = []
        var pending = [""]
        let base = absolute(target)
        while let directory = pending.popLast() {
            let absoluteDirectory = directory.isEmpty ? base : base + "/" + directory
            for entry in try DirectoryListing.entries(in: absoluteDirectory) {
                let inTarget = WorkspacePath.join(directory, entry.name)
                let absolutePath = absoluteDirectory + "/" + entry.name
                if entry.kind == .file && ObjectStore.isStagingName(entry.name) {
                    // Left by a writer killed mid-write; only a lock holder may clean it up.
                    if removingStaleStaging { unlink(absolutePath) }
                    continue
                }
                switch entry.kind {
                case .directory:
                    pending.append(inTarget)
                case .file, .symlink:
                    files.append(try workspaceFile(absolutePath, path: WorkspacePath.join(target, inTarget), pathInTarget: inTarget))
                case .other:
                    throw MLOpsError(
                        .invalidInput, "'\(WorkspacePath.join(target, inTarget))' is not a regular file or directory",
                        hint: "move it out of the tracked directory")
                }
            }
        }
        files.sort { $0.pathInTarget.utf8.lexicographicallyPrecedes($1.pathInTarget.utf8) }
        return files
    }

    /// Describes the regular file or cache symlink at `absolutePath`; other symlinks are refused.
    func workspaceFile(_ absolutePath: String, path: String, pathInTarget: String) throws -> WorkspaceFile {
        guard let snapshot = FileSnapshot.take(absolutePath) else {
            throw MLOpsError.system("read", path: path, errno: errno)
        }
        if snapshot.isSymlink {
            guard let object = linkedObject(absolutePath) else {
                throw MLOpsError(
                    .invalidInput, "'\(path)' is a symbolic link; mlops tracks file contents, not links",
                    hint: "replace the link with the file it points to, or track the target itself")
            }
            // The link's target gives the content's size; the link's own snapshot would give the path's length.
            let content = FileSnapshot.takeFollowingLinks(absolutePath) ?? snapshot
            return WorkspaceFile(path: path, pathInTarget: pathInTarget, snapshot: content, linkedObject: object)
        }
        guard snapshot.isRegularFile else {
            throw MLOpsError(.invalidInput, "'\(path)' is not a regular file or directory")
        }
        return WorkspaceFile(path: path, pathInTarget: pathInTarget, snapshot: snapshot, linkedObject: nil)
    }

    /// The object a symlink points at, when it points into this repository's store and the object exists.
    func linkedObject(_ absolutePath: String) -> ObjectID? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(absolutePath, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let prefix = store.objectsDirectory + "/" + ObjectID.algorithm + "/"
        guard target.hasPrefix(prefix) else { return nil }
        let rest = target.dropFirst(prefix.count).replacingOccurrences(of: "/", with: "")
        guard let id = try? ObjectID(parsing: ObjectID.algorithm + ":" + rest), store.contains(id) else { return nil }
        return id
    }
}

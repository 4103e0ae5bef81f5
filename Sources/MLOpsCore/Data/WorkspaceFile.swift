#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors
import MLOpsParallel
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
        let base = absolute(target)
        // Level by level, the directories of a level listed on every core; each listing comes back sorted.
        var listings: [String: [ScannedEntry]] = [:]
        var level = [""]
        while !level.isEmpty {
            let directories = level
            let listed = try ParallelWork.map(directories.count) { index in
                try self.scanEntries(
                    of: directories[index], in: target, base: base, removingStaleStaging: removingStaleStaging)
            }
            level = []
            for (directory, entries) in zip(directories, listed) {
                listings[directory] = entries
                for case .directory(let path) in entries { level.append(path) }
            }
        }
        // Depth first through sorted listings is bytewise order of the whole paths: a directory sorts as its name
        // followed by "/", which every path below it starts with.
        var files: [WorkspaceFile] = []
        files.reserveCapacity(listings.values.reduce(0) { $0 + $1.count })
        // Each listing is taken out of the dictionary, so iterating it copies no array.
        var stack: [(entries: [ScannedEntry], next: Int)] = [(listings.removeValue(forKey: "") ?? [], 0)]
        while let last = stack.indices.last {
            let next = stack[last].next
            guard next < stack[last].entries.count else {
                stack.removeLast()
                continue
            }
            stack[last].next = next + 1
            switch stack[last].entries[next] {
            case .file(let file): files.append(file)
            case .directory(let path): stack.append((listings.removeValue(forKey: path) ?? [], 0))
            }
        }
        return files
    }

    /// An entry of one scanned directory.
    private enum ScannedEntry: Sendable {
        case file(WorkspaceFile)
        case directory(String)
    }

    /// The entries of one directory of a scan (`directory` relative to the tracked `target`), sorted bytewise with
    /// directories as their name plus "/". Files are described with `fstatat` relative to the open directory, so
    /// the kernel resolves one name per file instead of the whole path.
    private func scanEntries(
        of directory: String, in target: String, base: String, removingStaleStaging: Bool
    ) throws -> [ScannedEntry] {
        let absoluteDirectory = directory.isEmpty ? base : base + "/" + directory
        let descriptor = open(absoluteDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MLOpsError.system("list directory", path: absoluteDirectory, errno: errno) }
        guard let stream = fdopendir(descriptor) else {
            close(descriptor)
            throw MLOpsError.system("list directory", path: absoluteDirectory, errno: errno)
        }
        defer { closedir(stream) }
        var names: [(prefix: UInt64, key: String, name: String, isDirectory: Bool)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.baseAddress.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? ""
            }
            if name == "." || name == ".." { continue }
            // A checkout would write it back, and git runs what a .git directory configures (hooks, fsmonitor).
            if name.utf8.count == 4, name.lowercased() == ".git" {
                throw MLOpsError(
                    .invalidInput,
                    "'\(WorkspacePath.join(WorkspacePath.join(target, directory), name))' is a git directory inside tracked data",
                    hint: "move it out of the data; mlops does not track .git directories")
            }
            var isDirectory = Int32(entry.pointee.d_type) == Int32(DT_DIR)
            if Int32(entry.pointee.d_type) == Int32(DT_UNKNOWN) {
                // Some file systems do not report entry types.
                var info = stat()
                isDirectory =
                    fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFDIR
            }
            let key = isDirectory ? name + "/" : name
            names.append((BytewiseOrder.prefix(of: key), key, name, isDirectory))
        }
        // Most names differ in their first eight bytes, so most comparisons are of two integers.
        names.sort { $0.prefix != $1.prefix ? $0.prefix < $1.prefix : BytewiseOrder.precedes($0.key, $1.key) }
        var entries: [ScannedEntry] = []
        entries.reserveCapacity(names.count)
        for (_, _, name, isDirectory) in names {
            let inTarget = directory.isEmpty ? name : directory + "/" + name
            if isDirectory {
                entries.append(.directory(inTarget))
                continue
            }
            var info = stat()
            guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw MLOpsError.system("read", path: WorkspacePath.join(target, inTarget), errno: errno)
            }
            let snapshot = FileSnapshot(info)
            let path = WorkspacePath.join(target, inTarget)
            if snapshot.isRegularFile {
                if ObjectStore.isStagingName(name) {
                    // Left by a writer killed mid-write; only a lock holder may clean it up.
                    if removingStaleStaging { unlinkat(descriptor, name, 0) }
                    continue
                }
                entries.append(
                    .file(WorkspaceFile(path: path, pathInTarget: inTarget, snapshot: snapshot, linkedObject: nil)))
            } else if snapshot.isSymlink {
                entries.append(
                    .file(try workspaceFile(absoluteDirectory + "/" + name, path: path, pathInTarget: inTarget)))
            } else if snapshot.isDirectory {
                throw MLOpsError(
                    .failure, "'\(path)' became a directory while it was being read", hint: "run the command again")
            } else {
                throw MLOpsError(
                    .invalidInput, "'\(path)' is not a regular file or directory",
                    hint: "move it out of the tracked directory")
            }
        }
        return entries
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

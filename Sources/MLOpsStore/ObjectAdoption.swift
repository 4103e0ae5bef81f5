#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors

extension ObjectStore {
    /// Files at least this large are adopted (see ``adoptFile(at:progress:)``) rather than copied into the store.
    public static let adoptionThreshold: Int64 = 64 << 20

    /// Stores a large workspace file by moving its inode into the store and putting an identical, independent copy
    /// in its place: the object's bytes are the ones already on disk, so making the object durable costs nothing,
    /// and the copy is written on one core while the other hashes
    /// (``HashingCopy/hashWhileCopying(_:to:size:directWrites:sourceIsObject:progress:)``). This is what
    /// `dvc add` does too (move into the cache, copy back), with the hash and the copy overlapped.
    ///
    /// Returns nil, changing nothing, when adoption does not apply: not a regular file, smaller than
    /// ``adoptionThreshold``, more than one hard link (another name outside the workspace would then alias the
    /// object), a hard link into the store is not possible (another filesystem, another user's file), or nothing
    /// can be created beside the file (a read-only directory). The caller then copies with
    /// ``ingestFile(at:progress:)``.
    ///
    /// The copy keeps the file's permission bits and modification time. It replaces the workspace file by rename,
    /// so a reader sees the old inode or the whole copy; the object is published only after that, so the workspace
    /// never shares an inode with the store. A crash leaves at most a staging link in the store's temporary
    /// directory and a staging copy beside the file.
    ///
    /// - Throws: `.conflict` when the file changed while it was read (its size, mtime or ctime moved); nothing is
    ///   stored and the file is left as it was.
    public func adoptFile(at path: String, progress: ((Int) -> Void)? = nil) throws -> HashingCopy.Outcome? {
        let source = try OpenFile.reading(path)
        let before = try source.status()
        guard (before.st_mode & S_IFMT) == S_IFREG, before.st_nlink == 1,
            Int64(before.st_size) >= Self.adoptionThreshold
        else { return nil }
        let staging = newStagingPath()
        guard link(path, staging) == 0 else { return nil }
        var stagingInfo = stat()
        // The path may have been replaced between open and link: adopt only the inode that was opened.
        guard lstat(staging, &stagingInfo) == 0, stagingInfo.st_ino == before.st_ino,
            stagingInfo.st_dev == before.st_dev
        else {
            unlink(staging)
            return nil
        }
        let replacement = Self.siblingTemporaryPath(of: path)
        // link() moved the ctime; this is the state the read must not see change.
        guard let linked = try? source.status(),
            let copy = try? OpenFile.creating(replacement, mode: linked.st_mode & 0o7777)
        else {
            // Not allowed to write beside the file (a read-only directory): copy it into the store instead.
            unlink(staging)
            return nil
        }
        do {
            let outcome = try HashingCopy.hashWhileCopying(
                source, to: copy, size: Int64(linked.st_size), progress: progress)
            let after = try source.status()
            guard outcome.size == Int64(linked.st_size), Self.sameContentStatus(linked, after) else {
                throw MLOpsError(
                    .conflict, "\(path) changed while it was being added",
                    hint: "wait until whatever writes it has finished, then add it again")
            }
            // The copy keeps the original's times, so a later write to it always shows as a new mtime.
            let times = [linked.st_atim, linked.st_mtim]
            guard futimens(copy.descriptor, times) == 0 else {
                throw MLOpsError.system("set times", path: replacement, errno: errno)
            }
            guard rename(replacement, path) == 0 else { throw MLOpsError.system("replace", path: path, errno: errno) }
            guard fchmod(source.descriptor, 0o444) == 0 else {
                throw MLOpsError.system("chmod", path: staging, errno: errno)
            }
            try publish(staging, as: outcome.id)
            return outcome
        } catch {
            unlink(replacement)
            unlink(staging)
            throw error
        }
    }

    private static func sameContentStatus(_ first: stat, _ second: stat) -> Bool {
        first.st_size == second.st_size
            && first.st_mtim.tv_sec == second.st_mtim.tv_sec && first.st_mtim.tv_nsec == second.st_mtim.tv_nsec
            && first.st_ctim.tv_sec == second.st_ctim.tv_sec && first.st_ctim.tv_nsec == second.st_ctim.tv_nsec
    }
}

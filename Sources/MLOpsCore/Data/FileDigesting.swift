import MLOpsErrors
import MLOpsParallel
import MLOpsStore
import Synchronization

/// A workspace file with its content's object id.
struct DigestedFile: Sendable {
    var file: WorkspaceFile
    var oid: ObjectID
    /// The content's size in bytes.
    var size: Int64
    /// Whether the bytes were read (false when the stat cache or a cache symlink vouched for them).
    var wasRead: Bool
    /// When hashing began (wall clock, ns), for the stat cache's racy-clean check.
    var recordedNanoseconds: Int64
}

extension Repository {
    /// Finds the object id of each file on both cores: from a trusted stat-cache entry when one exists, else by
    /// reading the file — and, with `storing`, storing its bytes in the same pass. Results keep the input order.
    func digest(
        _ files: [WorkspaceFile], under path: String, storing: Bool, phase: String, progress: ProgressHandler?
    ) throws -> [DigestedFile] {
        let trusted = try statCache.trustedIDs(for: files, under: path)
        let total = files.reduce(Int64(0)) { $0 + $1.snapshot.size }
        let store = self.store
        let report = progress.map { ByteProgress(phase: phase, total: total, handler: $0).advance }
        // What the stat cache or a cache symlink vouches for is settled here, in one cheap pass; only the rest is
        // read, on every core (handing out thousands of tiny items to threads costs more than the items).
        var known: [DigestedFile?] = []
        known.reserveCapacity(files.count)
        var unread: [Int] = []
        var knownBytes: Int64 = 0
        for (index, file) in files.enumerated() {
            let id = file.linkedObject ?? trusted[index]
            if let id, file.linkedObject != nil || !storing || store.contains(id) {
                known.append(
                    DigestedFile(file: file, oid: id, size: file.snapshot.size, wasRead: false, recordedNanoseconds: 0))
                knownBytes += file.snapshot.size
            } else {
                known.append(nil)
                unread.append(index)
            }
        }
        report?(Int(knownBytes))
        let adoptLargeFiles = storing && config.core.link == .copy
        let read = try ParallelWork.map(unread.count) { [unread] position in
            var file = files[unread[position]]
            let started = FileSnapshot.nowNanoseconds()
            let absolutePath = self.absolute(file.path)
            let outcome: HashingCopy.Outcome
            if !storing {
                outcome = try store.hashFile(at: absolutePath, progress: report)
            } else if adoptLargeFiles, file.snapshot.size >= ObjectStore.adoptionThreshold,
                let adopted = try store.adoptFile(at: absolutePath, progress: report)
            {
                outcome = adopted
                // The workspace now holds a copy with the original's mtime: remember the new inode.
                file.snapshot = FileSnapshot.take(absolutePath) ?? file.snapshot
            } else {
                outcome = try store.ingestFile(at: absolutePath, progress: report)
            }
            return DigestedFile(
                file: file, oid: outcome.id, size: outcome.size, wasRead: true, recordedNanoseconds: started)
        }
        for (position, index) in unread.enumerated() { known[index] = read[position] }
        return known.compactMap { $0 }
    }

    /// The object id the workspace's bytes at a repository-relative path have now (a file's id, or a directory's
    /// manifest id), using the stat cache so unchanged files are not read; nil when nothing is there.
    func contentID(of path: String) throws -> ObjectID? {
        guard let snapshot = FileSnapshot.take(absolute(path)) else { return nil }
        let files =
            snapshot.isDirectory
            ? try scanDirectory(path)
            : [try workspaceFile(absolute(path), path: path, pathInTarget: WorkspacePath.name(path))]
        let digests = try digest(files, under: path, storing: false, phase: "hashing", progress: nil)
        try rememberDigests(digests)
        return snapshot.isDirectory ? DirectoryManifest(digests).id : digests.first?.oid
    }

    /// Remembers the snapshots of files that were just read, so the next `status` can skip them.
    func rememberDigests(_ digests: [DigestedFile]) throws {
        try statCache.record(
            digests.filter(\.wasRead).map {
                (
                    $0.file.path,
                    StatCache.Entry(
                        snapshot: $0.file.snapshot, oid: $0.oid, recordedNanoseconds: $0.recordedNanoseconds)
                )
            })
    }
}

/// Counts bytes done across worker threads and reports the running total.
final class ByteProgress: Sendable {
    private let done = Atomic<Int64>(0)
    private let phase: String
    private let total: Int64
    private let handler: ProgressHandler

    init(phase: String, total: Int64, handler: @escaping ProgressHandler) {
        self.phase = phase
        self.total = total
        self.handler = handler
    }

    /// Adds `bytes` to the total and reports it.
    @Sendable func advance(_ bytes: Int) {
        let completed = done.wrappingAdd(Int64(bytes), ordering: .relaxed).newValue
        handler(ProgressUpdate(phase: phase, completed: completed, total: total, unit: .bytes))
    }
}

extension DirectoryManifest {
    /// The manifest of a directory's digested files.
    init(_ digests: [DigestedFile]) {
        self.init(
            entries: digests.map {
                .init(path: $0.file.pathInTarget, oid: $0.oid, size: $0.size, exec: $0.file.snapshot.executable)
            })
    }
}

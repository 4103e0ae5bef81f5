#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CSyncFS
import Foundation
import MLOpsErrors
import MLOpsParallel
import Synchronization

/// A local content-addressed object store: `objects/sha256/ab/cdef…`, each object written once and read-only.
///
/// Contracts:
/// - A path that exists under ``objectsDirectory`` holds a whole object: objects are written in
///   ``temporaryDirectory`` (as unnamed files where the system allows) and linked or renamed into place, so a
///   crash leaves at most an orphan temporary file.
/// - Nothing in the store is ever modified in place; objects are removed only by ``remove(_:)`` (garbage
///   collection).
/// - Every read that materializes an object verifies its hash first; corrupt bytes never reach the workspace.
/// - Durability is batched: writes are not fsynced one by one; callers call ``synchronize(_:)`` once before they
///   publish a reference (a pointer file, a database row) to what they stored.
public struct ObjectStore: Sendable {
    /// The directory holding `sha256/…`.
    public let objectsDirectory: String
    /// Staging for atomic writes; on the same filesystem as ``objectsDirectory``.
    public let temporaryDirectory: String

    /// A store rooted at `objectsDirectory`, staging writes in `temporaryDirectory`.
    public init(objectsDirectory: String, temporaryDirectory: String) {
        self.objectsDirectory = objectsDirectory
        self.temporaryDirectory = temporaryDirectory
    }

    /// The absolute path of object `id` (which may not exist).
    public func path(of id: ObjectID) -> String { objectsDirectory + "/" + id.relativePath }

    /// Whether object `id` is present (not whether it is intact: see ``verify(_:)``).
    public func contains(_ id: ObjectID) -> Bool { access(path(of: id), F_OK) == 0 }

    /// The size in bytes of the object `id` in this cache, or nil when the cache lacks it.
    public func size(of id: ObjectID) -> Int64? {
        var info = stat()
        return lstat(path(of: id), &info) == 0 ? Int64(info.st_size) : nil
    }

    /// Whether every object in `ids` is present. Checks run on every core, each resolving two path components
    /// relative to the open `sha256` directory rather than the whole path, which is most of an `access`'s cost.
    public func containsAll(_ ids: [ObjectID]) -> Bool {
        guard !ids.isEmpty else { return true }
        let algorithmDirectory = open(objectsDirectory + "/" + ObjectID.algorithm, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard algorithmDirectory >= 0 else { return false }
        defer { close(algorithmDirectory) }
        let chunk = 1024
        let found = try? ParallelWork.map((ids.count + chunk - 1) / chunk) { index in
            var name = [CChar](repeating: 0, count: 66)  // "ab/" + 62 digits + NUL
            for id in ids[(index * chunk)..<min(ids.count, (index + 1) * chunk)] {
                var position = 0
                for byte in id.hex.utf8 {
                    if position == 2 {
                        name[position] = CChar(UInt8(ascii: "/"))
                        position += 1
                    }
                    name[position] = CChar(bitPattern: byte)
                    position += 1
                }
                guard faccessat(algorithmDirectory, name, F_OK, 0) == 0 else { return false }
            }
            return true
        }
        return found?.allSatisfy { $0 } ?? false
    }

    /// Hashes the file at `path` and stores its bytes in one pass. `progress` receives byte counts.
    public func ingestFile(at path: String, progress: ((Int) -> Void)? = nil) throws -> HashingCopy.Outcome {
        let source = try OpenFile.reading(path)
        let size = Int64(try source.status().st_size)
        if let unnamed = OpenFile.unnamed(in: temporaryDirectory, mode: 0o444) {
            let outcome = try HashingCopy.copy(from: source, to: unnamed, expectedSize: size, progress: progress)
            try publish(unnamed, as: outcome.id)
            return outcome
        }
        let staging = temporaryPath()
        let outcome: HashingCopy.Outcome
        do {
            let destination = try OpenFile.creating(staging, mode: 0o444)
            outcome = try HashingCopy.copy(from: source, to: destination, expectedSize: size, progress: progress)
        } catch {
            unlink(staging)
            throw error
        }
        try publish(staging, as: outcome.id)
        return outcome
    }

    /// Hashes the file at `path` without storing it. `progress` receives byte counts.
    public func hashFile(at path: String, progress: ((Int) -> Void)? = nil) throws -> HashingCopy.Outcome {
        let source = try OpenFile.reading(path)
        return try HashingCopy.hash(source, progress: progress)
    }

    /// Stores `bytes` (a manifest, a model file) and returns their id.
    @discardableResult
    public func store(_ bytes: [UInt8]) throws -> ObjectID {
        let id = ObjectID(hashing: bytes)
        if contains(id) { return id }
        let staging = temporaryPath()
        do {
            let file = try OpenFile.creating(staging, mode: 0o444)
            try bytes.withUnsafeBytes { try file.write($0) }
        } catch {
            unlink(staging)
            throw error
        }
        try publish(staging, as: id)
        return id
    }

    /// A fresh path in the staging directory for a file that may become an object through ``adopt(_:as:)``.
    public func newStagingPath() -> String { temporaryPath() }

    /// Moves the staged file into the store as object `id` when `digest` (what its bytes hash to, computed while
    /// they were written) is `id`: a download from a remote enters the cache only when intact. The staged file
    /// is removed otherwise.
    ///
    /// - Throws: `.integrity` naming the object when the bytes do not match; the cache is not touched.
    public func adopt(_ staging: String, as id: ObjectID, digest: ObjectID) throws {
        guard digest == id else {
            unlink(staging)
            throw MLOpsError(
                .integrity, "object \(id) on the remote is corrupt: its bytes hash to \(digest)",
                hint:
                    "it was not used; repair the remote with `mlops push --verify` from a clone whose `mlops fsck` is clean"
            )
        }
        try publish(staging, as: id)
    }

    /// Reads object `id` whole, verifying its hash. For small objects (manifests, model files).
    public func read(_ id: ObjectID) throws -> [UInt8] {
        guard contains(id) else {
            throw MLOpsError(
                .notFound, "object \(id) is not in the cache",
                hint: "fetch it from a remote with `mlops pull`, or re-add the data it came from")
        }
        let file = try OpenFile.reading(path(of: id))
        let size = Int(try file.status().st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        let count = try bytes.withUnsafeMutableBytes { try file.readFully(into: $0) }
        bytes.removeSubrange(count...)
        guard ObjectID(hashing: bytes) == id else { throw corrupt(id) }
        return bytes
    }

    /// Rehashes object `id`: returns its size when intact, throws `.integrity` when corrupt, `.notFound` when absent.
    @discardableResult
    public func verify(_ id: ObjectID) throws -> Int64 {
        let file = try OpenFile.reading(path(of: id))
        let outcome = try HashingCopy.hash(file)
        guard outcome.id == id else { throw corrupt(id) }
        return outcome.size
    }

    /// Materializes object `id` at `destination`, replacing whatever is there atomically: a reader of
    /// `destination` sees the old file or the whole new one, never a partial one. The bytes are verified first;
    /// a corrupt object throws `.integrity` and leaves `destination` untouched.
    ///
    /// Returns the `stat` of the file written in copy mode (taken from the open file, after the rename), nil for
    /// links.
    @discardableResult
    public func materialize(_ id: ObjectID, at destination: String, mode: LinkMode, executable: Bool = false) throws
        -> stat?
    {
        let objectPath = path(of: id)
        let staging = Self.siblingTemporaryPath(of: destination)
        do {
            switch mode {
            case .copy:
                let source = try OpenFile.reading(objectPath)
                let size = Int64(try source.status().st_size)
                let permissions: mode_t = executable ? 0o755 : 0o644
                // An unnamed file linked in place costs one directory update instead of a create and a rename when
                // nothing is at `destination` yet (a checkout of deleted or fresh data).
                if let unnamed = OpenFile.unnamed(in: Self.parent(of: destination), mode: permissions) {
                    try copyVerifying(id, from: source, size: size, to: unnamed)
                    try unnamed.placeUnnamed(at: destination)
                    return try unnamed.status()
                }
                let target = try OpenFile.creating(staging, mode: permissions)
                try copyVerifying(id, from: source, size: size, to: target)
                guard rename(staging, destination) == 0 else {
                    throw MLOpsError.system("replace", path: destination, errno: errno)
                }
                return try target.status()
            case .hardlink:
                try verify(id)
                guard link(objectPath, staging) == 0 else {
                    throw MLOpsError.system("link", path: destination, errno: errno)
                }
            case .symlink:
                try verify(id)
                guard symlink(objectPath, staging) == 0 else {
                    throw MLOpsError.system("symlink", path: destination, errno: errno)
                }
            }
            guard rename(staging, destination) == 0 else {
                throw MLOpsError.system("replace", path: destination, errno: errno)
            }
            return nil
        } catch {
            unlink(staging)
            throw error
        }
    }

    /// Copies object `id` (opened as `source`, `size` bytes) to `target`, throwing `.integrity` unless the bytes
    /// hash to `id`.
    private func copyVerifying(
        _ id: ObjectID, from source: borrowing OpenFile, size: Int64, to target: borrowing OpenFile
    ) throws {
        guard try HashingCopy.copyUnchanging(from: source, to: target, size: size).id == id else { throw corrupt(id) }
    }

    /// Moves object `id` out of the store into `directory` (created if needed), keeping its bytes for a look
    /// but making it absent, so a fetch can bring a good copy. Absent objects are not an error.
    public func quarantine(_ id: ObjectID, into directory: String) throws {
        if mkdir(directory, 0o755) != 0, errno != EEXIST {
            throw MLOpsError.system("create", path: directory, errno: errno)
        }
        if rename(path(of: id), directory + "/" + id.hex) != 0, errno != ENOENT {
            throw MLOpsError.system("quarantine", path: path(of: id), errno: errno)
        }
    }

    /// Removes object `id`; absent objects are not an error.
    public func remove(_ id: ObjectID) throws {
        if unlink(path(of: id)) != 0 && errno != ENOENT {
            throw MLOpsError.system("remove", path: path(of: id), errno: errno)
        }
    }

    /// Every object id present in the store, in no particular order. Files that are not objects are skipped.
    public func allObjects() throws -> [ObjectID] {
        let algorithmDirectory = objectsDirectory + "/" + ObjectID.algorithm
        var ids: [ObjectID] = []
        for shard in try DirectoryListing.names(in: algorithmDirectory, missingIsEmpty: true)
        where shard.utf8.count == 2 {
            for rest in try DirectoryListing.names(in: algorithmDirectory + "/" + shard, missingIsEmpty: true) {
                if let id = try? ObjectID(parsing: ObjectID.algorithm + ":" + shard + rest) { ids.append(id) }
            }
        }
        return ids
    }

    /// Makes objects `ids`, written since the last synchronization, durable before a reference to them is
    /// published. A few objects are fsynced one by one with their directories, so unrelated dirty data elsewhere
    /// on the filesystem (a workspace copy just made, another job's output) is not waited for; many are flushed
    /// with one ``synchronize()``.
    public func synchronize(_ ids: some Collection<ObjectID>) throws {
        guard ids.count <= 16 else { return try synchronize() }
        var directories: Set<String> = []
        for id in ids {
            try OpenFile.reading(path(of: id)).synchronize()
            directories.insert(Self.parent(of: path(of: id)))
        }
        guard !ids.isEmpty else { return }
        // New shard directories are entries of `sha256`, which is an entry of the objects directory.
        for directory in directories.sorted() + [objectsDirectory + "/" + ObjectID.algorithm, objectsDirectory] {
            try OpenFile.reading(directory).synchronize()
        }
    }

    /// Makes everything written so far durable. Call once before publishing references to new objects.
    public func synchronize() throws {
        let directory = try OpenFile.reading(objectsDirectory)
        guard mlops_syncfs(directory.descriptor) == 0 else {
            throw MLOpsError.system("sync", path: objectsDirectory, errno: errno)
        }
    }

    /// Removes staging files left by interrupted writers older than `age` seconds; returns how many were removed.
    @discardableResult
    public func removeStaleTemporaryFiles(olderThan age: TimeInterval = 3600) throws -> Int {
        let cutoff = Date().timeIntervalSince1970 - age
        var removed = 0
        for name in try DirectoryListing.names(in: temporaryDirectory, missingIsEmpty: true) {
            let path = temporaryDirectory + "/" + name
            var info = stat()
            if lstat(path, &info) == 0, TimeInterval(info.st_mtim.tv_sec) < cutoff, unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    /// Names the unnamed file `file` as object `id` with one link into its shard: no temporary name to create in
    /// the one staging directory every thread writes to, and no rename across directories. When that link fails
    /// (the object exists, or its shard does not yet), the file is named in the staging directory and published
    /// like any staged file, which replaces (and so repairs) an existing object.
    func publish(_ file: borrowing OpenFile, as id: ObjectID) throws {
        if file.linkUnnamed(as: path(of: id)) { return }
        let staging = temporaryPath()
        guard file.linkUnnamed(as: staging) else {
            throw MLOpsError.system("store object", path: staging, errno: errno)
        }
        try publish(staging, as: id)
    }

    func publish(_ staging: String, as id: ObjectID) throws {
        let finalPath = path(of: id)
        // Renaming over an existing object replaces it with identical bytes, which also repairs a corrupt copy.
        if rename(staging, finalPath) == 0 { return }
        var code = errno
        if code == ENOENT {
            let shard = Self.parent(of: finalPath)
            if mkdir(Self.parent(of: shard), 0o755) != 0 && errno != EEXIST { code = errno }
            if mkdir(shard, 0o755) == 0 || errno == EEXIST {
                if rename(staging, finalPath) == 0 { return }
            }
            code = errno
        }
        unlink(staging)
        throw MLOpsError.system("store object", path: finalPath, errno: code)
    }

    private func temporaryPath() -> String {
        temporaryDirectory + "/" + Self.uniqueName() + ".part"
    }

    /// Whether `name` is a staging file made by ``siblingTemporaryPath(of:)``, which a killed writer can leave
    /// behind; walks of the workspace skip such files and writers remove them.
    /// The name is exactly what ``siblingTemporaryPath(of:)`` makes, `.<name>.mlops-<pid>-<id>-<n>.tmp` (base 36
    /// ids), so a user's file that merely looks similar is neither skipped nor removed.
    public static func isStagingName(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".tmp"), let marker = name.range(of: ".mlops-", options: .backwards)
        else {
            return false
        }
        let parts = name[marker.upperBound..<name.index(name.endIndex, offsetBy: -4)].split(
            separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isNumber || $0.isLowercase) } }
            && parts[0].allSatisfy(\.isNumber)
    }

    /// The id of the process that made a staging name (``isStagingName(_:)``), or nil for any other name.
    public static func stagingWriter(_ name: String) -> Int32? {
        guard isStagingName(name), let marker = name.range(of: ".mlops-", options: .backwards) else { return nil }
        return Int32(name[marker.upperBound...].prefix { $0 != "-" })
    }

    /// A temporary name beside `path`, so the final rename stays on one filesystem and is atomic.
    static func siblingTemporaryPath(of path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return directory + "." + name + ".mlops-" + uniqueName() + ".tmp"
    }

    private static func parent(of path: String) -> String {
        String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }

    private static func uniqueName() -> String {
        uniquePrefix + String(uniqueCounter.wrappingAdd(1, ordering: .relaxed).newValue, radix: 36)
    }

    /// The process id and a random number, computed once: staging names are made per file, and two system calls
    /// for each showed up in the profile of checking out many small files.
    private static let uniquePrefix =
        String(getpid()) + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + "-"
    private static let uniqueCounter = Atomic<Int>(0)

    private func corrupt(_ id: ObjectID) -> MLOpsError {
        MLOpsError(
            .integrity, "object \(id) is corrupt: its bytes no longer match their hash",
            hint: "run `mlops fsck --repair` to set it aside and fetch a good copy from the remote, or re-add the data")
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsErrors
import Synchronization

/// A remote in a directory (a shared drive, an NFS mount): `<root>/sha256/ab/cdef…`, written through a
/// temporary file and a rename like the local cache.
public struct PathRemote: RemoteStorage {
    public let root: String
    public var location: String { root }
    /// Shard directories known to exist, so a push of many objects creates each one once.
    private let shards = ShardDirectories()

    public init(root: String) { self.root = root }

    public func listObjects() async throws -> Set<ObjectID> {
        let root = self.root
        return try await BlockingWork.run {
            guard DirectoryListing.kind(of: root) == .directory else {
                throw MLOpsError(
                    .notFound, "the remote directory '\(root)' does not exist",
                    hint: "create it, or point the remote elsewhere: mlops remote add <name> <path> --force")
            }
            var ids = Set<ObjectID>()
            let algorithmDirectory = root + "/" + ObjectID.algorithm
            for shard in try DirectoryListing.names(in: algorithmDirectory, missingIsEmpty: true)
            where shard.utf8.count == 2 {
                for rest in try DirectoryListing.names(in: algorithmDirectory + "/" + shard, missingIsEmpty: true) {
                    if let id = try? ObjectID(parsing: ObjectID.algorithm + ":" + shard + rest) { ids.insert(id) }
                }
            }
            return ids
        }
    }

    public func upload(_ id: ObjectID, from path: String, size: Int64) async throws {
        let destination = root + "/" + id.relativePath
        try await BlockingWork.run {
            try shards.ensure(String(destination[..<(destination.lastIndex(of: "/") ?? destination.endIndex)]))
            let staging = ObjectStore.siblingTemporaryPath(of: destination)
            do {
                let source = try OpenFile.reading(path)
                let target = try OpenFile.creating(staging, mode: 0o444)
                // Hashing while copying refuses to spread a corrupt local object.
                let outcome = try HashingCopy.copyUnchanging(
                    from: source, to: target, size: Int64(try source.status().st_size))
                guard outcome.id == id else {
                    throw MLOpsError(
                        .integrity, "the cached object \(id) is corrupt; it was not pushed",
                        hint: "run `mlops fsck`, then re-add or fetch the data it belongs to")
                }
                guard rename(staging, destination) == 0 else {
                    throw MLOpsError.system("store on the remote", path: destination, errno: errno)
                }
            } catch {
                unlink(staging)
                throw error
            }
        }
    }

    public func removeAbandonedUploads(olderThan age: TimeInterval) async throws -> Int {
        let objects = root + "/" + ObjectID.algorithm
        return try await BlockingWork.run {
            let cutoff = Date().timeIntervalSince1970 - age
            var removed = 0
            for shard in try DirectoryListing.names(in: objects, missingIsEmpty: true) {
                let directory = objects + "/" + shard
                for name in try DirectoryListing.names(in: directory, missingIsEmpty: true)
                where ObjectStore.isStagingName(name) {
                    var info = stat()
                    let path = directory + "/" + name
                    if lstat(path, &info) == 0, TimeInterval(info.st_mtim.tv_sec) < cutoff, unlink(path) == 0 {
                        removed += 1
                    }
                }
            }
            return removed
        }
    }

    public func download(_ id: ObjectID, to path: String, duplicates: [HashingCopy.Duplicate]) async throws
        -> HashingCopy.Outcome
    {
        let source = root + "/" + id.relativePath
        return try await BlockingWork.run {
            guard access(source, F_OK) == 0 else {
                throw MLOpsError(
                    .notFound, "object \(id) is not on the remote '\(root)'", hint: "push it from a clone that has it")
            }
            let input = try OpenFile.readingRegularFile(source)
            let output = try OpenFile.creating(path, mode: 0o444)
            // What is hashed is the remote file the kernel copies from; objects there are never rewritten in place.
            return try HashingCopy.copyUnchanging(
                from: input, to: output, size: Int64(try input.status().st_size), duplicates: duplicates)
        }
    }

    public func listDocuments(in folder: String) async throws -> Set<String> {
        let directory = root + "/" + folder
        return try await BlockingWork.run {
            Set(
                try DirectoryListing.names(in: directory, missingIsEmpty: true).filter {
                    !ObjectStore.isStagingName($0)
                })
        }
    }

    public func uploadDocument(_ bytes: [UInt8], named name: String, in folder: String) async throws {
        let directory = root + "/" + folder
        try await BlockingWork.run {
            try shards.ensure(directory)
            try AtomicFile.write(bytes: bytes, to: directory + "/" + name)
        }
    }

    public func createDocument(_ bytes: [UInt8], named name: String, in folder: String) async throws -> Bool {
        let directory = root + "/" + folder
        return try await BlockingWork.run {
            try shards.ensure(directory)
            let path = directory + "/" + name
            // Written whole and made durable under a temporary name, then linked: link(2) fails with EEXIST when
            // the name exists, atomically, so one creator wins (rename would replace).
            let staging = ObjectStore.siblingTemporaryPath(of: path)
            defer { unlink(staging) }
            let file = try OpenFile.creating(staging, mode: 0o444)
            try bytes.withUnsafeBytes { try file.write($0) }
            try file.synchronize()
            if link(staging, path) == 0 { return true }
            guard errno == EEXIST else { throw MLOpsError.system("create on the remote", path: path, errno: errno) }
            return false
        }
    }

    public func downloadDocument(named name: String, in folder: String) async throws -> [UInt8] {
        let path = root + "/" + folder + "/" + name
        return try await BlockingWork.run {
            guard access(path, F_OK) == 0 else {
                throw MLOpsError(.notFound, "'\(folder)/\(name)' is not on the remote '\(root)'")
            }
            let file = try OpenFile.readingRegularFile(path)
            let size = Int(try file.status().st_size)
            guard size <= maximumDocumentSize else {
                throw MLOpsError(.integrity, "'\(path)' is \(size) bytes, too large for a document on a remote")
            }
            var bytes = [UInt8](repeating: 0, count: size)
            let read = try bytes.withUnsafeMutableBytes { try file.readFully(into: $0) }
            return Array(bytes[..<read])
        }
    }
}

/// Creates shard directories on first use and remembers them.
private final class ShardDirectories: Sendable {
    private let known = Mutex<Set<String>>([])

    func ensure(_ directory: String) throws {
        guard !known.withLock({ $0.contains(directory) }) else { return }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        known.withLock { _ = $0.insert(directory) }
    }
}

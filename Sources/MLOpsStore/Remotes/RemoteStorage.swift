import Foundation
import MLOpsErrors

/// Where objects are shared: a directory or an S3 bucket laid out like the local cache, `sha256/ab/cdef…` under
/// the remote's root, so any tool can inspect it.
///
/// Contracts every implementation meets (the conformance tests run each one through them):
/// - ``listObjects()`` answers from listings, never from one request per object.
/// - ``upload(_:from:size:)`` makes an object appear whole or not at all; uploading an object twice is harmless.
/// - ``download(_:to:duplicates:)`` writes the remote's bytes to a local file (and to any duplicates) and returns
///   the id and size of the bytes it wrote (hashed while writing, so nothing is read twice); the caller compares
///   the id with the object's before the object enters the cache.
/// - Transient failures (5xx, timeouts, refused connections) are retried with backoff before an error is thrown.
///
/// Beside the objects, a remote keeps small named documents in folders of their own (`runcache/<key>`): metadata
/// that is not addressed by its content. Names are checked by the caller to be plain file names.
public protocol RemoteStorage: Sendable {
    /// The remote as users wrote it, for messages (`/mnt/share/cache`, `s3://bucket/prefix`).
    var location: String { get }
    /// Every object on the remote.
    func listObjects() async throws -> Set<ObjectID>
    /// Copies the local file at `path` (object `id`, `size` bytes) to the remote.
    func upload(_ id: ObjectID, from path: String, size: Int64) async throws
    /// Copies object `id` from the remote into the file at `path`, which it creates or truncates, and into each
    /// of `duplicates` (a workspace copy `pull` writes from the same bytes), and returns the id its bytes hash to
    /// and their size.
    func download(_ id: ObjectID, to path: String, duplicates: [HashingCopy.Duplicate]) async throws
        -> HashingCopy.Outcome
    /// The names of the documents in `folder` (empty when the folder does not exist).
    func listDocuments(in folder: String) async throws -> Set<String>
    /// Writes document `name` in `folder`, whole or not at all, replacing one of the same name.
    func uploadDocument(_ bytes: [UInt8], named name: String, in folder: String) async throws
    /// Reads document `name` in `folder`; throws `.notFound` when it is not there.
    func downloadDocument(named name: String, in folder: String) async throws -> [UInt8]
    /// Writes document `name` in `folder` only if no document of that name exists, whole or not at all, and
    /// says whether it did: of any number of clients creating the same name at once, exactly one succeeds (S3
    /// `PutObject` with `If-None-Match: *`; `link(2)` on a directory). A retried request that had in fact
    /// succeeded reports `false`: callers compare what is there with what they wrote.
    func createDocument(_ bytes: [UInt8], named name: String, in folder: String) async throws -> Bool
    /// The names in `folder` that sort after `name` (bytewise), or all of them when `name` is nil: a listing
    /// that starts where the caller's previous one ended.
    func listDocuments(in folder: String, after name: String?) async throws -> Set<String>
    /// Removes what interrupted uploads left (staging files, unfinished S3 multipart uploads) that started
    /// more than `age` seconds ago — long enough that no live upload, from any machine, is still writing them.
    /// Returns how many it removed.
    func removeAbandonedUploads(olderThan age: TimeInterval) async throws -> Int
    /// Releases connections; call once when done.
    func close() async
}

/// The largest document a remote may hand back: documents are metadata (a run record with its metric history
/// is the largest), never data.
let maximumDocumentSize = 64 << 20

extension RemoteStorage {
    public func close() async {}

    public func listDocuments(in folder: String, after name: String?) async throws -> Set<String> {
        let all = try await listDocuments(in: folder)
        guard let name else { return all }
        return all.filter { BytewiseOrder.precedes(name, $0) }
    }

    /// Copies object `id` from the remote into the file at `path`; see ``download(_:to:duplicates:)``.
    public func download(_ id: ObjectID, to path: String) async throws -> HashingCopy.Outcome {
        try await download(id, to: path, duplicates: [])
    }
}

/// Runs blocking file work on a dispatch thread, keeping the cooperative thread pool free for network tasks.
enum BlockingWork {
    static func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Swift.Result { try work() }) }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsStore

/// A workspace file `pull` writes while it fetches the file's object, from the same bytes (hashed as they are
/// written; kept only when they match the id), for the checkout that follows to link into place instead of
/// reading the object back from the cache.
///
/// Until then it is an unnamed file (`O_TMPFILE`) in the directory it belongs in: one that is never placed
/// vanishes when released, and a crash leaves nothing behind.
final class PreparedCopy: Sendable {
    /// The repository-relative path of the file it becomes.
    let path: String
    /// The object its bytes are.
    let oid: ObjectID
    private let file: OpenFile

    /// Nil where the filesystem cannot hold unnamed files (the file is then checked out from the cache).
    init?(path: String, oid: ObjectID, in directory: String, executable: Bool) {
        guard let file = OpenFile.unnamed(in: directory, mode: executable ? 0o755 : 0o644) else { return nil }
        self.path = path
        self.oid = oid
        self.file = file
    }

    /// Where a download writes the copy's bytes.
    var duplicate: HashingCopy.Duplicate { HashingCopy.Duplicate(file) }

    /// Names the copy `destination`, atomically replacing what is there; returns its status.
    func place(at destination: String) throws -> stat {
        try file.placeUnnamed(at: destination)
        return try file.status()
    }
}

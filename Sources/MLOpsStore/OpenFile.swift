#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CSyncFS
import MLOpsErrors

/// An open POSIX file descriptor that closes itself; every failure becomes an ``MLOpsError`` naming the path.
///
/// The store talks to the kernel directly rather than through `FileHandle`: buffered Foundation reads cost about a
/// quarter of hashing throughput (see NOTES in docs/architecture.md).
public struct OpenFile: ~Copyable, Sendable {
    /// The descriptor.
    public let descriptor: Int32
    /// The path it was opened with, for error messages.
    public let path: String

    /// Opens `path` for reading.
    public static func reading(_ path: String) throws -> OpenFile {
        try OpenFile(path: path, flags: O_RDONLY | O_CLOEXEC, mode: 0)
    }

    /// Opens `path` for reading only if it is a regular file itself: a link (to `/dev/zero`, say), a pipe or a
    /// device in a shared directory could feed endless bytes or block forever. Throws `.integrity` for those.
    public static func readingRegularFile(_ path: String) throws -> OpenFile {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ELOOP {
                throw MLOpsError(
                    .integrity, "'\(path)' is a symbolic link, not a file", hint: "replace it with the object's bytes")
            }
            throw MLOpsError.system("open", path: path, errno: errno)
        }
        let file = OpenFile(descriptor: descriptor, path: path)
        guard try file.status().st_mode & S_IFMT == S_IFREG else {
            throw MLOpsError(.integrity, "'\(path)' is not a regular file", hint: "replace it with the object's bytes")
        }
        return file
    }

    /// Creates `path`, which must not exist, for writing with permission bits `mode`.
    public static func creating(_ path: String, mode: mode_t) throws -> OpenFile {
        try OpenFile(path: path, flags: O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: mode)
    }

    /// Creates or truncates `path` for writing (a staging file a retried download starts over).
    public static func replacing(_ path: String, mode: mode_t) throws -> OpenFile {
        try OpenFile(path: path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode: mode)
    }

    /// Opens an unnamed file for writing in `directory`, to be named by ``linkUnnamed(as:)``; nil where the
    /// filesystem cannot (the caller then uses a named staging file).
    public static func unnamed(in directory: String, mode: mode_t) -> OpenFile? {
        guard canNameUnnamedFiles else { return nil }
        let descriptor = mlops_open_unnamed(directory, mode)
        return descriptor >= 0 ? OpenFile(descriptor: descriptor, path: directory) : nil
    }

    /// Unnamed files are named through `/proc/self/fd`, which a container may not mount.
    private static let canNameUnnamedFiles = access("/proc/self/fd", F_OK) == 0

    /// Names the unnamed file at `path`; false with errno set (EEXIST when `path` exists).
    public func linkUnnamed(as path: String) -> Bool { mlops_link_unnamed(descriptor, path) == 0 }

    /// Names the unnamed file `destination`, atomically replacing whatever is there: one link when nothing is
    /// (the usual case), else a link beside it renamed over it.
    public func placeUnnamed(at destination: String) throws {
        if linkUnnamed(as: destination) { return }
        let staging = ObjectStore.siblingTemporaryPath(of: destination)
        guard linkUnnamed(as: staging) else { throw MLOpsError.system("create", path: destination, errno: errno) }
        guard rename(staging, destination) == 0 else {
            let code = errno
            unlink(staging)
            throw MLOpsError.system("replace", path: destination, errno: code)
        }
    }

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    private init(path: String, flags: Int32, mode: mode_t) throws {
        let descriptor = open(path, flags, mode)
        guard descriptor >= 0 else { throw MLOpsError.system("open", path: path, errno: errno) }
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Reads up to `buffer.count` bytes; returns 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try Self.read(into: buffer, descriptor: descriptor, path: path)
    }

    /// Reads until `buffer` is full or the file ends; returns the number of bytes read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try Self.readFully(into: buffer, descriptor: descriptor, path: path)
    }

    /// ``read(into:)`` from a raw descriptor; for threads that cannot borrow an `OpenFile`.
    static func read(into buffer: UnsafeMutableRawBufferPointer, descriptor: Int32, path: String) throws -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw MLOpsError.system("read", path: path, errno: errno) }
        }
    }

    /// ``readFully(into:)`` from a raw descriptor.
    static func readFully(into buffer: UnsafeMutableRawBufferPointer, descriptor: Int32, path: String) throws -> Int {
        var total = 0
        while total < buffer.count {
            let count = try read(
                into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]), descriptor: descriptor, path: path)
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Reads from byte `offset` until `buffer` is full or the file ends; returns the number of bytes read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw MLOpsError.system("seek", path: path, errno: errno)
        }
        return try readFully(into: buffer)
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try Self.writeAll(bytes, descriptor: descriptor, path: path)
    }

    /// Writes all of `bytes` to a raw descriptor; for threads that cannot borrow an `OpenFile`.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, descriptor: Int32, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw MLOpsError.system("write", path: path, errno: errno)
            }
            offset += count
        }
    }

    /// Flushes the file's data to stable storage.
    public func synchronize() throws {
        guard fsync(descriptor) == 0 else { throw MLOpsError.system("fsync", path: path, errno: errno) }
    }

    /// The file's status.
    public func status() throws -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw MLOpsError.system("stat", path: path, errno: errno) }
        return info
    }
}

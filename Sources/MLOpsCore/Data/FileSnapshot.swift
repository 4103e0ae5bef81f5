#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors

/// What `lstat` says about a file, reduced to what decides whether its content may have changed.
public struct FileSnapshot: Equatable, Sendable {
    public var device: Int64
    public var inode: Int64
    public var size: Int64
    public var mtimeNanoseconds: Int64
    public var ctimeNanoseconds: Int64
    /// Whether the owner-execute bit is set.
    public var executable: Bool
    /// Whether the path is a symbolic link (then the other fields describe the link).
    public var isSymlink: Bool
    /// Whether the path is a regular file.
    public var isRegularFile: Bool
    /// Whether the path is a directory.
    public var isDirectory: Bool

    /// Takes a snapshot of `path` without following a final symlink; nil when nothing is there.
    public static func take(_ path: String) -> FileSnapshot? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return FileSnapshot(info)
    }

    /// Takes a snapshot of `path`, following symlinks; nil when nothing is there.
    public static func takeFollowingLinks(_ path: String) -> FileSnapshot? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileSnapshot(info)
    }

    init(_ info: stat) {
        device = Int64(info.st_dev)
        inode = Int64(info.st_ino)
        size = Int64(info.st_size)
        mtimeNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        ctimeNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        let type = info.st_mode & S_IFMT
        executable = info.st_mode & S_IXUSR != 0
        isSymlink = type == S_IFLNK
        isRegularFile = type == S_IFREG
        isDirectory = type == S_IFDIR
    }

    /// The wall-clock time now in nanoseconds, the clock file timestamps use.
    public static func nowNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

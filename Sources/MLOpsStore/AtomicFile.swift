#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors

/// Replaces small files (pointer files, `.gitignore`) all at once: readers and a crash see the old content or
/// the new, never a mix.
public enum AtomicFile {
    /// Writes `text` to `path` through a fsynced sibling temporary file and a rename.
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
        try write(bytes: Array(text.utf8), to: path, mode: mode)
    }

    /// Writes `bytes` to `path` through a fsynced sibling temporary file and a rename.
    public static func write(bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let staging = ObjectStore.siblingTemporaryPath(of: path)
        do {
            let file = try OpenFile.creating(staging, mode: mode)
            try bytes.withUnsafeBytes { try file.write($0) }
            try file.synchronize()
        } catch {
            unlink(staging)
            throw error
        }
        guard rename(staging, path) == 0 else {
            let code = errno
            unlink(staging)
            throw MLOpsError.system("write", path: path, errno: code)
        }
    }
}

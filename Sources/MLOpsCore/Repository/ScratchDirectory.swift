#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsErrors

/// A directory under `$TMPDIR` that one operation owns while it runs (a reproduction's checkout, a fetch's
/// throwaway repository): mode 0700, named `<prefix><pid>-<uuid>`, so the next operation of that kind removes one
/// whose process was killed before it could.
struct ScratchDirectory {
    let path: String

    /// Creates a fresh directory named with `prefix` (such as `mlops-fetch-`), first removing those of the same
    /// prefix whose process is gone.
    static func make(prefix: String) throws -> ScratchDirectory {
        let parent = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: parent + name) }
        }
        let path = parent + prefix + "\(getpid())-" + UUID().uuidString.lowercased()
        // Only this user may read it: it may hold a project's code, data or models.
        guard mkdir(path, 0o700) == 0 else { throw MLOpsError.system("create", path: path, errno: errno) }
        return ScratchDirectory(path: path)
    }

    /// Removes the directory and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

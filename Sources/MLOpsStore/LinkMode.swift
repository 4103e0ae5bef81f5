/// How a cached object is materialized at a workspace path.
public enum LinkMode: String, Codable, Sendable, CaseIterable {
    /// A copy-on-write clone where the filesystem supports it, else a plain copy. The workspace file is writable.
    case copy
    /// A hard link to the cached object. The workspace file is read-only, since writing it would corrupt the cache.
    case hardlink
    /// A symbolic link to the cached object. The workspace file is read-only.
    case symlink
}

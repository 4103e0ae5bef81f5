#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors

/// Reads directories with `readdir`, which on Linux is several times faster than `FileManager`'s enumerators.
public enum DirectoryListing {
    /// The kind of a directory entry, as `readdir` reports it.
    public enum Kind: Sendable { case file, directory, symlink, other }

    /// One entry of a directory.
    public struct Entry: Sendable {
        /// The entry's name (not a path).
        public var name: String
        /// Its kind.
        public var kind: Kind
    }

    /// The names in `directory`, without `.` and `..`, unsorted.
    public static func names(in directory: String, missingIsEmpty: Bool = false) throws -> [String] {
        try entries(in: directory, missingIsEmpty: missingIsEmpty).map(\.name)
    }

    /// The entries of `directory`, without `.` and `..`, unsorted.
    public static func entries(in directory: String, missingIsEmpty: Bool = false) throws -> [Entry] {
        guard let stream = opendir(directory) else {
            if missingIsEmpty && errno == ENOENT { return [] }
            throw MLOpsError.system("list directory", path: directory, errno: errno)
        }
        defer { closedir(stream) }
        var entries: [Entry] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.baseAddress.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? ""
            }
            if name == "." || name == ".." { continue }
            let kind: Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symlink
            case Int32(DT_UNKNOWN): kind = Self.kind(of: directory + "/" + name)
            default: kind = .other
            }
            entries.append(Entry(name: name, kind: kind))
        }
        return entries
    }

    /// The kind of `path` without following a final symlink.
    public static func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }
}

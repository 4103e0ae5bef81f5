#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors

/// Replaces files all at once: readers and a crash see the old content or the new, never a mix.
///
/// A destination that exists and is not a regular file (a pipe, a device), or that is a process's standard stream
/// or a link to one (`/dev/stdout` with standard output redirected to a file), is written in place instead:
/// renaming over it would replace the device or the link. Every write error (a full disk, `/dev/full`) is reported,
/// and a failed write leaves no temporary file.
public enum AtomicFile {
    /// Writes `text` to `path` through a fsynced sibling temporary file and a rename.
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
        try write(bytes: Array(text.utf8), to: path, mode: mode)
    }

    /// Writes `bytes` to `path` through a fsynced sibling temporary file and a rename.
    public static func write(bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let writer = try Writer(path: path, mode: mode)
        try bytes.withUnsafeBytes { try writer.append($0) }
        try writer.commit()
    }

    /// Throws `notFound` naming the directory `path` would be written in when there is no such directory, so a
    /// command can check before it does the work.
    public static func requireDirectory(of path: String) throws {
        let parent = Writer.parent(of: path)
        var info = stat()
        guard stat(parent, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw MLOpsError(
                .notFound, "cannot write '\(path)': the directory '\(parent)' does not exist",
                hint: "create it first, or write elsewhere")
        }
    }

    /// A file written piece by piece and published whole by ``commit()``. Dropping a writer that was not
    /// committed removes its temporary file.
    public final class Writer {
        private let file: OpenFile
        /// The final path.
        public let path: String
        /// The temporary sibling being written, or nil when writing straight into a device or pipe.
        private let staging: String?
        private var committed = false

        /// Starts writing `path` (through a temporary sibling when `path` is, or will be, a regular file).
        public init(path: String, mode: mode_t = 0o644) throws {
            self.path = path
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                throw MLOpsError(.invalidInput, "'\(path)' is a directory", hint: "name a file to write")
            }
            if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG || Self.namesAStream(path) {
                staging = nil
                file = try OpenFile.replacing(path, mode: mode)
            } else {
                try AtomicFile.requireDirectory(of: path)
                let staging = ObjectStore.siblingTemporaryPath(of: path)
                self.staging = staging
                file = try OpenFile.creating(staging, mode: mode)
            }
        }

        deinit {
            if !committed, let staging { unlink(staging) }
        }

        /// Whether `path` is, or links to (through up to eight links, relative ones too), a process's standard
        /// stream or descriptor (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`): the caller means to write through
        /// it, even when it ends at a regular file (standard output redirected to a file). Renaming over it would
        /// replace the link, or a system file such as `/dev/stdout`.
        private static func namesAStream(_ path: String) -> Bool {
            func isStream(_ text: String) -> Bool {
                ["/dev/stdout", "/dev/stderr"].contains(text) || text.hasPrefix("/dev/fd/")
                    || (text.hasPrefix("/proc/") && text.contains("/fd/"))
            }
            var current = path
            for _ in 0..<8 {
                if isStream(current) { return true }
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let count = readlink(current, &buffer, buffer.count - 1)
                guard count > 0 else { return false }
                let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current = target.hasPrefix("/") ? target : Self.parent(of: current) + "/" + target
            }
            return false
        }

        /// The directory part of `path` (`.` for a bare name).
        static func parent(of path: String) -> String {
            guard let slash = path.lastIndex(of: "/") else { return "." }
            return slash == path.startIndex ? "/" : String(path[..<slash])
        }

        /// Appends `bytes`.
        public func append(_ bytes: UnsafeRawBufferPointer) throws {
            try file.write(bytes)
        }

        /// Appends the UTF-8 bytes of `text`.
        public func append(_ text: String) throws {
            var text = text
            try text.withUTF8 { try file.write(UnsafeRawBufferPointer($0)) }
        }

        /// Makes the written bytes durable and puts them at ``path``.
        public func commit() throws {
            guard let staging else { return }
            try file.synchronize()
            guard rename(staging, path) == 0 else { throw MLOpsError.system("write", path: path, errno: errno) }
            committed = true
        }
    }
}

import CArchive
import Foundation
import MLOpsErrors
import MLOpsStore

/// Writes and reads the `.tar.gz` container of a model bundle through libarchive, refusing on read anything a
/// bundle never contains: absolute or `..` paths, links, devices and other special files, too many or too large
/// entries, and compression bombs — before a single byte is written anywhere.
enum BundleArchive {
    /// The most entries a bundle may hold.
    static let maximumEntries = 64
    /// The most bytes all entries may hold together once decompressed.
    static let maximumTotalBytes: Int64 = 1 << 30
    /// The largest decompressed-to-compressed ratio accepted once more than 1 MiB has been decompressed.
    static let maximumCompressionRatio: Int64 = 200

    /// Writes `files` (name → bytes, names relative and plain) as a gzip-compressed tar at `path`, atomically.
    static func write(_ files: [(name: String, bytes: Data)], to path: String) throws {
        // Built in memory and written through `AtomicFile`, which reports every write error and leaves no
        // temporary file behind. The buffer fits the worst case: gzip of incompressible bytes grows them by
        // ~0.1 %, tar adds a 512-byte header and padding per entry and pads the whole to 10 KiB blocks.
        let capacity = files.reduce(0) { $0 + $1.bytes.count + 1024 } * 11 / 10 + 64 * 1024
        var buffer = [UInt8](repeating: 0, count: capacity)
        var used = 0
        guard let archive = archive_write_new() else { throw MLOpsError(.failure, "cannot create an archive writer") }
        defer { archive_write_free(archive) }
        archive_write_set_format_pax_restricted(archive)
        archive_write_add_filter_gzip(archive)
        // gzip stores the time of writing in its header by default; without it, a model always gives the same bytes.
        guard archive_write_set_filter_option(archive, "gzip", "timestamp", nil) == ARCHIVE_OK else {
            throw MLOpsError(.failure, "cannot make the archive reproducible (gzip timestamp)")
        }
        try buffer.withUnsafeMutableBytes { memory in
            guard archive_write_open_memory(archive, memory.baseAddress, memory.count, &used) == ARCHIVE_OK else {
                throw MLOpsError(.failure, "cannot write '\(path)'", cause: ArchiveError(archive))
            }
            for (name, bytes) in files {
                guard let entry = archive_entry_new() else {
                    throw MLOpsError(.failure, "cannot create an archive entry")
                }
                defer { archive_entry_free(entry) }
                archive_entry_set_pathname(entry, name)
                archive_entry_set_size(entry, la_int64_t(bytes.count))
                archive_entry_set_filetype(entry, mlops_archive_ifreg)
                archive_entry_set_perm(entry, 0o644)
                archive_entry_set_mtime(entry, 0, 0)  // reproducible bundles: the same model gives the same bytes
                guard archive_write_header(archive, entry) == ARCHIVE_OK else {
                    throw MLOpsError(.failure, "cannot write '\(path)'", cause: ArchiveError(archive))
                }
                let written = bytes.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
                guard written == bytes.count else {
                    throw MLOpsError(.failure, "cannot write '\(path)'", cause: ArchiveError(archive))
                }
            }
            guard archive_write_close(archive) == ARCHIVE_OK else {
                throw MLOpsError(.failure, "cannot write '\(path)'", cause: ArchiveError(archive))
            }
        }
        try AtomicFile.write(bytes: Array(buffer[..<used]), to: path)
    }

    /// Reads every entry of the archive at `path` into memory, validating each before reading it; a refusal
    /// carries `consequence` (what did not happen) as its hint.
    static func read(_ path: String, consequence: String) throws -> [String: Data] {
        func refused(_ path: String, _ why: String, cause: (any Error)? = nil) -> MLOpsError {
            MLOpsError(.invalidInput, "refusing the bundle '\(path)': \(why)", hint: consequence, cause: cause)
        }
        // Opened without blocking and checked to be a regular file first: a FIFO put in a bundle's place would
        // otherwise block the reader (a server's refresh, or its shutdown) until someone writes to it.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw MLOpsError.system("read", path: path, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw refused(path, "it is not a regular file")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        guard let archive = archive_read_new() else { throw MLOpsError(.failure, "cannot create an archive reader") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_gzip(archive)
        archive_read_support_format_tar(archive)
        guard archive_read_open_fd(archive, descriptor, 1 << 16) == ARCHIVE_OK else {
            throw refused(path, "it is not a gzip-compressed tar archive", cause: ArchiveError(archive))
        }
        var files: [String: Data] = [:]
        var total: Int64 = 0
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK, let entry else {
                throw refused(path, "it is damaged", cause: ArchiveError(archive))
            }
            let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            guard files.count < maximumEntries else {
                throw refused(path, "it has more than \(maximumEntries) entries")
            }
            guard !name.isEmpty, !name.hasPrefix("/") else {
                throw refused(path, "entry '\(name)' has an absolute path")
            }
            let components = name.split(separator: "/", omittingEmptySubsequences: false)
            guard !components.contains(".."), !components.contains("") else {
                throw refused(path, "entry '\(name)' leaves the bundle (..)")
            }
            guard archive_entry_filetype(entry) == mlops_archive_ifreg, archive_entry_hardlink(entry) == nil else {
                throw refused(
                    path, "entry '\(name)' is not a regular file (links, devices and directories are never in bundles)")
            }
            guard files[name] == nil else { throw refused(path, "entry '\(name)' appears twice") }
            let declared = archive_entry_size(entry)
            guard declared >= 0, declared <= maximumTotalBytes - total else {
                throw refused(path, "its entries hold more than \(maximumTotalBytes >> 20) MiB")
            }
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
                if count == 0 { break }
                guard count > 0 else { throw refused(path, "entry '\(name)' is damaged", cause: ArchiveError(archive)) }
                total += Int64(count)
                guard total <= maximumTotalBytes, Int64(data.count + count) <= declared else {
                    throw refused(path, "entry '\(name)' holds more than it declares")
                }
                // A compression bomb: far more bytes out than in.
                let compressed = max(archive_filter_bytes(archive, -1), 1)
                if total > 1 << 20, total / compressed > maximumCompressionRatio {
                    throw refused(path, "it decompresses more than \(maximumCompressionRatio)× (a compression bomb)")
                }
                data.append(contentsOf: buffer[0..<count])
            }
            files[name] = data
        }
        return files
    }
}

/// libarchive's message for its last error.
struct ArchiveError: Error, CustomStringConvertible {
    let description: String
    init(_ archive: OpaquePointer) {
        description = archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}

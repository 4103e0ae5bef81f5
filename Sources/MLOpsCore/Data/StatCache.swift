import GRDB
import GRDBSQLite
import MLOpsErrors
import MLOpsStore

/// Remembers the object id of each workspace file against its `lstat` snapshot, so unchanged files are not
/// re-hashed (git's index plays the same role).
///
/// Racy cleanliness: a file changed again within the filesystem's timestamp granularity of being hashed can keep
/// its size and mtime. An entry is therefore trusted only when the file's mtime is older than the moment it
/// was hashed by more than ``racyWindowNanoseconds``; others are re-hashed and recorded again, after which they
/// are trusted.
public struct StatCache: Sendable {
    /// The margin between a file's mtime and its hashing below which the entry is not trusted. One second covers
    /// coarse kernel clocks and network filesystems with whole-second timestamps.
    public static let racyWindowNanoseconds: Int64 = 1_000_000_000

    /// One remembered file.
    public struct Entry: Sendable {
        public var snapshot: FileSnapshot
        public var oid: ObjectID
        public var recordedNanoseconds: Int64

        public init(snapshot: FileSnapshot, oid: ObjectID, recordedNanoseconds: Int64) {
            self.snapshot = snapshot
            self.oid = oid
            self.recordedNanoseconds = recordedNanoseconds
        }
    }

    let database: MetadataDatabase

    /// Whether an entry recorded as `recorded` at `recordedNanoseconds` still describes a file whose snapshot is
    /// `snapshot`: the same inode, size, times and mode, and not racy.
    static func isTrusted(_ recorded: FileSnapshot, recordedNanoseconds: Int64, for snapshot: FileSnapshot) -> Bool {
        recorded.inode == snapshot.inode && recorded.device == snapshot.device && recorded.size == snapshot.size
            && recorded.mtimeNanoseconds == snapshot.mtimeNanoseconds
            && recorded.ctimeNanoseconds == snapshot.ctimeNanoseconds
            && recorded.executable == snapshot.executable
            && snapshot.mtimeNanoseconds + racyWindowNanoseconds < recordedNanoseconds
    }

    /// For each of `files` (sorted bytewise by path, all at or below the repository-relative `path`), the id the
    /// cache vouches for, or nil where it cannot.
    ///
    /// One range read in path order, merged with the files: SQLite's default collation is bytewise too, so no
    /// per-file lookup, and no string or id is made for an entry that does not match. Columns are read through
    /// SQLite's C API: `status` reads every entry of a tracked directory each time, and decoding through GRDB's
    /// rows took several times longer than the query.
    func trustedIDs(for files: [WorkspaceFile], under path: String) throws -> [ObjectID?] {
        var trusted = [ObjectID?](repeating: nil, count: files.count)
        guard !files.isEmpty else { return trusted }
        guard zip(files, files.dropFirst()).allSatisfy({ BytewiseOrder.precedes($0.path, $1.path) }) else {
            // Not sorted (no caller does this today): one file at a time.
            for (index, file) in files.enumerated() {
                trusted[index] = try trustedIDs(for: [file], under: file.path)[0]
            }
            return trusted
        }
        try database.read { db in
            // '0' sorts right after '/', so this range is exactly `path` and the paths below `path/`.
            let statement = try db.makeStatement(
                sql: """
                    SELECT path, device, inode, size, mtime_ns, ctime_ns, exec, oid, recorded_ns FROM stat_cache
                    WHERE path = ? OR (path >= ? AND path < ?) ORDER BY path
                    """)
            try statement.setArguments([path, path + "/", path + "0"])
            let row = statement.sqliteStatement
            func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(
                    start: sqlite3_column_text(row, column), count: Int(sqlite3_column_bytes(row, column)))
            }
            var index = 0
            while index < files.count {
                let step = sqlite3_step(row)
                if step == SQLITE_DONE { break }
                guard step == SQLITE_ROW else {
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: step),
                        message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let rowPath = bytes(0)
                var order = 1
                while index < files.count {
                    var filePath = files[index].path
                    order = filePath.withUTF8 { BytewiseOrder.compare($0, rowPath) }
                    if order >= 0 { break }
                    index += 1
                }
                guard order == 0 else { continue }
                let recorded = FileSnapshot(
                    device: sqlite3_column_int64(row, 1), inode: sqlite3_column_int64(row, 2),
                    size: sqlite3_column_int64(row, 3),
                    mtimeNanoseconds: sqlite3_column_int64(row, 4), ctimeNanoseconds: sqlite3_column_int64(row, 5),
                    executable: sqlite3_column_int64(row, 6) != 0, isSymlink: false, isRegularFile: true,
                    isDirectory: false)
                if Self.isTrusted(
                    recorded, recordedNanoseconds: sqlite3_column_int64(row, 8), for: files[index].snapshot)
                {
                    trusted[index] = ObjectID(utf8: bytes(7))
                }
                index += 1
            }
        }
        return trusted
    }

    /// Records `entries` (repository-relative path → entry) in one transaction.
    public func record(_ entries: [(path: String, entry: Entry)]) throws {
        guard !entries.isEmpty else { return }
        try database.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT OR REPLACE INTO stat_cache
                        (path, device, inode, size, mtime_ns, ctime_ns, exec, oid, recorded_ns)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            // Bound through SQLite's C API, as entries are read: `add` and `checkout` write one row per file (20,000
            // for a large directory), so building GRDB's argument arrays for each one showed.
            let row = statement.sqliteStatement
            for (path, entry) in entries {
                let snapshot = entry.snapshot
                sqlite3_reset(row)
                sqlite3_bind_text(row, 1, path, -1, Self.transient)
                sqlite3_bind_int64(row, 2, snapshot.device)
                sqlite3_bind_int64(row, 3, snapshot.inode)
                sqlite3_bind_int64(row, 4, snapshot.size)
                sqlite3_bind_int64(row, 5, snapshot.mtimeNanoseconds)
                sqlite3_bind_int64(row, 6, snapshot.ctimeNanoseconds)
                sqlite3_bind_int64(row, 7, snapshot.executable ? 1 : 0)
                sqlite3_bind_text(row, 8, entry.oid.description, -1, Self.transient)
                sqlite3_bind_int64(row, 9, entry.recordedNanoseconds)
                let step = sqlite3_step(row)
                guard step == SQLITE_DONE else {
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: step),
                        message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
            }
        }
    }

    /// SQLITE_TRANSIENT: SQLite copies bound text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Forgets `path` and every file below it (``DirectoryStatCache/forget(_:)`` forgets directories).
    public func forget(_ path: String) throws {
        try database.write { db in
            try db.execute(
                sql: "DELETE FROM stat_cache WHERE path = ? OR (path >= ? AND path < ?)",
                arguments: [path, path + "/", path + "0"])
        }
    }
}

extension FileSnapshot {
    init(
        device: Int64, inode: Int64, size: Int64, mtimeNanoseconds: Int64, ctimeNanoseconds: Int64, executable: Bool,
        isSymlink: Bool, isRegularFile: Bool, isDirectory: Bool
    ) {
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.ctimeNanoseconds = ctimeNanoseconds
        self.executable = executable
        self.isSymlink = isSymlink
        self.isRegularFile = isRegularFile
        self.isDirectory = isDirectory
    }
}

import GRDB
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

    /// The cached id of the file at repository-relative `path` if `snapshot` still matches and is not racy.
    public static func trustedID(of entry: Entry?, for snapshot: FileSnapshot) -> ObjectID? {
        guard let entry else { return nil }
        let recorded = entry.snapshot
        guard recorded.inode == snapshot.inode, recorded.device == snapshot.device, recorded.size == snapshot.size,
            recorded.mtimeNanoseconds == snapshot.mtimeNanoseconds, recorded.ctimeNanoseconds == snapshot.ctimeNanoseconds,
            recorded.executable == snapshot.executable,
            snapshot.mtimeNanoseconds + racyWindowNanoseconds < entry.recordedNanoseconds
        else { return nil }
        return entry.oid
    }

    /// Entries for `path` itself and every path below `path/`, keyed by repository-relative path.
    public func entries(under path: String) throws -> [String: Entry] {
        try database.pool.read { db in
            var result: [String: Entry] = [:]
            // '0' sorts right after '/', so this range is exactly the paths below `path/`.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT path, device, inode, size, mtime_ns, ctime_ns, exec, oid, recorded_ns FROM stat_cache
                    WHERE path = ? OR (path >= ? AND path < ?)
                    """,
                arguments: [path, path + "/", path + "0"])
            while let row = try rows.next() {
                guard let oid = try? ObjectID(parsing: row[7]) else { continue }
                let snapshot = FileSnapshot(
                    device: row[1], inode: row[2], size: row[3], mtimeNanoseconds: row[4], ctimeNanoseconds: row[5],
                    executable: row[6], isSymlink: false, isRegularFile: true, isDirectory: false)
                result[row[0]] = Entry(snapshot: snapshot, oid: oid, recordedNanoseconds: row[8])
            }
            return result
        }
    }

    /// Records `entries` (repository-relative path → entry) in one transaction.
    public func record(_ entries: [(path: String, entry: Entry)]) throws {
        guard !entries.isEmpty else { return }
        try database.pool.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT OR REPLACE INTO stat_cache
                        (path, device, inode, size, mtime_ns, ctime_ns, exec, oid, recorded_ns)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (path, entry) in entries {
                let snapshot = entry.snapshot
                try statement.execute(arguments: [
                    path, snapshot.device, snapshot.inode, snapshot.size, snapshot.mtimeNanoseconds,
                    snapshot.ctimeNanoseconds, snapshot.executable, entry.oid.description, entry.recordedNanoseconds,
                ])
            }
        }
    }

    /// Forgets `path` and everything below it.
    public func forget(_ path: String) throws {
        try database.pool.write { db in
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

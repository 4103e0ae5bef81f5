import GRDB
import MLOpsStore

/// Directory manifests whose every object (the manifest and the files it lists) was found in the local cache, so
/// `status` need not look for 20,000 objects again while nothing has been removed.
///
/// Objects leave the cache only through `gc`, which makes the store generation odd before it removes anything and
/// even again when it is done. A remembered manifest counts only at the even generation it was recorded at:
/// after any removal, and while a `gc` runs or after one was killed midway (the generation stays odd until the
/// next `gc` completes), every manifest is checked object by object again. Objects deleted behind mlops's back
/// are found by `mlops fsck`, which then forgets every remembered manifest.
struct CachedManifests: Sendable {
    let database: MetadataDatabase

    /// The store generation now: read it before checking objects, and remember what the check found with it.
    func generation() throws -> Int64 {
        try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT value FROM store_generation WHERE id = 0") ?? 1
        }
    }

    /// Whether manifest `oid` was found complete at `generation`, and nothing has been removed since.
    func isComplete(_ oid: ObjectID, at generation: Int64) throws -> Bool {
        guard generation % 2 == 0 else { return false }
        return try database.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT generation FROM cached_manifests WHERE oid = ?", arguments: [oid.description])
                == generation
        }
    }

    /// Remembers that every object of manifest `oid` was present when the store was at `generation`.
    func rememberComplete(_ oid: ObjectID, at generation: Int64) throws {
        guard generation % 2 == 0 else { return }
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO cached_manifests (oid, generation) VALUES (?, ?)",
                arguments: [oid.description, generation])
        }
    }

    /// Runs `removal` (which deletes objects) between an odd and the next even generation.
    func removingObjects<Result>(_ removal: () throws -> Result) throws -> Result {
        try database.write { db in
            // Odd from here on (an odd one, left by a killed gc, stays as it is).
            try db.execute(sql: "UPDATE store_generation SET value = value + 1 - value % 2 WHERE id = 0")
        }
        let result = try removal()
        try database.write { db in
            try db.execute(sql: "UPDATE store_generation SET value = value + 1 WHERE id = 0")
            try db.execute(sql: "DELETE FROM cached_manifests")
        }
        return result
    }

    /// Forgets every remembered manifest (after `fsck` found objects missing).
    func forgetAll() throws {
        try database.write { db in try db.execute(sql: "DELETE FROM cached_manifests") }
    }
}

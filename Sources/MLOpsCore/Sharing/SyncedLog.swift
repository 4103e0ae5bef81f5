import Foundation
import GRDB

/// Which entries of the remote's record log this clone has merged (or written), with the SHA-256 of each entry's
/// bytes (table `synced_log`). The only code that writes it.
///
/// Invariants: positions are contiguous from 1; a position is recorded only after everything its entry holds is
/// merged (a clone killed in between merges the entry again, which changes nothing: records are merged by id).
/// The hashes let the next fetch check that the remote's log still continues this clone's history.
public struct SyncedLog: Sendable {
    let database: MetadataDatabase

    /// The last merged entry: its position, its hash and the remote it came from; nil before the first.
    func head() throws -> (position: Int, sha256: String, remote: String)? {
        try database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT position, sha256, remote FROM synced_log ORDER BY position DESC LIMIT 1"
            ).map { ($0["position"], $0["sha256"], $0["remote"]) }
        }
    }

    /// Records that the entries at `positions` (with their hashes) are merged, in one transaction.
    func record(_ entries: [(position: Int, sha256: String)], remote: String) throws {
        let now = StoredTime.nanoseconds(Date())
        try database.write { db in
            for entry in entries {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO synced_log (position, sha256, remote, merged_ns) VALUES (?, ?, ?, ?)",
                    arguments: [entry.position, entry.sha256, remote, now])
            }
        }
    }
}

import Foundation
import GRDB
import MLOpsErrors
import MLOpsStore

/// The run cache: for each combination of a stage's commands, dependency ids and parameters that ran, the
/// outputs it produced (table `stage_cache`; the objects stay in the store, and `gc` keeps them). The only code
/// that writes the table.
///
/// Invariants: a key is a SHA-256 of what the stage ran with (``StageRecord/cacheKey``), so an entry never
/// changes meaning; recording a key again replaces its entry with the outputs of the latest run, which are
/// equivalent. Entries arrive from `repro` and from remotes (`fetch`), and are never removed.
struct RunCache: Sendable {
    let database: MetadataDatabase

    /// The outputs recorded for `key`, if any (nil too for an entry this mlops cannot read).
    func outputs(forKey key: String) throws -> [String: CachedOutput]? {
        let text = try database.read { db in
            try String.fetchOne(db, sql: "SELECT outs FROM stage_cache WHERE key = ?", arguments: [key])
        }
        return text.flatMap { try? JSONDecoder().decode([String: CachedOutput].self, from: Data($0.utf8)) }
    }

    /// Records what stage `stage` produced for `key`, in one transaction.
    func remember(_ key: String, stage: String, outputs: [String: CachedOutput]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(outputs), as: UTF8.self)
        let now = StoredTime.nanoseconds(Date())
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO stage_cache (key, stage, outs, created_ns) VALUES (?, ?, ?, ?)",
                arguments: [key, stage, text, now])
        }
    }

    /// Every entry this mlops can read, by key.
    func entries() throws -> [String: RunCacheEntry] {
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT key, stage, outs FROM stage_cache").map {
                (key: $0["key"] as String, stage: $0["stage"] as String, outs: $0["outs"] as String)
            }
        }
        var entries: [String: RunCacheEntry] = [:]
        for row in rows {
            guard let outs = try? JSONDecoder().decode([String: CachedOutput].self, from: Data(row.outs.utf8)) else {
                continue
            }
            entries[row.key] = RunCacheEntry(stage: row.stage, outs: outs)
        }
        return entries
    }

    /// The keys of every entry.
    func keys() async throws -> Set<String> {
        try await database.read { db in Set(try String.fetchAll(db, sql: "SELECT key FROM stage_cache")) }
    }
}

/// One run-cache entry as remotes keep it: the document `runcache/<key>` holds `{"outs": …, "stage": …}` in JSON
/// with sorted keys (docs/formats.md#remotes).
struct RunCacheEntry: Codable, Sendable {
    static let folder = "runcache"

    var stage: String
    var outs: [String: CachedOutput]

    /// The outputs as tracked targets, so transfers treat them like workspace data.
    var targets: [TrackedTarget] { outs.map { TrackedTarget(path: $0.key, pointer: $0.value.pointer) } }

    /// Whether `name` can be a run-cache key (a SHA-256 in lowercase hex), so nothing else on a remote is taken
    /// for one.
    static func isKey(_ name: String) -> Bool { (try? ObjectID(parsing: ObjectID.algorithm + ":" + name)) != nil }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }
}

import Foundation
import GRDB
import MLOpsErrors
import MLOpsStore

/// The run cache: for each combination of a stage's commands, dependency ids and parameters that ran, the
/// outputs it produced (their objects stay in the store, and `gc` keeps them).
extension Repository {
    func cachedOutputs(_ key: String) throws -> [String: CachedOutput]? {
        guard let text = try database.pool.read({ db in
            try String.fetchOne(db, sql: "SELECT outs FROM stage_cache WHERE key = ?", arguments: [key])
        }) else { return nil }
        return try? JSONDecoder().decode([String: CachedOutput].self, from: Data(text.utf8))
    }

    func rememberOutputs(_ key: String, stage: String, outputs: [String: CachedOutput]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(outputs), as: UTF8.self)
        let now = Self.nanoseconds(Date())
        try write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO stage_cache (key, stage, outs, created_ns) VALUES (?, ?, ?, ?)",
                arguments: [key, stage, text, now])
        }
    }

    /// Puts cached outputs back: their pointer files (and `.gitignore` entries), then their bytes.
    func restore(_ outputs: [String: CachedOutput]) throws {
        do {
            let lock = try lock(for: "repro")
            defer { withExtendedLifetime(lock) {} }
            for (path, output) in outputs {
                try AtomicFile.write(output.pointer.rendered(), to: absolute(path) + PointerFile.suffix)
                try GitIgnoreFile.add(
                    GitIgnoreFile.entry(for: WorkspacePath.name(path), isDirectory: output.pointer.kind == .dir),
                    in: absolute(WorkspacePath.parent(path)))
            }
        }
        _ = try checkout(Array(outputs.keys), relativeTo: root, force: true)
    }

    /// Every entry of the run cache, by key.
    func runCacheEntries() throws -> [String: RunCacheEntry] {
        let rows = try database.pool.read { db in try Row.fetchAll(db, sql: "SELECT key, stage, outs FROM stage_cache") }
        var entries: [String: RunCacheEntry] = [:]
        for row in rows {
            let text: String = row["outs"]
            guard let outs = try? JSONDecoder().decode([String: CachedOutput].self, from: Data(text.utf8)) else { continue }
            entries[row["key"]] = RunCacheEntry(stage: row["stage"], outs: outs)
        }
        return entries
    }

    /// Every object the run cache references (outputs, and the files of directory outputs), which `gc` keeps.
    func stageCacheObjects() throws -> Set<ObjectID> {
        var objects = Set<ObjectID>()
        for output in try runCacheEntries().values.flatMap(\.outs.values) {
            objects.insert(output.pointer.oid)
            if output.pointer.kind == .dir, let bytes = try? store.read(output.pointer.oid),
                let manifest = try? DirectoryManifest(decoding: bytes, id: output.pointer.oid)
            {
                for entry in manifest.entries { objects.insert(entry.oid) }
            }
        }
        return objects
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

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

    /// Every object the run cache references (outputs, and the files of directory outputs), which `gc` keeps.
    func stageCacheObjects() throws -> Set<ObjectID> {
        let texts = try database.pool.read { db in try String.fetchAll(db, sql: "SELECT outs FROM stage_cache") }
        var objects = Set<ObjectID>()
        for text in texts {
            guard let outputs = try? JSONDecoder().decode([String: CachedOutput].self, from: Data(text.utf8)) else { continue }
            for output in outputs.values {
                objects.insert(output.pointer.oid)
                if output.pointer.kind == .dir, let bytes = try? store.read(output.pointer.oid),
                    let manifest = try? DirectoryManifest(decoding: bytes, id: output.pointer.oid)
                {
                    for entry in manifest.entries { objects.insert(entry.oid) }
                }
            }
        }
        return objects
    }
}

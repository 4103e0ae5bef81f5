import MLOpsErrors
import MLOpsStore

/// What `gc` removed (or, with a dry run, would remove).
public struct GarbageCollectionResult: Sendable, Codable, Equatable {
    /// Objects removed.
    public var removedObjects: Int
    /// Their total size in bytes.
    public var removedBytes: Int64
    /// Objects kept because something references them.
    public var keptObjects: Int
    /// What interrupted commands left behind and `gc` removed: staging files, stage outputs set aside,
    /// quarantined objects, temporary files in the workspace.
    public var removedTemporaryFiles: Int
    /// Whether nothing was actually removed.
    public var dryRun: Bool
}

extension Repository {
    /// Every object something in the repository still needs: the pointers in the workspace and, for
    /// directories, their manifests' files; run artifacts; registered versions; the run cache's outputs. Every
    /// store whose records name objects adds them here, so `gc` can never remove what they reference.
    public func referencedObjects() throws -> Set<ObjectID> {
        var referenced = Set<ObjectID>()
        for target in try trackedTargets() {
            referenced.insert(target.pointer.oid)
            if target.pointer.kind == .dir, let entries = try? recordedEntries(of: target) {
                for entry in entries { referenced.insert(entry.oid) }
            }
        }
        referenced.formUnion(try runs.artifactObjects())
        referenced.formUnion(try registry.objects())
        for output in try runCache.entries().values.flatMap(\.outs.values) {
            referenced.insert(output.pointer.oid)
            if output.pointer.kind == .dir, let bytes = try? store.read(output.pointer.oid),
                let manifest = try? DirectoryManifest(decoding: bytes, id: output.pointer.oid)
            {
                for entry in manifest.entries { referenced.insert(entry.oid) }
            }
        }
        return referenced
    }

    /// Removes cached objects nothing references, and staging files interrupted writers left behind.
    /// With `dryRun`, only counts them. Holds the write lock, so no `add` can race it.
    public func collectGarbage(dryRun: Bool) throws -> GarbageCollectionResult {
        let lock = try lock(for: "gc")
        defer { withExtendedLifetime(lock) {} }
        let referenced = try referencedObjects()
        let objects = try store.allObjects()
        let unreferenced = objects.filter { !referenced.contains($0) }
        var result = GarbageCollectionResult(
            removedObjects: unreferenced.count,
            removedBytes: unreferenced.reduce(0) { $0 + (FileSnapshot.take(store.path(of: $1))?.size ?? 0) },
            keptObjects: objects.count - unreferenced.count, removedTemporaryFiles: 0, dryRun: dryRun)
        if !dryRun && !unreferenced.isEmpty {
            try cachedManifests.removingObjects {
                for id in unreferenced { try store.remove(id) }
            }
        }
        if !dryRun {
            result.removedTemporaryFiles = try store.removeStaleTemporaryFiles(olderThan: 0) + removeLeftovers()
        }
        return result
    }
}

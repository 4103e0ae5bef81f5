import MLOpsErrors
import MLOpsStore

/// How the workspace differs from the pointer files: what `mlops status` reports.
public struct WorkspaceStatus: Sendable, Codable, Equatable {
    /// How many targets were compared.
    public var tracked: Int
    /// File-level differences inside targets that exist in the workspace, sorted by path.
    public var changes: [FileChange]
    /// Targets with nothing at their path (restore with `checkout`).
    public var missing: [String]
    /// Targets whose recorded data is not (entirely) in the local cache (fetch with `pull`).
    public var notInCache: [String]
    /// Pipeline stages `repro` would run (empty without `mlops.yaml`).
    public var staleStages: [StaleStage]

    /// Whether the workspace matches every pointer and the pipeline is up to date.
    public var clean: Bool { changes.isEmpty && missing.isEmpty && staleStages.isEmpty }

    private enum CodingKeys: String, CodingKey { case tracked, changes, missing, notInCache, staleStages, clean }

    public init(
        tracked: Int, changes: [FileChange], missing: [String], notInCache: [String], staleStages: [StaleStage] = []
    ) {
        self.tracked = tracked
        self.changes = changes
        self.missing = missing
        self.notInCache = notInCache
        self.staleStages = staleStages
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tracked = try container.decode(Int.self, forKey: .tracked)
        changes = try container.decode([FileChange].self, forKey: .changes)
        missing = try container.decode([String].self, forKey: .missing)
        notInCache = try container.decode([String].self, forKey: .notInCache)
        staleStages = try container.decodeIfPresent([StaleStage].self, forKey: .staleStages) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tracked, forKey: .tracked)
        try container.encode(changes, forKey: .changes)
        try container.encode(missing, forKey: .missing)
        try container.encode(notInCache, forKey: .notInCache)
        try container.encode(staleStages, forKey: .staleStages)
        try container.encode(clean, forKey: .clean)
    }
}

extension Repository {
    /// Compares tracked data (all of it, or the targets at or below `paths`) with the workspace.
    ///
    /// Takes no lock: it may run while another process adds data. Only files whose `lstat` changed since they
    /// were last hashed are read.
    public func status(
        _ paths: [String]? = nil, relativeTo workingDirectory: String, progress: ProgressHandler? = nil
    ) throws -> WorkspaceStatus {
        let relative = try paths.map { try $0.map { try repositoryPath(of: $0, relativeTo: workingDirectory) } }
        let comparisons = try compare(try trackedTargets(matching: relative), phase: "checking", progress: progress)
        var status = WorkspaceStatus(tracked: comparisons.count, changes: [], missing: [], notInCache: [])
        for comparison in comparisons {
            if comparison.isMissing {
                status.missing.append(comparison.target.path)
            } else {
                status.changes += comparison.changes
            }
            if !isCached(comparison) { status.notInCache.append(comparison.target.path) }
        }
        if paths == nil { status.staleStages = try staleStages() }
        return status
    }

    /// Whether every object the target records is in the local cache. A directory found complete before is
    /// not checked object by object again until something is removed from the cache (``CachedManifests``).
    func isCached(_ comparison: TargetComparison) -> Bool {
        let pointer = comparison.target.pointer
        guard pointer.kind == .dir else { return store.contains(pointer.oid) }
        guard comparison.recorded != nil || comparison.matchesRecordUnread, store.contains(pointer.oid) else {
            return false
        }
        let manifests = cachedManifests
        let generation = try? manifests.generation()
        if let generation, (try? manifests.isComplete(pointer.oid, at: generation)) == true { return true }
        guard let recorded = try? recordedEntries(of: comparison) else { return false }
        let complete = store.containsAll(recorded.map(\.oid))
        // Remembering is an optimization: a busy database must not fail a read-only command.
        if complete, let generation { try? manifests.rememberComplete(pointer.oid, at: generation) }
        return complete
    }
}

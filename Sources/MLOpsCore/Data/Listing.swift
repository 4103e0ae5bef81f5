import MLOpsStore

/// One tracked target as `mlops ls` shows it.
public struct TrackedEntry: Sendable, Codable, Equatable {
    /// The repository-relative data path.
    public var path: String
    /// File or directory.
    public var kind: PointerFile.Kind
    /// The file's object or the directory's manifest.
    public var oid: ObjectID
    /// Size in bytes.
    public var size: Int64
    /// For directories, the number of files.
    public var files: Int?
    /// The pointer's description, if any.
    public var desc: String?
    /// Whether the data's top-level object is in the local cache.
    public var cached: Bool
    /// Whether something exists at the path in the workspace.
    public var present: Bool
}

extension Repository {
    /// The tracked targets (all, or those at or below `paths`), without reading any data.
    public func list(_ paths: [String]? = nil, relativeTo workingDirectory: String) throws -> [TrackedEntry] {
        let relative = try paths.map { try $0.map { try repositoryPath(of: $0, relativeTo: workingDirectory) } }
        return try trackedTargets(matching: relative).map { target in
            let pointer = target.pointer
            return TrackedEntry(
                path: target.path, kind: pointer.kind, oid: pointer.oid, size: pointer.size, files: pointer.files,
                desc: pointer.desc, cached: store.contains(pointer.oid),
                present: FileSnapshot.take(absolute(target.path)) != nil)
        }
    }
}

import MLOpsErrors
import MLOpsStore

/// A tracked file or directory: its pointer file and where its data belongs in the workspace.
public struct TrackedTarget: Sendable {
    /// The data's path relative to the repository root (`data/train.csv`).
    public var path: String
    /// The parsed pointer file.
    public var pointer: PointerFile

    /// The pointer file's path relative to the repository root.
    public var pointerPath: String { path + PointerFile.suffix }
}

extension Repository {
    /// The absolute path of repository-relative `path`.
    public func absolute(_ path: String) -> String { WorkspacePath.join(root, path) }

    /// Every tracked target in the workspace, found by their pointer files, sorted by path.
    ///
    /// The walk skips `.git`, `.mlops` and the tracked directories themselves. With `paths`
    /// (repository-relative), only targets at or below those paths are returned; a path that is neither tracked
    /// nor contains tracked data is `.notFound`.
    public func trackedTargets(matching paths: [String]? = nil) throws -> [TrackedTarget] {
        var pointerPaths: [String] = []
        if let paths {
            for path in paths {
                let found = try findPointers(under: path)
                guard !found.isEmpty else {
                    throw MLOpsError(
                        .notFound, "'\(path)' is not tracked by mlops", hint: "track it with `mlops add \(path)`")
                }
                pointerPaths += found
            }
        } else {
            pointerPaths = try findPointers(under: "")
        }
        var seen = Set<String>()
        return try pointerPaths.filter { seen.insert($0).inserted }.sorted().map { pointerPath in
            let dataPath = String(pointerPath.dropLast(PointerFile.suffix.count))
            let pointer = try PointerFile.read(at: absolute(pointerPath), displayPath: pointerPath)
            return TrackedTarget(path: dataPath, pointer: pointer)
        }
    }

    /// Repository-relative pointer paths for `path`: its own pointer, or all pointers below it when it is an
    /// untracked directory.
    func findPointers(under path: String) throws -> [String] {
        let cleaned = path.hasSuffix(PointerFile.suffix) ? String(path.dropLast(PointerFile.suffix.count)) : path
        if !cleaned.isEmpty, FileSnapshot.take(absolute(cleaned + PointerFile.suffix))?.isRegularFile == true {
            return [cleaned + PointerFile.suffix]
        }
        guard cleaned.isEmpty || FileSnapshot.take(absolute(cleaned))?.isDirectory == true else { return [] }
        var found: [String] = []
        var pending = [cleaned]
        while let directory = pending.popLast() {
            let entries = try DirectoryListing.entries(in: absolute(directory).isEmpty ? root : absolute(directory))
            let names = Set(entries.map(\.name))
            for entry in entries {
                let child = WorkspacePath.join(directory, entry.name)
                switch entry.kind {
                case .directory:
                    if entry.name == ".git" || entry.name == Self.metadataDirectoryName { continue }
                    if names.contains(entry.name + PointerFile.suffix) { continue }
                    pending.append(child)
                case .file where entry.name.hasSuffix(PointerFile.suffix) && entry.name != PointerFile.suffix:
                    found.append(child)
                default:
                    continue
                }
            }
        }
        return found
    }
}

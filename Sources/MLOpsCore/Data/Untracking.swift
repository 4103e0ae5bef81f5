import Foundation
import MLOpsErrors
import MLOpsStore

extension Repository {
    /// Stops tracking `paths`: removes their pointer files and `.gitignore` entries and forgets their stat-cache
    /// entries. The data stays in the workspace as ordinary, writable files (links into the cache are replaced
    /// by copies first) and in the cache until `gc`.
    public func untrack(_ paths: [String], relativeTo workingDirectory: String) throws -> [String] {
        let relative = try paths.map { try repositoryPath(of: $0, relativeTo: workingDirectory) }
        let lock = try lock(for: "rm")
        defer { withExtendedLifetime(lock) {} }
        let targets = try relative.map { path in
            guard let target = try trackedTargets(matching: [path]).first(where: { $0.path == path }) else {
                throw MLOpsError(
                    .notFound, "'\(path)' is not tracked by mlops", hint: "`mlops ls` lists what is tracked")
            }
            return target
        }
        for target in targets {
            if config.core.link != .copy { try unlinkFromCache(target) }
            try FileManager.default.removeItem(atPath: absolute(target.pointerPath))
            try GitIgnoreFile.remove(
                GitIgnoreFile.entry(for: WorkspacePath.name(target.path), isDirectory: target.pointer.kind == .dir),
                in: absolute(WorkspacePath.parent(target.path)))
            try statCache.forget(target.path)
            try directoryStatCache.forget(target.path)
        }
        return targets.map(\.path)
    }

    /// Moves tracked data and its pointer from `source` to `destination` (into it, when it is a directory) and
    /// moves the `.gitignore` entry along. Returns the new repository-relative path.
    public func move(_ source: String, to destination: String, relativeTo workingDirectory: String) throws -> String {
        let from = try repositoryPath(of: source, relativeTo: workingDirectory)
        var to = try repositoryPath(of: destination, relativeTo: workingDirectory)
        let lock = try lock(for: "mv")
        defer { withExtendedLifetime(lock) {} }
        guard let target = try trackedTargets(matching: [from]).first(where: { $0.path == from }) else {
            throw MLOpsError(.notFound, "'\(source)' is not tracked by mlops", hint: "`mlops ls` lists what is tracked")
        }
        if FileSnapshot.takeFollowingLinks(absolute(to))?.isDirectory == true {
            to = WorkspacePath.join(to, WorkspacePath.name(from))
        }
        guard !to.split(separator: "/").contains(where: { $0.lowercased() == ".git" }) else {
            throw MLOpsError(.invalidInput, "'\(destination)' is inside git's own .git directory")
        }
        try requireRealDirectories(to: to, what: "the destination")
        guard FileSnapshot.take(absolute(to)) == nil, FileSnapshot.take(absolute(to) + PointerFile.suffix) == nil else {
            throw MLOpsError(.conflict, "'\(to)' already exists", hint: "choose another destination or remove it first")
        }
        try Self.createDirectory(WorkspacePath.parent(absolute(to)))
        if FileSnapshot.take(absolute(from)) != nil {
            try FileManager.default.moveItem(atPath: absolute(from), toPath: absolute(to))
        }
        try AtomicFile.write(target.pointer.rendered(), to: absolute(to) + PointerFile.suffix)
        try FileManager.default.removeItem(atPath: absolute(target.pointerPath))
        let isDirectory = target.pointer.kind == .dir
        try GitIgnoreFile.remove(
            GitIgnoreFile.entry(for: WorkspacePath.name(from), isDirectory: isDirectory),
            in: absolute(WorkspacePath.parent(from)))
        try GitIgnoreFile.add(
            GitIgnoreFile.entry(for: WorkspacePath.name(to), isDirectory: isDirectory),
            in: absolute(WorkspacePath.parent(to)))
        try statCache.forget(from)
        try directoryStatCache.forget(from)
        return to
    }

    /// Replaces hard or symbolic links into the cache with writable copies.
    private func unlinkFromCache(_ target: TrackedTarget) throws {
        guard let recorded = try recordedEntries(of: target) else { return }
        for entry in recorded {
            let path = absolute(WorkspacePath.join(target.path, target.pointer.kind == .dir ? entry.path : ""))
            guard FileSnapshot.take(path) != nil else { continue }
            try store.materialize(entry.oid, at: path, mode: .copy, executable: entry.exec)
        }
    }
}

import CGit2
import Foundation
import MLOpsErrors
import MLOpsStore

extension Repository {
    /// The tracked targets as the pointer files at git revision `revision` (a branch, tag, `HEAD~2` or commit id)
    /// record them, read from git's object database without touching the work tree. With `paths`
    /// (repository-relative), only targets at or below them.
    ///
    /// - Throws: `.notFound` for an unknown revision or a path tracked nowhere in it; `.invalidState` outside git.
    public func trackedTargets(atRevision revision: String, matching paths: [String]? = nil) throws -> [TrackedTarget] {
        let git = try GitLibrary.openRequired(root)
        defer { git_repository_free(git) }
        var object: OpaquePointer?
        guard git_revparse_single(&object, git, revision + "^{tree}") == 0, let tree = object else {
            throw MLOpsError(.notFound, "no git revision '\(revision)'", hint: "name a branch, tag, commit or HEAD~N")
        }
        defer { git_object_free(tree) }
        let prefix = GitLibrary.workTreePrefix(git, root: root)
        var start: OpaquePointer? = tree
        var subtree: OpaquePointer?
        if !prefix.isEmpty {
            var entry: OpaquePointer?
            guard git_tree_entry_bypath(&entry, tree, prefix) == 0, let entry else { return [] }
            defer { git_tree_entry_free(entry) }
            guard git_tree_lookup(&subtree, git, git_tree_entry_id(entry)) == 0 else { return [] }
            start = subtree
        }
        defer { if let subtree { git_tree_free(subtree) } }
        var targets: [TrackedTarget] = []
        try Self.collectPointers(in: start, at: "", git: git, into: &targets)
        targets.sort { $0.path < $1.path }
        guard let paths else { return targets }
        return try paths.flatMap { path -> [TrackedTarget] in
            let cleaned = path.hasSuffix(PointerFile.suffix) ? String(path.dropLast(PointerFile.suffix.count)) : path
            let matching = targets.filter { cleaned.isEmpty || $0.path == cleaned || $0.path.hasPrefix(cleaned + "/") }
            guard !matching.isEmpty else {
                throw MLOpsError(.notFound, "'\(path)' is not tracked at revision '\(revision)'")
            }
            return matching
        }
    }

    private static func collectPointers(
        in tree: OpaquePointer?, at directory: String, git: OpaquePointer, into targets: inout [TrackedTarget]
    ) throws {
        guard let tree else { return }
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index), let rawName = git_tree_entry_name(entry) else {
                continue
            }
            let name = String(cString: rawName)
            let path = directory.isEmpty ? name : directory + "/" + name
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE where !(directory.isEmpty && name == Repository.metadataDirectoryName):
                var child: OpaquePointer?
                guard git_tree_lookup(&child, git, git_tree_entry_id(entry)) == 0 else { continue }
                defer { git_tree_free(child) }
                try collectPointers(in: child, at: path, git: git, into: &targets)
            case GIT_OBJECT_BLOB where name.hasSuffix(PointerFile.suffix) && name != PointerFile.suffix:
                var blob: OpaquePointer?
                guard git_blob_lookup(&blob, git, git_tree_entry_id(entry)) == 0, let blob else { continue }
                defer { git_blob_free(blob) }
                let size = Int(git_blob_rawsize(blob))
                let text =
                    git_blob_rawcontent(blob).map {
                        String(decoding: UnsafeRawBufferPointer(start: $0, count: size), as: UTF8.self)
                    } ?? ""
                let pointer = try PointerFile.parse(text, path: path)
                targets.append(TrackedTarget(path: String(path.dropLast(PointerFile.suffix.count)), pointer: pointer))
            default:
                continue
            }
        }
    }
}

import CGit2
import Foundation
import MLOpsErrors
import MLOpsStore

extension Repository {
    /// The commit that first recorded `oid` in the pointer file `pointer` (repository-relative), following
    /// first parents back from `commit`: the oldest commit of the unbroken run of commits, ending at `commit`,
    /// whose pointer file names that object. When `commit` does not record it (a stage's output is committed
    /// after the run that wrote it; data changed without `mlops add`), the oldest commit on HEAD's first-parent
    /// line that does (the oldest found within `limit` commits). Nil when none does, or outside git.
    func commitRecording(_ oid: String, in pointer: String, from commit: String, limit: Int = 10_000) -> String? {
        walkRecording(oid, in: pointer, from: commit, contiguous: true, limit: limit)
            ?? walkRecording(oid, in: pointer, from: "HEAD", contiguous: false, limit: limit)
    }

    /// From `start` (a commit id or `HEAD`) back along first parents: with `contiguous`, the oldest commit of the
    /// unbroken run of commits recording `oid` that starts at `start`; without, the oldest commit recording it
    /// anywhere on that line (data a stage wrote is committed after the run that read it).
    private func walkRecording(
        _ oid: String, in pointer: String, from start: String, contiguous: Bool, limit: Int
    ) -> String? {
        guard let git = GitLibrary.open(root) else { return nil }
        defer { git_repository_free(git) }
        let prefix = GitLibrary.workTreePrefix(git, root: root)
        let gitPath = prefix.isEmpty ? pointer : prefix + "/" + pointer
        var walk: OpaquePointer?
        guard git_revwalk_new(&walk, git) == 0, let walk else { return nil }
        defer { git_revwalk_free(walk) }
        git_revwalk_simplify_first_parent(walk)
        if start == "HEAD" {
            guard git_revwalk_push_head(walk) == 0 else { return nil }
        } else {
            var id = git_oid()
            guard git_oid_fromstr(&id, start) == 0, git_revwalk_push(walk, &id) == 0 else { return nil }
        }
        var recording: String?
        var next = git_oid()
        for _ in 0..<limit {
            guard git_revwalk_next(&next, walk) == 0 else { return recording }
            if Self.pointerObject(in: git, commit: &next, path: gitPath) == oid {
                recording = GitLibrary.hex(next)
            } else if contiguous {
                return recording
            }
        }
        return contiguous ? nil : recording
    }

    /// The object id the pointer file at `path` names in `commit`, or nil.
    private static func pointerObject(in git: OpaquePointer, commit: inout git_oid, path: String) -> String? {
        var found: OpaquePointer?
        guard git_commit_lookup(&found, git, &commit) == 0, let found else { return nil }
        defer { git_commit_free(found) }
        var tree: OpaquePointer?
        guard git_commit_tree(&tree, found) == 0, let tree else { return nil }
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, tree, path) == 0, let entry else { return nil }
        defer { git_tree_entry_free(entry) }
        var blob: OpaquePointer?
        guard git_blob_lookup(&blob, git, git_tree_entry_id(entry)) == 0, let blob else { return nil }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size <= 1 << 20, let bytes = git_blob_rawcontent(blob) else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(start: bytes, count: size), as: UTF8.self)
        return (try? PointerFile.parse(text, path: path))?.oid.description
    }

    /// Whether `commit` is in the git repository's object database.
    func commitExists(_ commit: String) -> Bool {
        guard let git = GitLibrary.open(root) else { return false }
        defer { git_repository_free(git) }
        var oid = git_oid()
        var found: OpaquePointer?
        guard git_oid_fromstr(&oid, commit) == 0, git_commit_lookup(&found, git, &oid) == 0 else { return false }
        git_commit_free(found)
        return true
    }
}

import CGit2
import Foundation
import MLOpsErrors

/// Reads files as they were at a git revision, through libgit2 (no `git` process, no checkout).
enum GitRevisionFiles {
    /// The bytes of repository-relative `path` at `revision` (a commit, branch, tag or `HEAD~2`), or nil when the
    /// revision has no such file.
    ///
    /// - Throws: `notFound` when `revision` names nothing, `invalidState` outside a git repository.
    static func read(_ path: String, at revision: String, repositoryRoot: String) throws -> Data? {
        guard let repository = GitLibrary.open(repositoryRoot) else {
            throw MLOpsError(.invalidState, "'\(repositoryRoot)' is not inside a git repository")
        }
        defer { git_repository_free(repository) }
        var commit: OpaquePointer?
        guard git_revparse_single(&commit, repository, revision + "^{commit}") == 0, let commit else {
            throw MLOpsError(.notFound, "no git revision '\(revision)'", cause: GitError.last())
        }
        git_object_free(commit)
        // Paths in git are relative to the work tree's top, which may be above the mlops repository.
        let workTree = git_repository_workdir(repository).map { String(cString: $0) } ?? repositoryRoot + "/"
        let prefix = WorkspacePath.relative(repositoryRoot, to: String(workTree.dropLast())) ?? ""
        let gitPath = prefix.isEmpty ? path : prefix + "/" + path
        var object: OpaquePointer?
        guard git_revparse_single(&object, repository, "\(revision):\(gitPath)") == 0, let object else { return nil }
        defer { git_object_free(object) }
        guard git_object_type(object) == GIT_OBJECT_BLOB else { return nil }
        guard let bytes = git_blob_rawcontent(object) else { return Data() }
        return Data(bytes: bytes, count: Int(git_blob_rawsize(object)))
    }
}

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
        let repository = try GitLibrary.openRequired(repositoryRoot)
        defer { git_repository_free(repository) }
        var commit: OpaquePointer?
        guard git_revparse_single(&commit, repository, revision + "^{commit}") == 0, let commit else {
            throw MLOpsError(.notFound, "no git revision '\(revision)'", cause: GitError.last())
        }
        git_object_free(commit)
        let prefix = GitLibrary.workTreePrefix(repository, root: repositoryRoot)
        let gitPath = prefix.isEmpty ? path : prefix + "/" + path
        var object: OpaquePointer?
        guard git_revparse_single(&object, repository, "\(revision):\(gitPath)") == 0, let object else { return nil }
        defer { git_object_free(object) }
        guard git_object_type(object) == GIT_OBJECT_BLOB else { return nil }
        guard let bytes = git_blob_rawcontent(object) else { return Data() }
        return Data(bytes: bytes, count: Int(git_blob_rawsize(object)))
    }
}

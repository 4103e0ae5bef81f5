import CGit2
import Foundation
import MLOpsErrors

/// Annotated git tags for registry promotions, created through libgit2, so CI systems can trigger on them.
enum GitTags {
    /// Creates `<name>@v<version>` (kept if it exists) and moves `<name>#<alias>`, both at `commit` (or HEAD when
    /// the version has no commit). Returns the tag names.
    static func tagPromotion(
        at directory: String, commit: String?, name: String, version: Int, alias: String, message: String
    ) throws -> [String] {
        let repository = try GitLibrary.openRequired(directory, hint: "run `git init`, or promote without git tags")
        defer { git_repository_free(repository) }
        var target: OpaquePointer?
        let revision = commit ?? "HEAD"
        guard git_revparse_single(&target, repository, revision) == 0, let target else {
            throw MLOpsError(.notFound, "cannot find commit \(revision) to tag", cause: GitError.last())
        }
        defer { git_object_free(target) }
        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, repository) != 0 {
            // No user.name/user.email configured: tag as mlops rather than fail.
            guard git_signature_now(&signature, "mlops", "mlops@localhost") == 0 else {
                throw MLOpsError(.failure, "cannot make a git signature", cause: GitError.last())
            }
        }
        defer { git_signature_free(signature) }
        var created: [String] = []
        for (tag, force) in [("\(name)@v\(version)", false), ("\(name)#\(alias)", true)] {
            var oid = git_oid()
            let status = git_tag_create(&oid, repository, tag, target, signature, message, force ? 1 : 0)
            if status == GIT_EEXISTS.rawValue && !force { continue }
            guard status == 0 else {
                throw MLOpsError(.failure, "cannot create the git tag '\(tag)'", cause: GitError.last())
            }
            created.append(tag)
        }
        return created
    }
}

/// libgit2's last error, as an Error for `MLOpsError.cause`.
struct GitError: Error, CustomStringConvertible {
    let description: String

    static func last() -> GitError {
        guard let error = git_error_last(), let message = error.pointee.message else {
            return GitError(description: "unknown libgit2 error")
        }
        return GitError(description: String(cString: message))
    }
}

import CGit2
import Foundation
import MLOpsErrors
import MLOpsStore

/// A temporary checkout of one git commit, for `mlops reproduce`.
///
/// It is a git repository of its own whose object database borrows the user's (`objects/info/alternates`),
/// with HEAD detached at the commit and every file checked out: scripts that call `git` work in it, no object
/// is copied, and the user's repository (its work tree, index, refs and worktree list) is only read. A
/// `git worktree` would have registered itself in the user's `.git` and needed a branch or a prune afterwards.
final class RevisionCheckout {
    /// The top of the checkout (its git work tree).
    let directory: String
    /// The mlops repository root inside it (the same place relative to the git work tree as the user's).
    let root: String
    /// The full id of the commit checked out.
    let commit: String

    private init(directory: String, root: String, commit: String) {
        self.directory = directory
        self.root = root
        self.commit = commit
    }

    /// Checks out `commit` of the git repository containing `repositoryRoot` into a new directory under the
    /// system's temporary directory (readable by this user only, named with the process id so a later rebuild
    /// removes it if this process is killed first).
    ///
    /// - Throws: `notFound` when the commit is not in the repository (any more), `invalidState` outside git.
    static func make(commit: String, repositoryRoot: String) throws -> RevisionCheckout {
        let source = try GitLibrary.openRequired(
            repositoryRoot, hint: "runs are reproduced from the git commit they recorded")
        defer { git_repository_free(source) }
        var oid = git_oid()
        var found: OpaquePointer?
        guard git_oid_fromstr(&oid, commit) == 0, git_commit_lookup(&found, source, &oid) == 0 else {
            throw MLOpsError(
                .notFound, "commit \(commit.prefix(12)) is no longer in this git repository",
                hint: "fetch the branch that holds it (`git fetch --all`); a rewritten history (rebase, amend, "
                    + "a force push) loses the commits it replaced", cause: GitError.last())
        }
        git_commit_free(found)
        let prefix = GitLibrary.workTreePrefix(source, root: repositoryRoot)
        guard let common = git_repository_commondir(source).map({ String(cString: $0) }) else {
            throw MLOpsError(.failure, "cannot find the git directory of '\(repositoryRoot)'", cause: GitError.last())
        }
        let objects = (common.hasSuffix("/") ? common : common + "/") + "objects"

        let directory = try ScratchDirectory.make(prefix: "mlops-reproduce-").path
        let checkout = RevisionCheckout(
            directory: directory, root: prefix.isEmpty ? directory : directory + "/" + prefix, commit: commit)
        do {
            try checkout.populate(oid: oid, alternateObjects: [objects] + alternates(of: objects))
            try checkout.requireRealRoot()
        } catch {
            checkout.remove()
            throw error
        }
        return checkout
    }

    /// The object directories `objects/info/alternates` names, absolute (relative ones are relative to
    /// `objects`), so the checkout reaches the objects a shared clone borrows too.
    private static func alternates(of objects: String) -> [String] {
        guard let text = try? String(contentsOfFile: objects + "/info/alternates", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }.map {
            $0.hasPrefix("/") ? $0 : WorkspacePath.normalize(objects + "/" + $0)
        }
    }

    /// Refuses a commit whose mlops repository directory, or its `.mlops`, is a link: the rebuild would then open
    /// (and write to) another repository. Everything in `.mlops` but the committed configuration is removed, so
    /// a committed database or object store cannot stand in for the checkout's own.
    private func requireRealRoot() throws {
        let real = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        let expected = root == directory ? real : real + "/" + String(root.dropFirst(directory.count + 1))
        let metadata = root + "/" + Repository.metadataDirectoryName
        // A commit without the repository is reported when the rebuild opens it.
        guard FileSnapshot.take(metadata) != nil else { return }
        guard URL(fileURLWithPath: root).resolvingSymlinksInPath().path == expected,
            FileSnapshot.take(metadata)?.isDirectory == true, FileSnapshot.take(metadata)?.isSymlink == false
        else {
            throw MLOpsError(
                .invalidInput,
                "commit \(commit.prefix(12)) makes the repository's directory or its .mlops a symbolic link or a file",
                hint: "a commit that replaces them cannot be rebuilt")
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: metadata)) ?? []
        where name != "config.yaml" && name != ".gitignore" {
            try FileManager.default.removeItem(atPath: metadata + "/" + name)
        }
        if let config = FileSnapshot.take(metadata + "/config.yaml"), !config.isRegularFile {
            throw MLOpsError(
                .invalidInput, "commit \(commit.prefix(12)) has a .mlops/config.yaml that is not a regular file",
                hint: "commit the configuration itself, not a link")
        }
    }

    private func populate(oid: git_oid, alternateObjects: [String]) throws {
        var oid = oid
        var created: OpaquePointer?
        guard git_repository_init(&created, directory, 0) == 0, let created else {
            throw MLOpsError(.failure, "cannot create a git repository in '\(directory)'", cause: GitError.last())
        }
        git_repository_free(created)
        try AtomicFile.write(
            bytes: Array(alternateObjects.map { $0 + "\n" }.joined().utf8),
            to: directory + "/.git/objects/info/alternates")
        // Opened again so the object database reads the alternates file.
        var repository: OpaquePointer?
        guard git_repository_open(&repository, directory) == 0, let repository else {
            throw MLOpsError(.failure, "cannot open the checkout in '\(directory)'", cause: GitError.last())
        }
        defer { git_repository_free(repository) }
        var commitObject: OpaquePointer?
        guard git_object_lookup(&commitObject, repository, &oid, GIT_OBJECT_COMMIT) == 0, let commitObject else {
            throw MLOpsError(.failure, "cannot read commit \(commit.prefix(12))", cause: GitError.last())
        }
        defer { git_object_free(commitObject) }
        var options = git_checkout_options()
        git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue
        guard git_checkout_tree(repository, commitObject, &options) == 0,
            git_repository_set_head_detached(repository, &oid) == 0
        else {
            // libgit2 refuses trees it will not write (a nested `.git`, a path it deems unsafe).
            throw MLOpsError(
                .invalidInput, "commit \(commit.prefix(12)) cannot be checked out: \(GitError.last().description)",
                hint: "a commit git refuses to check out cannot be rebuilt")
        }
    }

    /// Removes the checkout and everything a rebuild wrote into it.
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

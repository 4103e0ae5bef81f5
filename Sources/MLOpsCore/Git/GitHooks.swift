import CGit2
import Foundation
import MLOpsErrors
import MLOpsStore

/// The git hooks mlops installs.
public enum GitHook: String, CaseIterable, Codable, Sendable {
    /// After a branch checkout: check out the data the new commit records.
    case postCheckout = "post-checkout"
    /// Before a commit: warn when tracked data changed but its pointer file was not updated.
    case preCommit = "pre-commit"
    /// Before a push: push the data to the default remote.
    case prePush = "pre-push"
}

/// What `hooks install` or `uninstall` did to one hook.
public struct HookChange: Codable, Sendable, Equatable {
    public var hook: GitHook
    public var path: String
    /// `installed`, `chained` (an existing hook now runs first), `unchanged`, `removed`, `restored`.
    public var action: String
}

extension Repository {
    static let hookMarker = "# mlops hook: installed by `mlops hooks install`, removed by `mlops hooks uninstall`."
    static let chainedSuffix = ".pre-mlops"

    /// Installs the post-checkout, pre-commit and pre-push hooks in the git repository (honoring
    /// `core.hooksPath`). An existing hook that mlops did not write is never overwritten: without `chain` the
    /// install is refused (`.conflict`, nothing changed); with `chain` it is kept as `<hook>.pre-mlops` and runs
    /// first. `executable` is the mlops the hooks run (the one on `PATH` if it disappears).
    public func installHooks(chain: Bool, executable: String) throws -> [HookChange] {
        let directory = try hooksDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let foreign = GitHook.allCases.filter { hook in
            let text = try? String(contentsOfFile: directory + "/" + hook.rawValue, encoding: .utf8)
            return text.map { !$0.contains(Self.hookMarker) } ?? false
        }
        if !foreign.isEmpty && !chain {
            throw MLOpsError(
                .conflict,
                "git already has \(foreign.map(\.rawValue).joined(separator: ", ")) hook(s) mlops did not write",
                hint: "`mlops hooks install --chain` keeps them and runs them first; nothing was changed")
        }
        return try GitHook.allCases.map { hook in
            let path = directory + "/" + hook.rawValue
            var action = "installed"
            if foreign.contains(hook) {
                guard rename(path, path + Self.chainedSuffix) == 0 else {
                    throw MLOpsError.system("rename", path: path, errno: errno)
                }
                action = "chained"
            } else if (try? String(contentsOfFile: path, encoding: .utf8))
                == Self.hookScript(hook, executable: executable)
            {
                return HookChange(hook: hook, path: path, action: "unchanged")
            }
            try AtomicFile.write(Self.hookScript(hook, executable: executable), to: path, mode: 0o755)
            return HookChange(hook: hook, path: path, action: action)
        }
    }

    /// Removes the hooks mlops installed and puts chained ones back.
    public func uninstallHooks() throws -> [HookChange] {
        let directory = try hooksDirectory()
        var changes: [HookChange] = []
        for hook in GitHook.allCases {
            let path = directory + "/" + hook.rawValue
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains(Self.hookMarker) else {
                continue
            }
            unlink(path)
            if rename(path + Self.chainedSuffix, path) == 0 {
                changes.append(HookChange(hook: hook, path: path, action: "restored"))
            } else {
                changes.append(HookChange(hook: hook, path: path, action: "removed"))
            }
        }
        return changes
    }

    /// The hook script: run a chained hook first, then `mlops hooks run` (the installing `executable`, else the
    /// `mlops` on PATH).
    static func hookScript(_ hook: GitHook, executable: String) -> String {
        // A chained hook gets the same arguments (and, for pre-push, the refs git writes to standard input).
        let chained = "if [ -x \"$0\(chainedSuffix)\" ]; then \"$0\(chainedSuffix)\" \"$@\" || exit $?; fi\n"
        return """
            #!/bin/sh
            \(hookMarker)
            \(chained)mlops='\(executable.replacingOccurrences(of: "'", with: "'\\''"))'
            [ -x "$mlops" ] || mlops=mlops
            exec "$mlops" hooks run \(hook.rawValue) "$@"

            """
    }

    /// The directory git runs hooks from: `core.hooksPath` when set, else `.git/hooks`.
    func hooksDirectory() throws -> String {
        let git = try GitLibrary.openRequired(root)
        defer { git_repository_free(git) }
        var config: OpaquePointer?
        if git_repository_config_snapshot(&config, git) == 0, let config {
            defer { git_config_free(config) }
            var buffer = git_buf()
            if git_config_get_path(&buffer, config, "core.hooksPath") == 0, let pointer = buffer.ptr {
                defer { git_buf_dispose(&buffer) }
                let configured = String(cString: pointer)
                let workTree = git_repository_workdir(git).map { String(String(cString: $0).dropLast()) } ?? root
                return WorkspacePath.absolute(configured, relativeTo: workTree)
            }
        }
        guard let gitDirectory = git_repository_path(git) else {
            throw MLOpsError(.invalidState, "git has no directory for '\(root)'")
        }
        return String(String(cString: gitDirectory).dropLast()) + "/hooks"
    }

    /// `post-checkout`: the tracked targets to check out after git moved from commit `previous` to `new` (those
    /// whose pointer files the two commits' trees differ in), or none for a file checkout or during a rebase.
    /// Reads only git's objects, through a tree-to-tree diff that skips unchanged subtrees, so it is fast when
    /// nothing changed; check out the result with ``checkout(_:relativeTo:force:revision:progress:)``.
    public static func postCheckoutTargets(
        root: String, previous: String, new: String, branchCheckout: Bool, environment: [String: String]
    ) throws -> [String] {
        guard branchCheckout, previous != new, environment["GIT_REFLOG_ACTION"]?.hasPrefix("rebase") != true,
            let git = GitLibrary.open(root)
        else { return [] }
        defer { git_repository_free(git) }
        guard let gitDirectory = git_repository_path(git).map({ String(cString: $0) }),
            !["rebase-merge", "rebase-apply"].contains(where: { FileSnapshot.take(gitDirectory + $0) != nil })
        else { return [] }
        var oldObject: OpaquePointer?
        var newObject: OpaquePointer?
        defer {
            git_object_free(oldObject)
            git_object_free(newObject)
        }
        guard git_revparse_single(&newObject, git, new + "^{tree}") == 0 else {
            throw MLOpsError(.notFound, "no git revision '\(new)'")
        }
        // A previous commit git cannot read (the null id of a fresh clone) compares with an empty tree.
        _ = git_revparse_single(&oldObject, git, previous + "^{tree}")
        var diff: OpaquePointer?
        guard git_diff_tree_to_tree(&diff, git, oldObject, newObject, nil) == 0, let diff else {
            throw MLOpsError(.failure, "cannot compare the trees of \(previous) and \(new)", cause: GitError.last())
        }
        defer { git_diff_free(diff) }
        let relativeRoot = GitLibrary.workTreePrefix(git, root: root)
        let prefix = relativeRoot.isEmpty ? "" : relativeRoot + "/"
        var targets: [String] = []
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index), delta.pointee.status != GIT_DELTA_DELETED,
                let rawPath = delta.pointee.new_file.path
            else { continue }
            let path = String(cString: rawPath)
            guard path.hasSuffix(PointerFile.suffix), path.hasPrefix(prefix),
                !path.hasPrefix(prefix + Repository.metadataDirectoryName + "/")
            else { continue }
            targets.append(String(path.dropFirst(prefix.count).dropLast(PointerFile.suffix.count)))
        }
        return targets
    }

    /// `pre-commit`: the tracked targets whose data changed in the workspace but whose pointer files were not
    /// updated (so the commit would record stale pointers).
    public func runPreCommitHook() throws -> [String] {
        let status = try status(relativeTo: root)
        return Array(Set(status.changes.map(\.target))).sorted()
    }
}

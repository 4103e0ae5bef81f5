import CGit2
import MLOpsErrors
import Foundation

/// The git commit and branch a workspace is at and whether tracked files differ from it, read through libgit2.
public struct GitState: Codable, Sendable, Equatable {
    /// The HEAD commit's id, or nil outside a git repository or before the first commit.
    public var commit: String?
    /// The checked-out branch's short name, or nil when HEAD is detached (or outside git).
    public var branch: String?
    /// Whether tracked files (or the index) differ from HEAD; untracked and ignored files do not count, nor do
    /// mlops' own bookkeeping files (pointer files, `mlops.lock`, `.gitignore`), whose changes `repro` and `add`
    /// make themselves and runs record exactly, as the object ids of the data they read.
    public var dirty: Bool

    public init(commit: String?, branch: String? = nil, dirty: Bool) {
        self.commit = commit
        self.branch = branch
        self.dirty = dirty
    }

    /// Reads the state of the git repository containing `directory` (none → no commit, not dirty).
    public static func read(at directory: String) -> GitState {
        guard let repository = GitLibrary.open(directory) else { return GitState(commit: nil, dirty: false) }
        defer { git_repository_free(repository) }
        var branch: String?
        var reference: OpaquePointer?
        if git_repository_head_detached(repository) == 0, git_repository_head(&reference, repository) == 0,
            let reference
        {
            branch = git_reference_shorthand(reference).map { String(cString: $0) }
            git_reference_free(reference)
        }
        var head = git_oid()
        var commit: String?
        if git_reference_name_to_id(&head, repository, "HEAD") == 0 { commit = GitLibrary.hex(head) }
        var options = git_status_options()
        git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = 0  // no untracked, no ignored files
        var list: OpaquePointer?
        var dirty = false
        if git_status_list_new(&list, repository, &options) == 0, let list {
            dirty = (0..<git_status_list_entrycount(list)).contains { index in
                guard let entry = git_status_byindex(list, index)?.pointee else { return true }
                let delta = entry.head_to_index ?? entry.index_to_workdir
                guard let path = delta?.pointee.new_file.path ?? delta?.pointee.old_file.path else { return true }
                return !isBookkeeping(String(cString: path))
            }
            git_status_list_free(list)
        }
        return GitState(commit: commit, branch: branch, dirty: dirty)
    }

    /// Whether a path (relative to the git work tree) is one of the files mlops itself writes to record data.
    private static func isBookkeeping(_ path: String) -> Bool {
        let name = WorkspacePath.name(path)
        return name.hasSuffix(PointerFile.suffix) || name == PipelineLock.name || name == ".gitignore"
    }
}

/// libgit2, initialized once per process.
enum GitLibrary {
    private static let initialized: Bool = {
        git_libgit2_init()
        return true
    }()

    /// The git repository containing `directory`, or nil outside one; the caller frees it with
    /// `git_repository_free`.
    static func open(_ directory: String) -> OpaquePointer? {
        _ = initialized
        var repository: OpaquePointer?
        guard git_repository_open_ext(&repository, directory, 0, nil) == 0 else { return nil }
        return repository
    }

    /// The git repository containing `directory`; the caller frees it with `git_repository_free`.
    ///
    /// - Throws: `invalidState` outside a git repository, with `hint`.
    static func openRequired(_ directory: String, hint: String = "run `git init` first") throws -> OpaquePointer {
        guard let repository = open(directory) else {
            throw MLOpsError(.invalidState, "'\(directory)' is not inside a git repository", hint: hint)
        }
        return repository
    }

    /// A git object id as its hex text.
    static func hex(_ oid: git_oid) -> String {
        var oid = oid
        var buffer = [CChar](repeating: 0, count: Int(mlops_git_oid_hexsz) + 1)
        git_oid_tostr(&buffer, buffer.count, &oid)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Where `root` sits in `repository`'s work tree, as a relative directory ("" at the top). Paths in git
    /// trees are relative to the work tree's top, which may be above the mlops repository.
    static func workTreePrefix(_ repository: OpaquePointer, root: String) -> String {
        let workTree = git_repository_workdir(repository).map { String(String(cString: $0).dropLast()) } ?? root
        return WorkspacePath.relative(root, to: workTree) ?? ""
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors

extension Repository {
    /// Refuses a repository-relative path reached through a symbolic link: each directory above it (and, with
    /// `includingItself`, the path itself) must be a real directory or absent. A link could lead into `.git`,
    /// `.mlops`, tracked data or outside the repository, where every lexical check passes but the write lands
    /// elsewhere.
    func requireRealDirectories(to path: String, includingItself: Bool = false, what: String) throws {
        let parts = path.split(separator: "/")
        var prefix = ""
        for part in includingItself ? parts[...] : parts.dropLast() {
            prefix = WorkspacePath.join(prefix, String(part))
            if FileSnapshot.take(absolute(prefix))?.isSymlink == true {
                throw MLOpsError(
                    .invalidInput, "\(what) '\(path)' is reached through the symbolic link '\(prefix)'",
                    hint:
                        "mlops writes only through real directories; use the path the link points to, if it is in the repository"
                )
            }
        }
    }
}

extension Repository {
    /// Refuses an output file that would destroy what the command reads or the repository itself: a path in
    /// `.git` or `.mlops` (however it is reached), or the very file given as input.
    func requireSafeOutput(_ path: String, given: String, inputs: [String] = []) throws {
        // Compared both as written and with links resolved, since either may be the one that reaches in.
        let resolved = WorkspacePath.join(Self.resolved(WorkspacePath.parent(path)), WorkspacePath.name(path))
        for reserved in [".git", Self.metadataDirectoryName] {
            for directory in [root, Self.resolved(root)].map({ $0 + "/" + reserved }) {
                for candidate in [path, resolved] where candidate == directory || candidate.hasPrefix(directory + "/") {
                    throw MLOpsError(
                        .invalidInput, "'\(given)' is inside \(reserved)/, which the repository needs",
                        hint: "write the output elsewhere")
                }
            }
        }
        guard let output = FileSnapshot.take(path), output.isRegularFile else { return }
        // The same file under another name (a link) is caught by its identity.
        for input in inputs {
            if let snapshot = FileSnapshot.take(input), snapshot.device == output.device, snapshot.inode == output.inode
            {
                throw MLOpsError(
                    .invalidInput, "'\(given)' is the file being read", hint: "write the output to another file")
            }
        }
    }

    /// `path` with every symbolic link resolved, or as it is when it does not exist.
    private static func resolved(_ path: String) -> String {
        guard let pointer = realpath(path, nil) else { return path }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

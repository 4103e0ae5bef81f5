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

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors
import MLOpsStore

extension Repository {
    /// Writes a command's output file atomically (a temporary sibling, fsynced, renamed), after
    /// ``SafeOutput/require(_:given:inputs:)``: for operations outside this module that produce files (reports).
    public func writeOutputFile(_ bytes: [UInt8], to path: String, given: String, inputs: [String] = []) throws {
        try SafeOutput.require(path, given: given, inputs: inputs)
        try AtomicFile.write(bytes: bytes, to: path)
    }
}

/// The checks of an output path before anything is written, in a repository or not.
enum SafeOutput {
    /// Refuses an output (absolute `path`; `given` is how the user wrote it) with a directory named `.git` or
    /// `.mlops` on its way, as written or with the links of its directory resolved (so a repository's own
    /// directories are never written into, whichever repository and however they are reached), or that is one of
    /// the `inputs`.
    static func require(_ path: String, given: String, inputs: [String] = []) throws {
        let resolved = WorkspacePath.join(Self.resolved(WorkspacePath.parent(path)), WorkspacePath.name(path))
        for candidate in [WorkspacePath.normalize(path), resolved] {
            let components = candidate.split(separator: "/")
            if let reserved = components.first(where: { $0 == ".git" || $0 == Repository.metadataDirectoryName }) {
                throw MLOpsError(
                    .invalidInput, "'\(given)' is inside \(reserved)/, which a repository needs",
                    hint: "write the output elsewhere")
            }
        }
        try requireNotInput(path, given: given, inputs: inputs)
    }

    /// Refuses an output that is one of the `inputs`, however either is named: links are followed (`stat`, not
    /// ``FileSnapshot``'s `lstat`), and the same file under two names is caught by its identity.
    static func requireNotInput(_ path: String, given: String, inputs: [String]) throws {
        var output = stat()
        guard stat(path, &output) == 0, output.st_mode & S_IFMT == S_IFREG else { return }
        for input in inputs {
            var status = stat()
            if stat(input, &status) == 0, status.st_dev == output.st_dev, status.st_ino == output.st_ino {
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

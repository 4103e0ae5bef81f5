#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MLOpsErrors
import MLOpsStore

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
        try SafeOutput.requireNotInput(path, given: given, inputs: inputs)
    }

    /// Writes a command's output file atomically (a temporary sibling, fsynced, renamed), after
    /// ``requireSafeOutput(_:given:inputs:)``: for operations outside this module that produce files (reports).
    public func writeOutputFile(_ bytes: [UInt8], to path: String, given: String, inputs: [String] = []) throws {
        try requireSafeOutput(path, given: given, inputs: inputs)
        try AtomicFile.write(bytes: bytes, to: path)
    }

    /// `path` with every symbolic link resolved, or as it is when it does not exist.
    private static func resolved(_ path: String) -> String {
        guard let pointer = realpath(path, nil) else { return path }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// The checks of an output path that need no repository.
enum SafeOutput {
    /// Refuses an output that is one of the `inputs`, however it is named: the same file under another name (a
    /// link) is caught by its identity.
    static func requireNotInput(_ path: String, given: String, inputs: [String]) throws {
        guard let output = FileSnapshot.take(path), output.isRegularFile else { return }
        for input in inputs {
            if let snapshot = FileSnapshot.take(input), snapshot.device == output.device, snapshot.inode == output.inode
            {
                throw MLOpsError(
                    .invalidInput, "'\(given)' is the file being read", hint: "write the output to another file")
            }
        }
    }
}

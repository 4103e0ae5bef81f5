#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsErrors
import MLOpsStore

/// What `mlops init` did.
public struct InitializationResult: Sendable, Codable, Equatable {
    /// The repository root.
    public var root: String
    /// False when a repository already existed there; then nothing was changed.
    public var created: Bool
}

extension Repository {
    /// The content of `.mlops/.gitignore`: everything but the committed configuration stays out of git.
    static let metadataGitignore = """
        # Everything in .mlops/ is local (cache, database, locks, secrets) except the shared configuration.
        /*
        !/.gitignore
        !/config.yaml

        """

    /// Creates a repository at `directory`, or reports the existing one there without changing it.
    ///
    /// The metadata directory is assembled under a temporary name and renamed into place, so an interrupted
    /// `init` never leaves a half-made repository that later commands would trip over.
    public static func initialize(at directory: String) throws -> InitializationResult {
        let root = WorkspacePath.normalize(directory)
        let metadata = root + "/" + metadataDirectoryName
        if access(metadata, F_OK) == 0 {
            if access(metadata + "/config.yaml", F_OK) == 0 {
                _ = try Repository(root: root)
                return InitializationResult(root: root, created: false)
            }
            throw MLOpsError(
                .conflict, "'\(metadata)' exists but is not an mlops metadata directory",
                hint: "move it away, then run `mlops init` again")
        }
        let staging = root + "/.mlops-init-" + String(getpid())
        do {
            try FileManager.default.createDirectory(
                atPath: staging + "/objects/" + ObjectID.algorithm, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: staging + "/tmp", withIntermediateDirectories: true)
            try Data(RepositoryConfig().rendered().utf8).write(to: URL(fileURLWithPath: staging + "/config.yaml"))
            try Data(metadataGitignore.utf8).write(to: URL(fileURLWithPath: staging + "/.gitignore"))
            _ = try MetadataDatabase(path: staging + "/mlops.db")
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            if let error = error as? MLOpsError { throw error }
            throw MLOpsError(.failure, "cannot create the repository in '\(root)'", cause: error)
        }
        guard rename(staging, metadata) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: staging)
            if code == ENOTEMPTY || code == EEXIST { return try initialize(at: root) }
            throw MLOpsError.system("create", path: metadata, errno: code)
        }
        return InitializationResult(root: root, created: true)
    }
}

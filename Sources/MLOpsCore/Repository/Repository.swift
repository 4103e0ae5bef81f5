#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import MLOpsErrors
import MLOpsStore

/// An mlops repository: a directory holding `.mlops/` (configuration, metadata database, object store) and the
/// user's workspace around it.
///
/// Opening a repository reads its configuration and database but takes no lock: readers (status, ls) never
/// block. Operations that change state take ``RepositoryLock`` themselves.
///
/// Records live in stores, one per kind, each the only writer of its tables and the keeper of their invariants:
/// ``runs``, ``registry``, ``servingLog`` and, inside the library, the run cache, the stat caches and the
/// complete-manifest cache (docs/architecture.md, Stores). Operations
/// that combine stores with the object store, git and locks (`train`, `registerModel`, `promote`, `reproduce`,
/// `push`…) are methods of the repository, one file per operation.
public final class Repository: Sendable {
    /// The name of the metadata directory at the repository root.
    public static let metadataDirectoryName = ".mlops"

    /// The absolute path of the workspace root (the directory containing `.mlops/`).
    public let root: String
    /// The parsed `config.yaml`.
    public let config: RepositoryConfig
    /// The metadata database, reached only through the stores.
    let database: MetadataDatabase
    /// The content-addressed object store (the cache).
    public let store: ObjectStore
    /// Runs and what they recorded.
    public let runs: RunStore
    /// Registered models, versions, aliases and their history.
    public let registry: RegistryStore
    /// What model servers answered, and the labels that came back.
    public let servingLog: ServingLog
    /// What pipeline stages produced, by what they ran with.
    let runCache: RunCache
    /// The object ids of workspace files by their `lstat` snapshots, and of tracked directories by fingerprint.
    let statCache: StatCache
    let directoryStatCache: DirectoryStatCache
    /// Directory manifests known to be complete in the cache.
    let cachedManifests: CachedManifests
    /// Which entries of the remote's record log are merged here.
    let syncedLog: SyncedLog

    /// Changes whenever any process records anything in the metadata database (runs, registry, serving log):
    /// see ``MetadataDatabase/changeMarker()``.
    public func recordsChangeMarker() -> ChangeMarker { database.changeMarker() }

    /// The absolute path of `.mlops/`.
    public var metadataDirectory: String { root + "/" + Self.metadataDirectoryName }

    /// Opens the repository whose root is exactly `root`.
    public init(root: String) throws {
        self.root = root
        let metadata = root + "/" + Self.metadataDirectoryName
        let configPath = metadata + "/config.yaml"
        let text: String
        do {
            text = try TextFile.read(configPath, name: configPath)
        } catch let error as MLOpsError {
            throw MLOpsError(
                .invalidState,
                "the repository at '\(root)' has no readable \(Self.metadataDirectoryName)/config.yaml: \(error.message)",
                hint: "restore it with `git checkout -- .mlops/config.yaml`, or run `mlops init` again")
        }
        config = try RepositoryConfig.parse(text, path: configPath)
        database = try MetadataDatabase(path: metadata + "/mlops.db")
        runs = RunStore(database: database, root: root)
        registry = RegistryStore(database: database, runs: runs)
        servingLog = ServingLog(database: database)
        runCache = RunCache(database: database)
        statCache = StatCache(database: database)
        directoryStatCache = DirectoryStatCache(database: database)
        cachedManifests = CachedManifests(database: database)
        syncedLog = SyncedLog(database: database)
        store = ObjectStore(objectsDirectory: metadata + "/objects", temporaryDirectory: metadata + "/tmp")
        // A fresh clone has only the committed config: the cache and staging directories are local, so they
        // are made here on first use.
        for directory in [store.objectsDirectory, store.temporaryDirectory]
        where mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw MLOpsError.system("create", path: directory, errno: errno)
        }
    }

    /// Finds the repository containing `directory` (or one of its parents) and opens it.
    ///
    /// Throws `.notARepository` with a hint to run `mlops init` when no parent holds `.mlops/config.yaml`.
    public static func discover(from directory: String) throws -> Repository {
        guard let root = findRoot(from: directory) else {
            throw MLOpsError(
                .notARepository, "not an mlops repository (or any parent): \(directory)",
                hint: "run `mlops init` to create one here")
        }
        return try Repository(root: root)
    }

    /// The root of the repository containing `directory`, if any. Looks for `.mlops/config.yaml` in `directory`
    /// and each parent, as git looks for `.git`.
    public static func findRoot(from directory: String) -> String? {
        var candidate = WorkspacePath.normalize(directory)
        while true {
            if access(candidate + "/" + metadataDirectoryName + "/config.yaml", F_OK) == 0 { return candidate }
            guard candidate != "/", let slash = candidate.lastIndex(of: "/") else { return nil }
            candidate = slash == candidate.startIndex ? "/" : String(candidate[..<slash])
        }
    }
}

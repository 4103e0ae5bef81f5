import Foundation
import MLOpsErrors
import MLOpsStore

/// What `model fetch` wrote.
public struct FetchedBundle: Codable, Sendable {
    /// The reference as given and what it resolved to on the remote (`name@version`).
    public var reference: String
    public var resolved: String
    public var output: String
    public var bytes: Int
    /// False when the output already held this bundle, byte for byte, and was left alone.
    public var changed: Bool
    public var manifest: BundleManifest
}

/// A registered model fetched from a remote without a repository, as a verified bundle: what an edge device
/// runs from a cron job to follow `mpg@production`.
public enum RemoteBundleFetch {
    /// Where the remote is and how to reach it.
    public struct Remote: Sendable {
        /// A directory path (relative to the working directory) or `s3://bucket[/prefix]`.
        public var url: String
        public var endpointURL: String?
        public var region: String?

        public init(url: String, endpointURL: String? = nil, region: String? = nil) {
            self.url = url
            self.endpointURL = endpointURL
            self.region = region
        }
    }

    /// Resolves `reference` (`name@alias`, `name@latest` or `name@version`) through the remote's record log,
    /// downloads that version's model, its training run's record and the run's profile and recipe (each
    /// verified against the id its record names), and writes the bundle `mlops export` would write in a clone
    /// that pulled them: the same model gives the same bytes. The output is replaced atomically, and only when
    /// its bytes change, so a server following the file (`serve --bundle`) swaps only for a new model.
    ///
    /// Works in a throwaway repository under `$TMPDIR` that is removed afterwards; the record log is checked as
    /// `fetch` checks it (exit 7 for a broken chain). S3 credentials come from `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY` in `environment`.
    ///
    /// - Throws: `usage` for a run reference or bad remote settings, `notFound` for a model, alias or version
    ///   the remote does not have, `remoteUnavailable`/`remoteDenied` when the remote cannot be read.
    public static func fetch(
        _ reference: String, from remote: Remote, output: String, workingDirectory: String,
        environment: [String: String]
    ) async throws -> FetchedBundle {
        guard try ModelReference.parse(reference).name != nil else {
            throw MLOpsError(
                .usage, "'\(reference)' is a run; fetch a registered version",
                hint: "name it as name@alias, name@latest or name@version")
        }
        var settings = RepositoryConfig.Remote(
            url: remote.url, endpointURL: remote.endpointURL, region: remote.region, pathStyle: nil)
        if !settings.url.hasPrefix("s3://") {
            settings.url = WorkspacePath.absolute(settings.url, relativeTo: workingDirectory)
        }
        let path = WorkspacePath.absolute(output, relativeTo: workingDirectory)
        if let root = Repository.findRoot(from: WorkspacePath.parent(path)) {
            try Repository(root: root).requireSafeOutput(path, given: output)
        }

        let scratch = try ScratchDirectory.make(prefix: "mlops-fetch-")
        defer { scratch.remove() }
        _ = try Repository.initialize(at: scratch.path)
        try Repository(root: scratch.path).addRemote(
            name: "origin", settings: settings, makeDefault: true, replace: false)
        let repository = try Repository(root: scratch.path)
        let version = try await repository.withRemote(nil, connections: 4, environment: environment) {
            name, storage in
            _ = try await repository.fetchRecords(
                from: storage, name: name, jobs: 4, importingRuns: false)

            let version: ModelVersion
            do {
                version = try repository.registry.version(try ModelReference.parse(reference))
            } catch let error as MLOpsError where error.code == .notFound {
                throw MLOpsError(
                    .notFound, "the remote '\(remote.url)' has no \(reference): \(error.message)",
                    hint: "register and promote it in a clone, then `mlops push` publishes it")
            }
            var objects = [try ObjectID(parsing: version.oid)]
            if let runId = version.runId {
                try await repository.importPublishedRun(runId, from: storage, name: name)
                let run = try repository.runs.run(runId)
                if [.train, .tune].contains(run.kind) {
                    objects += ["profile", "recipe"].compactMap { run.artifact(named: $0) }
                        .compactMap { try? ObjectID(parsing: $0) }
                }
            }
            if let profile = version.lineage?.profile { objects.append(try ObjectID(parsing: profile)) }
            try await repository.fetchObjects([objects[0]], from: storage, jobs: 4)
            // The profile and recipe make the bundle whole; a remote that lacks them still gives the model.
            for object in objects.dropFirst() {
                try? await repository.fetchObjects([object], from: storage, jobs: 1)
            }
            return version
        }
        let staged = scratch.path + "/bundle.tar.gz"
        let summary = try repository.exportBundle(
            version.reference, to: staged, workingDirectory: scratch.path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: staged))
        let unchanged = (try? Data(contentsOf: URL(fileURLWithPath: path))) == bytes
        if !unchanged { try AtomicFile.write(bytes: Array(bytes), to: path) }
        return FetchedBundle(
            reference: reference, resolved: version.reference, output: path, bytes: bytes.count, changed: !unchanged,
            manifest: summary.manifest)
    }
}

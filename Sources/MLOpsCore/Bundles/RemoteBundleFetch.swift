import Foundation
import MLOpsErrors
import MLOpsStore

/// What `model fetch` wrote.
public struct FetchedBundle: Codable, Sendable {
    /// The reference as given.
    public var reference: String
    /// What it resolved to on the remote (`name@version`).
    public var resolved: String
    /// The bundle file, absolute.
    public var output: String
    /// Its size.
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
        /// For S3-compatible servers (MinIO, Ceph, moto): `http(s)://host[:port]`.
        public var endpointURL: String?
        /// The S3 region (default `$AWS_DEFAULT_REGION`, else `us-east-1`).
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
    ///   the remote does not have, `remoteDenied` or `failure` when the remote cannot be read, `integrity` for damaged records or
    ///   objects.
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
            var status = stat()
            guard stat(settings.url, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw MLOpsError(
                    .notFound, "the remote '\(remote.url)' is not a directory",
                    hint: "give the directory `mlops push` writes to (is the share mounted?), or s3://bucket/prefix")
            }
        }
        let path = WorkspacePath.absolute(output, relativeTo: workingDirectory)
        try SafeOutput.require(path, given: output)
        try AtomicFile.requireDirectory(of: path)

        do {
            return try await fetch(reference, settings: settings, given: remote.url, to: path, environment: environment)
        } catch let error as MLOpsError {
            throw error.seenFromADevice(remote: remote.url)
        }
    }

    private static func fetch(
        _ reference: String, settings: RepositoryConfig.Remote, given: String, to path: String,
        environment: [String: String]
    ) async throws -> FetchedBundle {
        let scratch = try ScratchDirectory.make(prefix: "mlops-fetch-")
        defer { scratch.remove() }
        _ = try Repository.initialize(at: scratch.path)
        try Repository(root: scratch.path).addRemote(
            name: Self.remoteName, settings: settings, makeDefault: true, replace: false)
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
                    .notFound, "the remote '\(given)' has no \(reference): \(error.message)",
                    hint: "register and promote it in a clone, then `mlops push` publishes it")
            }
            var objects = [try ObjectID(parsing: version.oid)]
            if let runId = version.runId {
                try await repository.importPublishedRun(runId, from: storage, name: name)
                let run = try repository.runs.run(runId)
                if [.train, .tune].contains(run.kind) {
                    objects += try ["profile", "recipe"].compactMap { run.artifact(named: $0) }
                        .map(ObjectID.init(parsing:))
                }
            }
            if let profile = version.lineage?.profile { objects.append(try ObjectID(parsing: profile)) }
            try await repository.fetchObjects([objects[0]], from: storage, jobs: 4)
            // The profile and recipe make the bundle whole: one the remote does not have is left out (the model is
            // what a device must have), but a damaged one or a failing remote fails the fetch, so the bundle never
            // changes with the remote's mood.
            for object in objects.dropFirst() {
                do {
                    try await repository.fetchObjects([object], from: storage, jobs: 1)
                } catch let error as MLOpsError where error.code == .notFound {
                    continue
                }
            }
            return version
        }
        let staged = scratch.path + "/bundle.tar.gz"
        let summary = try repository.exportBundle(
            version.reference, to: staged, workingDirectory: scratch.path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: staged))
        // Compared only with a regular file of the same size: reading a pipe, a terminal or /dev/zero would wait
        // or never end.
        var status = stat()
        let unchanged =
            lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG && Int(status.st_size) == bytes.count
            && (try? Data(contentsOf: URL(fileURLWithPath: path))) == bytes
        if !unchanged { try AtomicFile.write(bytes: Array(bytes), to: path) }
        return FetchedBundle(
            reference: reference, resolved: version.reference, output: path, bytes: bytes.count, changed: !unchanged,
            manifest: summary.manifest)
    }

    /// The name the throwaway repository gives the remote, which messages then replace with its URL.
    static let remoteName = "device-remote"
}

extension MLOpsError {
    /// This error as a device sees it: the throwaway repository's remote is named by its URL, and missing
    /// credentials are fixed through the environment, not a configured remote.
    fileprivate func seenFromADevice(remote url: String) -> MLOpsError {
        let name = "'\(RemoteBundleFetch.remoteName)'"
        let hint =
            code == .remoteDenied
            ? "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and --endpoint-url for a server other than AWS)"
            : self.hint?.replacingOccurrences(of: name, with: "'\(url)'")
        var rewritten = MLOpsError(code, message.replacingOccurrences(of: name, with: "'\(url)'"), hint: hint)
        rewritten.cause = cause
        return rewritten
    }
}

import Foundation
import MLOpsErrors
import MLOpsStore
import Yams

/// A configured remote as `remote list` shows it (never with secrets).
public struct RemoteDescription: Codable, Sendable, Equatable {
    public var name: String
    public var url: String
    public var endpointURL: String?
    public var region: String?
    public var pathStyle: Bool?
    public var isDefault: Bool
    /// Where S3 credentials come from: `config.local.yaml`, `environment`, or `none` (path remotes need none).
    public var credentials: String
}

/// Secrets for remotes, in `.mlops/config.local.yaml` (which git ignores), by remote name.
struct RemoteCredentialsFile: Codable {
    struct Entry: Codable {
        var accessKeyID: String?
        var secretAccessKey: String?
        var sessionToken: String?

        enum CodingKeys: String, CodingKey {
            case accessKeyID = "access_key_id"
            case secretAccessKey = "secret_access_key"
            case sessionToken = "session_token"
        }
    }

    var remotes: [String: Entry]?
}

extension Repository {
    var localConfigPath: String { metadataDirectory + "/config.local.yaml" }
    var configPath: String { metadataDirectory + "/config.yaml" }

    /// The configured remotes, sorted by name.
    public func remotes(environment: [String: String]) throws -> [RemoteDescription] {
        let local = try localCredentials()
        return (config.remotes ?? [:]).sorted { $0.key < $1.key }.map { name, remote in
            RemoteDescription(
                name: name, url: remote.url, endpointURL: remote.endpointURL, region: remote.region,
                pathStyle: remote.pathStyle, isDefault: config.core.remote == name,
                credentials: !remote.url.hasPrefix("s3://")
                    ? "none"
                    : local.remotes?[name]?.accessKeyID != nil
                        ? "config.local.yaml"
                        : environment["AWS_ACCESS_KEY_ID"] != nil ? "environment" : "none")
        }
    }

    /// Adds (or with `replace`, redefines) remote `name`. The first remote becomes the default. Credentials go to
    /// `config.local.yaml` only.
    public func addRemote(
        name: String, settings: RepositoryConfig.Remote, makeDefault: Bool, replace: Bool,
        accessKeyID: String? = nil, secretAccessKey: String? = nil
    ) throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw MLOpsError(.usage, "'\(name)' is not a remote name", hint: "use letters, digits, '-', '_' and '.'")
        }
        if let problem = settings.problem() {
            throw MLOpsError(
                .usage, "remote '\(name)': \(problem)", hint: "give a directory path or s3://bucket[/prefix]")
        }
        guard settings.url.hasPrefix("s3://") || accessKeyID == nil else {
            throw MLOpsError(.usage, "credentials apply to s3:// remotes only")
        }
        let lock = try lock(for: "remote add")
        defer { withExtendedLifetime(lock) {} }
        var updated = try RepositoryConfig.parse(TextFile.read(configPath, name: configPath), path: configPath)
        if updated.remotes?[name] != nil, !replace {
            throw MLOpsError(
                .conflict, "a remote named '\(name)' exists", hint: "replace it explicitly, or choose another name"
            )
        }
        var settings = settings
        if !settings.url.hasPrefix("s3://") {
            // Path remotes are stored as written; relative ones resolve against the repository root.
            settings.url =
                settings.url.hasSuffix("/") && settings.url.count > 1 ? String(settings.url.dropLast()) : settings.url
        }
        updated.remotes = (updated.remotes ?? [:]).merging([name: settings]) { $1 }
        if makeDefault || updated.core.remote == nil { updated.core.remote = name }
        try AtomicFile.write(updated.rendered(), to: configPath)
        if accessKeyID != nil || secretAccessKey != nil {
            var local = try localCredentials()
            var entry = local.remotes?[name] ?? .init()
            entry.accessKeyID = accessKeyID ?? entry.accessKeyID
            entry.secretAccessKey = secretAccessKey ?? entry.secretAccessKey
            local.remotes = (local.remotes ?? [:]).merging([name: entry]) { $1 }
            try AtomicFile.write(
                "# Secrets for remotes. Never committed (.mlops/.gitignore); never printed.\n"
                    + YAMLEncoder().encode(local),
                to: localConfigPath, mode: 0o600)
        }
    }

    /// Removes remote `name` (and its credentials); the default moves to no remote when it was this one.
    public func removeRemote(_ name: String) throws {
        let lock = try lock(for: "remote remove")
        defer { withExtendedLifetime(lock) {} }
        var updated = try RepositoryConfig.parse(TextFile.read(configPath, name: configPath), path: configPath)
        guard updated.remotes?[name] != nil else { throw Self.noRemote(name, updated) }
        updated.remotes?[name] = nil
        if updated.remotes?.isEmpty == true { updated.remotes = nil }
        if updated.core.remote == name { updated.core.remote = nil }
        try AtomicFile.write(updated.rendered(), to: configPath)
        var local = try localCredentials()
        if local.remotes?.removeValue(forKey: name) != nil {
            try AtomicFile.write(YAMLEncoder().encode(local), to: localConfigPath, mode: 0o600)
        }
    }

    /// Makes `name` the remote used when none is named.
    public func setDefaultRemote(_ name: String) throws {
        let lock = try lock(for: "remote default")
        defer { withExtendedLifetime(lock) {} }
        var updated = try RepositoryConfig.parse(TextFile.read(configPath, name: configPath), path: configPath)
        guard updated.remotes?[name] != nil else { throw Self.noRemote(name, updated) }
        updated.core.remote = name
        try AtomicFile.write(updated.rendered(), to: configPath)
    }

    /// Opens remote `name` (the default when nil) for transfers with up to `connections` at once.
    func openRemote(_ name: String?, connections: Int, environment: [String: String]) throws -> (
        name: String, storage: any RemoteStorage
    ) {
        guard let name = name ?? config.core.remote else {
            throw MLOpsError(
                .usage, "no remote is named and there is no default",
                hint: "add one: mlops remote add storage s3://bucket/prefix (or a directory path)")
        }
        guard let remote = config.remotes?[name] else { throw Self.noRemote(name, config) }
        guard remote.url.hasPrefix("s3://") else {
            return (name, PathRemote(root: WorkspacePath.absolute(remote.url, relativeTo: root)))
        }
        let local = try localCredentials().remotes?[name]
        guard let key = local?.accessKeyID ?? environment["AWS_ACCESS_KEY_ID"],
            let secret = local?.secretAccessKey ?? environment["AWS_SECRET_ACCESS_KEY"]
        else {
            throw MLOpsError(
                .remoteDenied, "no credentials for the remote '\(name)'",
                hint: "mlops remote add \(name) \(remote.url) --force --access-key-id … --secret-access-key …, "
                    + "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        let token = local?.accessKeyID != nil ? local?.sessionToken : environment["AWS_SESSION_TOKEN"]
        let settings = S3Remote.Settings(
            url: remote.url, endpoint: remote.endpointURL,
            region: remote.region ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1",
            pathStyle: remote.pathStyle)
        return (
            name,
            try S3Remote(
                settings: settings, credentials: .init(accessKeyID: key, secretAccessKey: secret, sessionToken: token),
                connections: connections)
        )
    }

    private func localCredentials() throws -> RemoteCredentialsFile {
        guard let text = try TextFile.readIfPresent(localConfigPath, name: localConfigPath) else {
            return RemoteCredentialsFile()
        }
        do {
            return try YAMLDecoder().decode(RemoteCredentialsFile.self, from: text)
        } catch {
            throw MLOpsError(
                .invalidInput, "malformed '\(localConfigPath)'", hint: "fix the YAML or remove the file", cause: error)
        }
    }

    private static func noRemote(_ name: String, _ config: RepositoryConfig) -> MLOpsError {
        let known = (config.remotes ?? [:]).keys.sorted()
        return MLOpsError(
            .notFound, "no remote named '\(name)'",
            hint: known.isEmpty
                ? "add one: mlops remote add \(name) <path or s3://bucket/prefix>"
                : "remotes: \(known.joined(separator: ", "))")
    }
}

import Foundation
import MLOpsErrors
import MLOpsStore
import Yams

/// The committed settings of a repository, stored in `.mlops/config.yaml`.
///
/// Unknown keys are rejected so a typo does not silently fall back to a default. Secrets never live here: they
/// belong in `.mlops/config.local.yaml`, which git ignores.
public struct RepositoryConfig: Codable, Equatable, Sendable {
    /// The on-disk format this build writes and understands.
    public static let currentFormat = 1

    /// The repository format version; a repository with a larger number was written by a newer mlops.
    public var format: Int
    /// Workspace settings.
    public var core: Core
    /// Model-registry settings (optional).
    public var registry: Registry?
    /// Remotes by name (`mlops remote add`). Credentials never live here: see ``RemoteCredentials``.
    public var remotes: [String: Remote]?
    /// Drift, live-quality and retraining settings for `mlops monitor` (optional).
    public var monitor: MonitorSettings?

    /// Where objects are shared: a directory or S3-compatible storage.
    public struct Remote: Codable, Equatable, Sendable {
        /// A directory path, or `s3://bucket[/prefix]`.
        public var url: String
        /// For S3-compatible servers (MinIO, Ceph, moto): `http://host:port`.
        public var endpointURL: String?
        /// The S3 region (default `us-east-1`).
        public var region: String?
        /// Address buckets in the path (`/bucket/key`); the default when `endpoint_url` is set.
        public var pathStyle: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case url, region
            case endpointURL = "endpoint_url"
            case pathStyle = "path_style"
        }

        /// What is wrong with these settings, or nil: an empty URL, `s3://` without a valid bucket, another
        /// scheme, an endpoint that is not `http(s)://host[:port]` or that carries credentials (which would end
        /// up in the committed `config.yaml`), an empty region.
        public func problem() -> String? {
            guard !url.trimmingCharacters(in: .whitespaces).isEmpty else { return "the URL is empty" }
            if url.hasPrefix("s3://") {
                let bucket = url.dropFirst(5).prefix { $0 != "/" }
                guard (3...63).contains(bucket.count),
                    bucket.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") })
                else {
                    return
                        "'\(url)' names no valid bucket (3–63 lowercase letters, digits, '-' or '.': s3://bucket[/prefix])"
                }
            } else {
                guard !url.contains("://") else {
                    return "'\(url)' is not a supported remote; give a directory path or s3://bucket[/prefix]"
                }
                guard endpointURL == nil, pathStyle == nil else {
                    return "an endpoint and path style apply to s3:// remotes only"
                }
            }
            if let endpointURL {
                guard let parts = URLComponents(string: endpointURL), let scheme = parts.scheme?.lowercased(),
                    ["http", "https"].contains(scheme), let host = parts.host, !host.isEmpty
                else { return "the endpoint '\(endpointURL)' is not an http:// or https:// URL with a host" }
                guard parts.user == nil, parts.password == nil else {
                    return
                        "the endpoint URL holds credentials, which would be committed with config.yaml; give them as the remote's access key and secret, which stay in config.local.yaml"
                }
                guard parts.query == nil, parts.fragment == nil else {
                    return "the endpoint '\(endpointURL)' has a query or fragment"
                }
            }
            if let region,
                region.isEmpty || !region.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            {
                return "'\(region)' is not a region name"
            }
            return nil
        }

        public init(url: String, endpointURL: String? = nil, region: String? = nil, pathStyle: Bool? = nil) {
            self.url = url
            self.endpointURL = endpointURL
            self.region = region
            self.pathStyle = pathStyle
        }

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            url = try container.decode(String.self, forKey: .url)
            endpointURL = try container.decodeIfPresent(String.self, forKey: .endpointURL)
            region = try container.decodeIfPresent(String.self, forKey: .region)
            pathStyle = try container.decodeIfPresent(Bool.self, forKey: .pathStyle)
        }
    }

    /// Model-registry settings.
    public struct Registry: Codable, Equatable, Sendable {
        /// Per alias, the evaluation a version must pass before `model promote` may point the alias at it.
        public var approval: [String: Approval]?

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: ["approval"])
            approval = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(
                [String: Approval].self, forKey: .approval)
        }
    }

    /// The gates a promotion to an alias must pass: an `eval` of the candidate on `data`.
    public struct Approval: Codable, Equatable, Sendable {
        /// The labelled data to evaluate on, relative to the repository root.
        public var data: String
        /// Absolute gates such as `rmse < 3.5`.
        public var gates: [String]?
        /// An alias (or model reference) to compare with; skipped while the alias points at no version.
        public var baseline: String?
        /// Relative gates such as `rmse=2%`, against the baseline.
        public var maxRegression: [String]?
        /// Columns to read as categories.
        public var categorical: [String]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case data, gates, baseline, categorical
            case maxRegression = "max_regression"
        }

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            data = try container.decode(String.self, forKey: .data)
            gates = try container.decodeIfPresent([String].self, forKey: .gates)
            baseline = try container.decodeIfPresent(String.self, forKey: .baseline)
            maxRegression = try container.decodeIfPresent([String].self, forKey: .maxRegression)
            categorical = try container.decodeIfPresent([String].self, forKey: .categorical)
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, core, registry, remotes, monitor
    }

    public init(from decoder: any Decoder) throws {
        try UnknownSetting.reject(in: decoder, known: ["format", "core", "registry", "remotes", "monitor"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        core = try container.decode(Core.self, forKey: .core)
        registry = try container.decodeIfPresent(Registry.self, forKey: .registry)
        remotes = try container.decodeIfPresent([String: Remote].self, forKey: .remotes)
        monitor = try container.decodeIfPresent(MonitorSettings.self, forKey: .monitor)
    }

    /// Settings for how tracked data reaches the workspace.
    public struct Core: Codable, Equatable, Sendable {
        /// How cached objects are materialized in the workspace.
        public var link: LinkMode
        /// The remote `push`, `fetch` and `pull` use when none is named.
        public var remote: String?
        public init(link: LinkMode = .copy, remote: String? = nil) {
            self.link = link
            self.remote = remote
        }

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: ["link", "remote"])
            let container = try decoder.container(keyedBy: CodingKeys.self)
            link = try container.decode(LinkMode.self, forKey: .link)
            remote = try container.decodeIfPresent(String.self, forKey: .remote)
        }
    }

    /// A configuration for a new repository.
    public init(
        format: Int = RepositoryConfig.currentFormat, core: Core = Core(), registry: Registry? = nil,
        remotes: [String: Remote]? = nil, monitor: MonitorSettings? = nil
    ) {
        self.format = format
        self.core = core
        self.registry = registry
        self.remotes = remotes
        self.monitor = monitor
    }

    /// Parses `config.yaml`, failing with `.invalidInput` naming `path` on malformed YAML or unknown top-level
    /// keys and
    /// with `.invalidState` when the format is newer than this build understands.
    public static func parse(_ text: String, path: String) throws -> RepositoryConfig {
        let config: RepositoryConfig
        do {
            config = try YAMLDecoder().decode(RepositoryConfig.self, from: text)
        } catch let error where UnknownSetting.find(in: error) != nil {
            let unknown = UnknownSetting.find(in: error)
            throw MLOpsError(
                .invalidInput, "unknown setting '\(unknown?.key ?? "")' in '\(path)'",
                hint: "the settings there are: \((unknown?.known ?? []).sorted().joined(separator: ", "))")
        } catch {
            throw MLOpsError(
                .invalidInput, "malformed repository configuration '\(path)'",
                hint: "fix the YAML by hand or restore it with `git checkout -- \(path)`", cause: error)
        }
        guard config.format >= 1 else {
            throw MLOpsError(
                .invalidInput, "'\(path)': repository format \(config.format) does not exist", hint: "the format is 1")
        }
        guard config.format <= currentFormat else {
            throw MLOpsError(
                .invalidState,
                "repository format \(config.format) is newer than this mlops understands (\(currentFormat))",
                hint: "upgrade mlops to work with this repository")
        }
        for (name, remote) in (config.remotes ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let problem = remote.problem() {
                throw MLOpsError(
                    .invalidInput, "'\(path)': remote '\(name)': \(problem)",
                    hint: "fix it with `mlops remote add \(name) … --force`")
            }
        }
        if let name = config.core.remote, config.remotes?[name] == nil {
            throw MLOpsError(
                .invalidInput, "'\(path)': the default remote '\(name)' is not configured",
                hint: "set it with `mlops remote default <name>`")
        }
        return config
    }

    /// The YAML text written to `config.yaml`, with comments explaining each setting.
    public func rendered() -> String {
        """
        # mlops repository configuration. Committed to git; secrets belong in config.local.yaml.
        format: \(format)
        core:
          # How tracked data is materialized in the workspace: copy | hardlink | symlink.
          # hardlink and symlink save space and make workspace files read-only.
          link: \(core.link.rawValue)
        \(core.remote.map { "  # The remote push, fetch and pull use when none is named.\n  remote: \(Self.yamlScalar($0))\n" } ?? "")\
        \(renderedRemotes())\
        \(renderedRegistry())\
        \(renderedMonitor())
        """
    }

    private func renderedMonitor() -> String {
        if let monitor, let yaml = try? YAMLEncoder().encode(["monitor": monitor]) { return yaml }
        return """
            # Optional: how `mlops monitor` judges a served model (defaults: Evidently's drift tests).
            # monitor:
            #   drift:
            #     share: 0.5                           # the data set drifts when half its features do
            #     columns: {horsepower: {test: psi, threshold: 0.2}}
            #   quality:
            #     gates: ["rmse < 4"]
            #     max_regression: ["rmse=10%"]         # against the version's evaluation metrics
            #   retrain:
            #     train: train.yaml                    # or stage: <a pipeline stage that runs mlops train>

            """
    }

    private func renderedRemotes() -> String {
        guard let remotes, !remotes.isEmpty else { return "" }
        var text = "# Where `mlops push` and `pull` share objects (credentials go in config.local.yaml).\nremotes:\n"
        for (name, remote) in remotes.sorted(by: { $0.key < $1.key }) {
            text += "  \(Self.yamlScalar(name)):\n    url: \(Self.yamlScalar(remote.url))\n"
            if let endpoint = remote.endpointURL { text += "    endpoint_url: \(Self.yamlScalar(endpoint))\n" }
            if let region = remote.region { text += "    region: \(Self.yamlScalar(region))\n" }
            if let pathStyle = remote.pathStyle { text += "    path_style: \(pathStyle)\n" }
        }
        return text
    }

    private func renderedRegistry() -> String {
        if let registry, let yaml = try? YAMLEncoder().encode(["registry": registry]) { return yaml }
        return """
            # Optional: gates a version must pass before `mlops model promote` points an alias at it.
            # registry:
            #   approval:
            #     production:
            #       data: data/holdout.csv
            #       gates: ["rmse < 3.5"]
            #       baseline: production        # compared with the current holder, when there is one
            #       max_regression: ["rmse=2%"]

            """
    }

    /// `text` as a YAML scalar: quoted (JSON-style, which YAML reads) unless it is plainly safe.
    static func yamlScalar(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || "-_./@:".unicodeScalars.contains($0)
            } && !["true", "false", "null", "yes", "no", "on", "off"].contains(text.lowercased())
            && Double(text) == nil && !text.hasSuffix(":") && !text.hasPrefix(":")
        if plain { return text }
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// A key in `config.yaml` that no setting has: rejected, so a typo does not silently fall back to a default.
struct UnknownSetting: Error {
    let key: String
    let known: Set<String>

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The unknown setting behind `error`, which decoders may wrap in `DecodingError`s.
    static func find(in error: any Error) -> UnknownSetting? {
        if let unknown = error as? UnknownSetting { return unknown }
        guard let decoding = error as? DecodingError else { return nil }
        switch decoding {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            return context.underlyingError.flatMap(find)
        @unknown default:
            return nil
        }
    }

    /// Throws for the first key of `decoder`'s mapping not in `known`.
    static func reject(in decoder: any Decoder, known: Set<String>) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = keys.sorted().first(where: { !known.contains($0) }) {
            throw UnknownSetting(key: unknown, known: known)
        }
    }
}

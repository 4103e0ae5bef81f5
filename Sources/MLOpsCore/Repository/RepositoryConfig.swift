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

    /// Model-registry settings.
    public struct Registry: Codable, Equatable, Sendable {
        /// Per alias, the evaluation a version must pass before `model promote` may point the alias at it.
        public var approval: [String: Approval]?

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: ["approval"])
            approval = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent([String: Approval].self, forKey: .approval)
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
        case format, core, registry
    }

    public init(from decoder: any Decoder) throws {
        try UnknownSetting.reject(in: decoder, known: ["format", "core", "registry"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        core = try container.decode(Core.self, forKey: .core)
        registry = try container.decodeIfPresent(Registry.self, forKey: .registry)
    }

    /// Settings for how tracked data reaches the workspace.
    public struct Core: Codable, Equatable, Sendable {
        /// How cached objects are materialized in the workspace.
        public var link: LinkMode
        public init(link: LinkMode = .copy) { self.link = link }

        public init(from decoder: any Decoder) throws {
            try UnknownSetting.reject(in: decoder, known: ["link"])
            link = try decoder.container(keyedBy: CodingKeys.self).decode(LinkMode.self, forKey: .link)
        }
    }

    /// A configuration for a new repository.
    public init(format: Int = RepositoryConfig.currentFormat, core: Core = Core(), registry: Registry? = nil) {
        self.format = format
        self.core = core
        self.registry = registry
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
        guard config.format <= currentFormat else {
            throw MLOpsError(
                .invalidState,
                "repository format \(config.format) is newer than this mlops understands (\(currentFormat))",
                hint: "upgrade mlops to work with this repository")
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

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

    /// Settings for how tracked data reaches the workspace.
    public struct Core: Codable, Equatable, Sendable {
        /// How cached objects are materialized in the workspace.
        public var link: LinkMode
        public init(link: LinkMode = .copy) { self.link = link }
    }

    /// A configuration for a new repository.
    public init(format: Int = RepositoryConfig.currentFormat, core: Core = Core()) {
        self.format = format
        self.core = core
    }

    /// Parses `config.yaml`, failing with `.invalidInput` naming `path` on malformed YAML or unknown keys and
    /// with `.invalidState` when the format is newer than this build understands.
    public static func parse(_ text: String, path: String) throws -> RepositoryConfig {
        let config: RepositoryConfig
        do {
            config = try YAMLDecoder().decode(RepositoryConfig.self, from: text)
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

        """
    }
}

import CBuildInfo

/// The version of the mlops tool and library, recorded in runs and printed by `mlops --version`. The one place
/// the version is written; the CHANGELOG's latest release heading must match it (ReleaseTests).
public enum ToolVersion {
    /// The semantic version of this build.
    public static let current = "0.1.0"

    /// The git commit the binary was built from (with `-dirty` when files were uncommitted), nil when unknown.
    public static var commit: String? {
        let text = String(cString: mlops_build_commit())
        return text == "unknown" || text.isEmpty ? nil : text
    }

    /// `0.1.0 (commit 0123456789ab)`: what `mlops --version` prints.
    public static var description: String {
        guard let commit else { return current }
        let dirty = commit.hasSuffix("-dirty") ? ", with uncommitted changes" : ""
        return "\(current) (commit \(commit.prefix(12))\(dirty))"
    }
}

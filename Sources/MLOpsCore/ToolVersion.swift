/// The version of the mlops tool and library, recorded in runs and printed by `mlops --version`.
public enum ToolVersion {
    /// The semantic version of this build.
    public static let current = "0.1.0"
}

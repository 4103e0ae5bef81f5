/// The names a shell completes from the repository (`mlops predict mpg@<TAB>`): registered versions, runs,
/// stages and remotes. A lookup opens the repository as any command does and reads names only (no run or model
/// is loaded); it prints nothing and never fails: outside a repository, or with a database it cannot read, there
/// is simply nothing to complete.
public enum ShellCompletion {
    public enum Kind: Sendable {
        /// `name@version`, `name@alias`, `name@latest`, or `run:<id>` once `run:` is typed.
        case model
        /// Run ids, newest first.
        case run
        /// The stages of `mlops.yaml`.
        case stage
        /// The configured remotes.
        case remote
    }

    /// The most runs offered at once: a shell lists them all, and a prefix narrows them.
    static let runLimit = 50

    /// The candidates of `kind` that start with `prefix`, for the repository containing `directory`.
    public static func candidates(_ kind: Kind, prefix: String, directory: String) -> [String] {
        guard let root = Repository.findRoot(from: directory), let repository = try? Repository(root: root) else {
            return []
        }
        let all: [String]
        switch kind {
        case .model where prefix.hasPrefix("run:"):
            all =
                (try? repository.runs.ids(startingWith: String(prefix.dropFirst(4)), limit: runLimit))?
                .map { "run:" + $0 } ?? []
        case .model:
            all = (try? repository.registry.references()) ?? []
        case .run:
            all = (try? repository.runs.ids(startingWith: prefix, limit: runLimit)) ?? []
        case .stage:
            all = (try? PipelineFile.load(root: root).map(\.name)) ?? []
        case .remote:
            all = (repository.config.remotes ?? [:]).keys.sorted()
        }
        return all.filter { $0.hasPrefix(prefix) }
    }
}

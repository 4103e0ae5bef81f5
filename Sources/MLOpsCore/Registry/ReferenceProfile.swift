import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// A model's reference profile and where it was found.
public struct ReferenceProfile: Sendable {
    public var profile: DataProfile
    /// The profile's object id.
    public var oid: String
    /// `profile of run 01a2b3c4` or `profile of bundle mpg.tar.gz`, for reports.
    public var source: String
}

extension Repository {
    /// The reference profile `mlops train` (or `tune`) recorded for a model: its run's `profile` artifact, or the
    /// profile an imported bundle carried or `model register --reference` computed. Nil when the model has none (a run from before profiles, or
    /// `mlops log artifact model`); throws when a recorded profile cannot be read.
    public func referenceProfile(of resolved: ResolvedModel) throws -> ReferenceProfile? {
        var oid: String?
        var source = ""
        // Only `train` and `tune` write the `profile` artifact; another run's artifact of that name is the user's.
        if let runId = resolved.runId, let run = try? runs.run(runId), [.train, .tune].contains(run.kind),
            let artifact = run.artifact(named: "profile")
        {
            oid = artifact
            source = "profile of run \(run.id.prefix(RunID.displayLength))"
        } else if let name = resolved.name, let number = resolved.version,
            let lineage = try registry.version(.version(name: name, version: number)).lineage,
            let profile = lineage.profile
        {
            oid = profile
            source =
                lineage.origin == nil && lineage.runId == nil
                ? "profile of \(lineage.inputs.first?.path ?? "the reference data") given at registration"
                : "profile of imported \(lineage.origin ?? "\(name)@\(number)")"
        }
        guard let oid else { return nil }
        let id = try ObjectID(parsing: oid)
        guard store.contains(id) else {
            throw MLOpsError(
                .notFound, "the reference profile of \(resolved.resolved) (\(id.hex.prefix(12))) is not in the cache",
                hint: "fetch it with `mlops pull`, or give the reference data with --reference")
        }
        let profile = try DataProfile.decode(Data(try store.read(id)), source: source)
        return ReferenceProfile(profile: profile, oid: oid, source: source)
    }
}

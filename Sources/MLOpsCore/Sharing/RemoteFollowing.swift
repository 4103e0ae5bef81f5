import Foundation
import MLOpsErrors
import MLOpsStore

extension Repository {
    /// Brings the registry up to date with the default remote, for a server that follows it: merges the record
    /// log's new entries (runs and the registry) after downloading, verified, the model objects of the versions
    /// they register, then makes sure every version an alias holds (and each model's latest) has its model here.
    /// Needs only read access to the remote. Returns what was merged.
    public func followRemote(environment: [String: String]) async throws -> RecordTransferReport {
        guard config.core.remote != nil else {
            throw MLOpsError(
                .usage, "following the remote needs a default remote, and there is none",
                hint: "add one: mlops remote add origin <url> --default")
        }
        // A push or fetch of this clone holding the lock does the merge itself; this round is skipped.
        let lock: RepositoryLock
        do {
            lock = try recordsLock(waiting: 0)
        } catch let error as MLOpsError where error.code == .locked {
            return RecordTransferReport()
        }
        defer { withExtendedLifetime(lock) {} }
        return try await withRemote(nil, connections: 4, environment: environment) { name, remote in
            let report = try await fetchRecords(from: remote, name: name, jobs: 4, fetchingModels: true)
            var served: [ObjectID] = []
            for model in try registry.models() {
                for version in Set(model.aliases.values).union([model.latest]) {
                    let oid = try registry.version(.version(name: model.name, version: version)).oid
                    if let id = try? ObjectID(parsing: oid) { served.append(id) }
                }
            }
            try await fetchObjects(served, from: remote, jobs: 4)
            return report
        }
    }
}

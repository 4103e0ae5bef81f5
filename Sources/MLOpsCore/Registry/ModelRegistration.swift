import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

extension Repository {
    /// Registers a model as the next version of `name`: from a run (`run:<id>`, its `model` artifact, linked to
    /// the run, its data and its commit) or from a `model.json` file (validated, then stored). The repository
    /// lock is held from storing the object until the version records it, so `gc` cannot remove it in between.
    public func registerModel(_ source: String, name: String, workingDirectory: String) throws -> ModelVersion {
        try ModelReference.validateName(name)
        let lock = try lock(for: "registering a model")
        defer { withExtendedLifetime(lock) {} }
        let draft: RegistryStore.Draft
        let path = WorkspacePath.absolute(source, relativeTo: workingDirectory)
        if !source.hasPrefix("run:"), FileManager.default.fileExists(atPath: path) {
            let bytes: Data
            do {
                bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw MLOpsError(.notFound, "cannot read '\(source)'", cause: error)
            }
            let model = try Model.decode(bytes, source: source)
            let oid = try store.store(Array(bytes))
            try store.synchronize()
            draft = RegistryStore.Draft(
                name: name, oid: oid.description, source: source, signature: model.signature, metrics: [:])
        } else {
            guard case .run(let reference) = try ModelReference.parse(source) else {
                throw MLOpsError(.usage, "register a run (run:<id>) or a model.json file, not '\(source)'")
            }
            let run = try runs.run(reference)
            let (model, oid) = try model(of: run)
            draft = RegistryStore.Draft(
                name: name, oid: oid, runId: run.id, source: "run:\(run.id)", gitCommit: run.git.commit,
                signature: model.signature, metrics: run.metrics)
        }
        let version = try registry.register(draft)
        return try registry.version(.version(name: name, version: version))
    }

    /// Loads the model a reference names: a registered version (by number, alias or `latest`) or a run's model.
    public func resolveModel(_ text: String) throws -> ResolvedModel {
        let reference = try ModelReference.parse(text)
        if case .run(let id) = reference {
            let run = try runs.run(id)
            let (model, oid) = try model(of: run)
            return ResolvedModel(model: model, oid: oid, runId: run.id, name: nil, version: nil, reference: text)
        }
        let version = try registry.version(reference)
        let bytes = try store.read(try ObjectID(parsing: version.oid))
        let model = try Model.decode(Data(bytes), source: version.reference)
        return ResolvedModel(
            model: model, oid: version.oid, runId: version.runId, name: version.name, version: version.version,
            reference: text)
    }
}

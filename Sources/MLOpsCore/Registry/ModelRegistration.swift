import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// What a registration takes besides the model and its name.
public struct RegistrationOptions: Sendable {
    /// An `eval` run (`eval:<id>`, `run:<id>` or an id) of the same model whose metrics the version takes
    /// instead of its training run's.
    public var metricsFrom: String?
    /// The run artifact that is the model (default: the run's `model`, or its one `.onnx` artifact).
    public var artifact: String?
    /// Feature and target names for an ONNX model, written into its metadata.
    public var naming = ONNXNaming()
    /// A data file whose profile becomes the version's reference profile, for monitoring a model whose run
    /// recorded none (an ONNX model, say).
    public var reference: String?

    public init(
        metricsFrom: String? = nil, artifact: String? = nil, naming: ONNXNaming = ONNXNaming(), reference: String? = nil
    ) {
        self.metricsFrom = metricsFrom
        self.artifact = artifact
        self.naming = naming
        self.reference = reference
    }
}

extension Repository {
    /// Registers a model as the next version of `name`: from a run (`run:<id>`, its `model` artifact, linked to
    /// the run, its data and its commit) or from a `model.json` or ONNX file (validated, then stored). The
    /// repository lock is held from storing the object until the version records it, so `gc` cannot remove it
    /// in between.
    ///
    /// The version's metrics are its run's (measured on the training's hold-out) unless `options.metricsFrom`
    /// names an `eval` run of the same model, whose metrics it takes instead; either way
    /// ``ModelVersion/metricsFrom`` records which run measured them and on what data.
    ///
    /// An ONNX model (a file, or a run's artifact) is stored as its bytes, with `options.naming`'s feature and
    /// target names written into its metadata (``ONNXNaming``). `options.reference` profiles a data file as the
    /// version's reference profile (features, target when present, and the model's predictions on it).
    public func registerModel(
        _ source: String, name: String, workingDirectory: String, options: RegistrationOptions = RegistrationOptions()
    ) throws -> ModelVersion {
        let version = try recordRegistration(source, name: name, workingDirectory: workingDirectory, options: options)
            .version
        return try registry.version(.version(name: name, version: version))
    }

    /// Stores the model and records the version; returns its number and the id of its `register` event.
    private func recordRegistration(
        _ source: String, name: String, workingDirectory: String, options: RegistrationOptions
    ) throws -> (version: Int, event: String) {
        let (artifact, naming, metricsFrom) = (options.artifact, options.naming, options.metricsFrom)
        try ModelReference.validateName(name)
        let lock = try lock(for: "registering a model")
        defer { withExtendedLifetime(lock) {} }
        var draft: RegistryStore.Draft
        let path = WorkspacePath.absolute(source, relativeTo: workingDirectory)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !source.hasPrefix("run:"), exists, isDirectory.boolValue {
            throw MLOpsError(.invalidInput, "'\(source)' is a directory, not a model file")
        }
        if !source.hasPrefix("run:"), !exists,
            source.contains("/") || source.hasSuffix(".onnx") || source.hasSuffix(".json")
        {
            throw MLOpsError(
                .notFound, "there is no file '\(source)'",
                hint: "give the path of a model.json or model.onnx file, or run:<id>")
        }
        if !source.hasPrefix("run:"), exists {
            let bytes: Data
            do {
                bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw MLOpsError(.notFound, "cannot read '\(source)'", cause: error)
            }
            guard artifact == nil else {
                throw MLOpsError(.usage, "--artifact names a run's file; '\(source)' is a file already")
            }
            let (model, named) = try Self.named(bytes, naming, source: source)
            let lineage = try options.reference.map {
                try referenceLineage(of: model, data: $0, workingDirectory: workingDirectory)
            }
            let oid = try store.store(Array(named))
            try store.synchronize()
            draft = RegistryStore.Draft(
                name: name, oid: oid.description, format: ModelFormat(of: model), source: source,
                signature: model.signature, metrics: [:], lineage: lineage)
        } else {
            guard case .run(let reference) = try ModelReference.parse(source) else {
                throw MLOpsError(
                    .usage, "register a run (run:<id>), a model.json or a model.onnx file, not '\(source)'")
            }
            let run = try runs.run(reference)
            if options.reference != nil, [.train, .tune].contains(run.kind), run.artifact(named: "profile") != nil {
                throw MLOpsError(
                    .usage,
                    "run \(run.id.prefix(RunID.displayLength)) recorded the model's reference profile when it trained",
                    hint: "leave out --reference; it is for models whose run recorded none (your own training, ONNX)")
            }
            let model: Model
            var oid: String
            if naming.isEmpty {
                (model, oid) = try self.model(of: run, artifact: artifact)
            } else {
                // Named before it is decoded: the names are what makes a matrix input readable.
                let (artifactName, artifactOid) = try modelArtifact(of: run, artifact: artifact)
                let (named, bytes) = try Self.named(
                    Data(try store.read(try ObjectID(parsing: artifactOid))), naming,
                    source: "run \(run.id.prefix(RunID.displayLength)) \(artifactName)")
                model = named
                oid = try store.store(Array(bytes)).description
                try store.synchronize()
            }
            let lineage = try options.reference.map {
                try referenceLineage(of: model, data: $0, workingDirectory: workingDirectory)
            }
            draft = RegistryStore.Draft(
                name: name, oid: oid, format: ModelFormat(of: model), runId: run.id, source: "run:\(run.id)",
                gitCommit: run.git.commit,
                signature: model.signature, metrics: run.metrics,
                metricsFrom: MetricsSource(
                    runId: run.id, kind: run.kind.rawValue, inputs: try dataRoles(of: run).heldOut),
                lineage: lineage)
        }
        if let metricsFrom {
            let trainedOn = try draft.runId.map { try dataRoles(of: try runs.run($0)).trainedOn } ?? []
            let evaluation = try evaluationOf(draft.oid, trainedOn: trainedOn, named: metricsFrom)
            draft.metrics = evaluation.metrics
            draft.metricsFrom = MetricsSource(
                runId: evaluation.id, kind: evaluation.kind.rawValue, inputs: evaluation.inputs)
        }
        return try registry.register(draft)
    }

    /// The lineage of a version registered with reference data: the data file as its input and its profile
    /// (features, target when the file has it, and the model's predictions on it), stored.
    private func referenceLineage(of model: Model, data: String, workingDirectory: String) throws -> VersionLineage {
        let path = WorkspacePath.absolute(data, relativeTo: workingDirectory)
        let table = try TableFile.read(path: path, categorical: model.signature.datetimeNames)
        let predictions = try CompiledModel(model).predict(table)
        let profile = DataProfile.reference(
            trainingRows: table, signature: model.signature, holdoutPredictions: predictions)
        let oid = try store.store(Array(try profile.encoded()))
        try store.synchronize()
        return VersionLineage(
            origin: nil, runId: nil, gitCommit: nil, inputs: [try lineage(of: path)], profile: oid.description)
    }

    /// `bytes` with `naming` applied (only ONNX models take one), decoded.
    private static func named(_ bytes: Data, _ naming: ONNXNaming, source: String) throws -> (Model, Data) {
        guard !naming.isEmpty else { return (try Model.decode(bytes, source: source), bytes) }
        guard ONNXModel.looksLikeONNX(bytes) else {
            throw MLOpsError(
                .usage,
                "--features and --target name an ONNX model's columns; '\(source)' is an mlops model, which names its own"
            )
        }
        let named = try naming.applied(to: bytes, source: source)
        return (try Model.decode(named, source: source), named)
    }

    /// The `eval` run `reference` names (`eval:<id>`, `run:<id>` or an id), which must have ended with metrics of
    /// the model object `oid`, measured on data other than what it was trained on (`trainedOn`).
    /// What a run trained on and what it measured its metrics on: both its inputs, unless its recipe held out a
    /// validation file, which is then the one and the other inputs the rest.
    private func dataRoles(of run: Run) throws -> (trainedOn: [Run.Input], heldOut: [Run.Input]) {
        guard let validation = try recipe(of: run)?.validation else { return (run.inputs, run.inputs) }
        return (run.inputs.filter { $0.path != validation }, run.inputs.filter { $0.path == validation })
    }

    private func evaluationOf(_ oid: String, trainedOn: [Run.Input], named reference: String) throws -> Run {
        let id = reference.hasPrefix("eval:") ? String(reference.dropFirst(5)) : reference
        let run: Run
        do {
            run = try runs.run(id)
        } catch var error as MLOpsError {
            error.message = "--metrics-from '\(reference)': " + error.message
            throw error
        }
        guard run.kind == .eval else {
            throw MLOpsError(
                .usage, "run \(run.id) is a \(run.kind.rawValue) run, not an evaluation",
                hint: "evaluate the model with `mlops eval`, then pass --metrics-from eval:<that run>")
        }
        guard [.finished, .failedGate].contains(run.status), !run.metrics.isEmpty else {
            throw MLOpsError(
                .invalidState, "evaluation \(run.id) did not finish (\(run.status.rawValue)); it has no metrics")
        }
        guard run.params["model_oid"] == oid else {
            throw MLOpsError(
                .invalidInput,
                "evaluation \(run.id) scored \(run.params["model"] ?? "another model") "
                    + "(\(ObjectID.abbreviated(run.params["model_oid"] ?? "unknown"))), not the model being registered "
                    + "(\(ObjectID.abbreviated(oid)))",
                hint: "evaluate this model (mlops eval <run:id or file> --data …) and pass that evaluation")
        }
        let training = Set(trainedOn.map(\.oid))
        if let input = run.inputs.first(where: { training.contains($0.oid) }) {
            throw MLOpsError(
                .invalidInput,
                "evaluation \(run.id) scored '\(input.path)', the data the model was trained on: its metrics are not "
                    + "held out",
                hint: "evaluate the model on data it has not seen, and pass that evaluation")
        }
        return run
    }

    /// Registers a model (as ``registerModel(_:name:workingDirectory:)``) and, when the repository has a default
    /// remote and `offline` is false, numbers it through that remote: the remote's record log is merged first,
    /// the version recorded, and its registration published at once (with its model object), so no other clone
    /// can publish the same number for another model. A remote that cannot be reached fails the registration
    /// before anything is recorded (the hint names `--offline`); one that fails after the version is recorded
    /// leaves it provisional, as offline, and says why (``Registration/note``).
    ///
    /// Offline (or with no default remote) the number is provisional: the next push publishes it, and gives it
    /// the next free number if another clone published that one first (the push's report says so).
    public func registerModel(
        _ source: String, name: String, workingDirectory: String, options: RegistrationOptions = RegistrationOptions(),
        offline: Bool, environment: [String: String]
    ) async throws -> Registration {
        guard !offline, config.core.remote != nil else {
            let version = try registerModel(source, name: name, workingDirectory: workingDirectory, options: options)
            return Registration(version: version, numbering: config.core.remote == nil ? .local : .offline)
        }
        return try await withRemote(nil, connections: 4, environment: environment) { remoteName, remote in
            try await holdingRecordsLock {
                do {
                    _ = try await fetchRecords(from: remote, name: remoteName, jobs: 4)
                } catch let error as MLOpsError where error.code != .integrity {
                    throw MLOpsError(
                        error.code, "cannot number the version through the remote '\(remoteName)': \(error.message)",
                        hint:
                            "register with --offline (the number stays provisional until `mlops push`), or fix the remote"
                    )
                }
                let registered = try recordRegistration(
                    source, name: name, workingDirectory: workingDirectory, options: options)
                do {
                    _ = try await publishRecords(to: remote, name: remoteName, jobs: 4, includingRuns: false)
                } catch let error as MLOpsError {
                    // The version is recorded: failing now would invite a second registration of the same model.
                    var registration = Registration(
                        version: try registry.version(.version(name: name, version: registered.version)),
                        numbering: .offline)
                    registration.note = "it could not be published (\(error.message)); push publishes it"
                    return registration
                }
                let number = try registry.number(ofRegistration: registered.event) ?? registered.version
                return Registration(
                    version: try registry.version(.version(name: name, version: number)), numbering: .remote)
            }
        }
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

/// A registered version and how its number was given.
public struct Registration: Sendable {
    public enum Numbering: String, Codable, Sendable {
        /// Through the default remote: final, and the same on every clone.
        case remote
        /// Offline, with a default remote: provisional until a push publishes it.
        case offline
        /// No default remote: the repository's own, until one is added and pushed to.
        case local
    }

    public var version: ModelVersion
    public var numbering: Numbering
    /// Why a registration meant to be numbered through the remote stayed provisional.
    public var note: String?
}

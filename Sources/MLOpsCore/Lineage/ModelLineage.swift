import Foundation
import MLOpsErrors
import MLOpsStore

/// Where a model (or any run's output) came from: the version, the run that made it, the request it was trained
/// with, the data it read (each object with the pointer and commit that recorded it and, for a pipeline output,
/// the stage run that produced it, recursively), the git commit, and the version's registry history.
public struct ModelLineage: Codable, Sendable {
    /// The registered version, when the subject is one.
    public struct Version: Codable, Sendable {
        public var reference: String
        public var oid: String
        public var aliases: [String]
        public var created: Date
        public var actor: String
        /// What was registered (`run:<id>`, a file, or a bundle's origin).
        public var source: String
        /// For an imported version, the version it was in the repository it came from.
        public var importedFrom: String?
    }

    /// The run that produced the subject, as recorded.
    public struct RunSummary: Codable, Sendable {
        public var id: String
        public var name: String
        public var kind: RunKind
        public var status: RunStatus
        public var started: Date
        public var toolVersion: String
        public var host: String
        public var command: String?
        public var params: [String: String]
        public var metrics: [String: Double]
    }

    /// One object a run read.
    public struct Data: Codable, Sendable {
        public var path: String
        public var oid: String
        /// The pointer file tracking it, when it is tracked data.
        public var pointer: String?
        /// The commit that first recorded this object in that pointer file: on the reading run's history, or,
        /// when the run's commit does not record it (a stage's output, committed after the run; data changed
        /// without `mlops add`), the oldest on HEAD's history that does; nil when no commit does.
        public var recordedIn: String?
        /// Whether the object is in this repository's cache (else it must come from a remote).
        public var cached: Bool
        /// The stage run that wrote this object, when a pipeline produced it (an entry of ``ModelLineage/stages``).
        public var producedBy: String?
    }

    /// A pipeline stage run upstream of the subject.
    public struct StageRun: Codable, Sendable {
        public var runId: String
        public var stage: String
        public var command: String
        public var params: [String: String]
        public var deps: [Data]
        /// Output path → object id.
        public var outs: [String: String]
        public var git: GitState
    }

    public var subject: String
    public var version: Version?
    /// The producing run's id (also for an imported version whose run is in another repository).
    public var runId: String?
    /// The run itself, when it is in this repository.
    public var run: RunSummary?
    /// What `train` or `tune` was asked to do; nil for other runs.
    public var recipe: TrainingRecipe?
    public var data: [Data]
    /// Every stage run the data came through, nearest first.
    public var stages: [StageRun]
    /// The commit the run was at and whether tracked files differed from it (nil when nothing is known).
    public var git: GitState?
    /// Whether that commit is in this git repository.
    public var commitExists: Bool
    /// The version's registry history: its registration and the alias moves to or from it.
    public var events: [RegistryEvent]
    /// Why `mlops reproduce` would refuse, as far as this repository can tell without a remote (empty: nothing
    /// known stands in the way).
    public var obstacles: [String]
}

/// What a lineage or a reproduction starts from: a version and/or the run that made it.
struct LineageSubject {
    var reference: String
    var version: ModelVersion?
    var run: Run?
    var runId: String?
    var git: GitState?
    var inputs: [Run.Input]
    var recipe: TrainingRecipe?
    /// The object id of the run's recipe, also when the object is not in the cache (a clone that pulled only
    /// the records), where ``recipe`` is nil until it is fetched.
    var recipeOid: String?
    /// The object id of what the run produced that a reproduction compares (the model), when known.
    var modelOid: String?
}

extension Repository {
    /// Resolves `reference` (`name@version`, `name@alias`, `run:<id>` or a run id) to what a lineage or a
    /// reproduction starts from. An imported version whose run is elsewhere carries its lineage instead.
    func lineageSubject(_ reference: String) throws -> LineageSubject {
        let parsed = try ModelReference.parse(reference)
        func subject(of run: Run, version: ModelVersion?) throws -> LineageSubject {
            let recipeOid = run.artifact(named: TrainingRecipe.artifactName)
            let cached = recipeOid.flatMap { try? ObjectID(parsing: $0) }.map(store.contains) ?? false
            return LineageSubject(
                reference: reference, version: version, run: run, runId: run.id, git: run.git, inputs: run.inputs,
                recipe: cached ? try recipe(of: run) : nil, recipeOid: recipeOid,
                modelOid: version?.oid ?? run.artifact(named: "model"))
        }
        if case .run(let id) = parsed { return try subject(of: try runs.run(id), version: nil) }
        let version = try registry.version(parsed)
        // An imported version whose run is here after all (exported and imported again) has that run.
        if let runId = version.runId ?? version.lineage?.runId, let run = try? runs.run(runId) {
            return try subject(of: run, version: version)
        }
        let carried = version.lineage
        return LineageSubject(
            reference: reference, version: version, run: nil, runId: version.runId ?? carried?.runId,
            git: (version.gitCommit ?? carried?.gitCommit).map {
                GitState(commit: $0, branch: nil, dirty: carried?.dirty ?? false)
            },
            inputs: version.inputs, recipe: carried?.recipe, recipeOid: nil, modelOid: version.oid)
    }

    /// The lineage of a model version or run (see ``ModelLineage``); reads only.
    public func lineage(ofModel reference: String) throws -> ModelLineage {
        let subject = try lineageSubject(reference)
        var stageListing = RunListing()
        stageListing.kind = .stage
        let stageRuns = try runs.list(stageListing).filter { $0.status == .finished }
        var stages: [ModelLineage.StageRun] = []
        // Stage runs record their dependencies without pointers: tracked ones get theirs from the workspace.
        let pointers = Dictionary(((try? trackedTargets()) ?? []).map { ($0.path, $0.pointerPath) }) { $1 }
        let data = describe(
            subject.inputs, at: subject.git?.commit, stageRuns: stageRuns, pointers: pointers, into: &stages)
        var events: [RegistryEvent] = []
        var version: ModelLineage.Version?
        if let found = subject.version {
            events = try registry.history(of: found.name).filter {
                $0.toVersion == found.version || $0.fromVersion == found.version
            }
            version = ModelLineage.Version(
                reference: found.reference, oid: found.oid, aliases: found.aliases, created: found.created,
                actor: found.actor, source: found.source, importedFrom: found.lineage?.origin)
        }
        let commitExists = subject.git?.commit.map(commitExists) ?? false
        return ModelLineage(
            subject: reference, version: version, runId: subject.runId,
            run: subject.run.map {
                ModelLineage.RunSummary(
                    id: $0.id, name: $0.name, kind: $0.kind, status: $0.status, started: $0.started,
                    toolVersion: $0.toolVersion, host: $0.host, command: $0.command, params: $0.params,
                    metrics: $0.metrics)
            },
            recipe: subject.recipe, data: data, stages: stages, git: subject.git, commitExists: commitExists,
            events: events,
            obstacles: reproductionObstacles(
                subject, commitExists: commitExists, remote: config.core.remote != nil
            ).map(\.message))
    }

    /// The lineage of each input read at `commit`, appending the stage runs that produced them (and theirs,
    /// recursively, each once) to `stages`.
    private func describe(
        _ inputs: [Run.Input], at commit: String?, stageRuns: [Run], pointers: [String: String],
        into stages: inout [ModelLineage.StageRun], depth: Int = 0
    ) -> [ModelLineage.Data] {
        inputs.map { input in
            let pointer = input.pointer ?? pointers[input.path]
            let producer = depth < 32 ? stageRuns.first { $0.artifact(named: input.path) == input.oid } : nil
            if let producer, !stages.contains(where: { $0.runId == producer.id }) {
                // A placeholder first, so a stage reached again below (a cycle of records) is not described twice.
                stages.append(
                    ModelLineage.StageRun(
                        runId: producer.id, stage: "", command: "", params: [:], deps: [], outs: [:], git: producer.git)
                )
                let index = stages.count - 1
                let deps = describe(
                    producer.inputs, at: producer.git.commit, stageRuns: stageRuns, pointers: pointers, into: &stages,
                    depth: depth + 1)
                var params = producer.params
                let name = params.removeValue(forKey: "stage") ?? producer.name
                stages[index] = ModelLineage.StageRun(
                    runId: producer.id, stage: name, command: producer.command ?? "", params: params, deps: deps,
                    outs: Dictionary(producer.artifacts.map { ($0.name, $0.oid) }) { $1 }, git: producer.git)
            }
            let cached = (try? ObjectID(parsing: input.oid)).map(store.contains) ?? false
            return ModelLineage.Data(
                path: input.path, oid: input.oid, pointer: pointer,
                recordedIn: pointer.flatMap { pointer in
                    commit.flatMap { commitRecording(input.oid, in: pointer, from: $0) }
                },
                cached: cached, producedBy: producer?.id)
        }
    }
}

import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// How `mlops reproduce` rebuilds.
public struct RebuildOptions: Sendable {
    /// The remote missing objects are fetched from (nil: the default remote, when there is one).
    public var remote: String?
    /// The environment, for S3 credentials and the commands of stage and external runs.
    public var environment: [String: String] = [:]
    /// The mlops executable the commands of stage and external runs reach as `mlops` and `$MLOPS`.
    public var executable: String?
    /// Training threads (nil: every core); the model is the same whatever the count.
    public var threads: Int?
    /// For a tuning run: repeat its search (every configuration, cross-validated) and compare the configuration
    /// it chooses, before training the recorded one again.
    public var search = false

    public init() {}
}

/// What `mlops reproduce` found.
public struct RebuildReport: Codable, Sendable {
    public enum Verdict: String, Codable, Sendable {
        /// Every compared object is the same, byte for byte.
        case identical
        /// At least one is not.
        case different
    }

    /// One object the run recorded, beside the one the rebuild made.
    public struct Comparison: Codable, Sendable, Equatable {
        /// `model`, or the output's path.
        public var name: String
        public var recorded: String
        /// Nil when the rebuild did not write it.
        public var rebuilt: String?
        public var identical: Bool
    }

    public var subject: String
    public var runId: String
    public var kind: RunKind
    public var commit: String
    public var verdict: Verdict
    public var comparisons: [Comparison]
    /// The run's final metrics and the rebuild's (train and tune runs: on the same held-out rows).
    public var recordedMetrics: [String: Double]
    public var rebuiltMetrics: [String: Double]
    /// For a model that differs: the first difference found (a parameter, the tree count, a leaf value).
    public var firstDifference: String?
    /// What the verdict rests on (an external command's determinism, a search not repeated, another mlops).
    public var notes: [String]
    /// Objects fetched from the remote because the cache lacked them.
    public var fetched: Int
    public var durationSeconds: Double
}

extension Repository {
    /// Rebuilds what a run produced (the run of a version, or `run:<id>`) in a temporary checkout of the commit it
    /// recorded, with the data objects it read (from the cache, else fetched from the remote), and compares the
    /// result with the record byte for byte: a `train` or `tune` run is trained again from its recipe, a stage
    /// run's commands run again, an external run's command runs again.
    ///
    /// Reads the work tree, the registry and the runs only: the checkout is removed afterwards, and the cache
    /// gains only the objects that had to be fetched.
    ///
    /// - Throws: `invalidState` when the run cannot be reproduced (no commit, a dirty work tree, a kind that
    ///   produces nothing, no recipe, nothing to compare), `notFound` when its commit or a data object cannot be
    ///   found, `invalidInput` for a damaged or crafted record or commit, `usage` for `search` on a run that did
    ///   not tune or an unknown remote.
    public func rebuild(_ reference: String, options: RebuildOptions, progress: ProgressHandler? = nil) async throws
        -> RebuildReport
    {
        let started = Date()
        var subject = try lineageSubject(reference)
        var fetched = 0
        if subject.recipe == nil, let oid = subject.recipeOid, let run = subject.run {
            let name = "the recipe of run \(run.id.prefix(RunID.displayLength))"
            fetched += try await fetchMissing([(name, oid)], options: options)
            subject.recipe = try recipe(of: run)
        }
        if options.search && subject.recipe?.search == nil {
            throw MLOpsError(
                .usage, "--search repeats a tuning run's search; \(reference) was not made by `mlops tune`",
                hint: "leave out --search")
        }
        let commitExists = subject.git?.commit.map(commitExists) ?? false
        let obstacles = reproductionObstacles(
            subject, commitExists: commitExists, remote: options.remote != nil || config.core.remote != nil)
        if let obstacle = obstacles.first { throw obstacle }
        guard let commit = subject.git?.commit else {
            throw MLOpsError(.invalidState, "\(reference) recorded no git commit")
        }
        let runId = subject.runId ?? "-"
        let kind = subject.run?.kind ?? (subject.recipe?.search == nil ? .train : .tune)
        let checkout = try RevisionCheckout.make(commit: commit, repositoryRoot: root)
        defer { checkout.remove() }
        let rebuilt = try Self.openCheckout(checkout)
        // Inputs the commit holds as they were read (code, a committed schema) need nothing from the cache.
        var inputs = subject.inputs
        if let recipe = subject.recipe {
            // The recipe and the lineage must name the same data: else the verdict would be about other bytes.
            // What is placed below (or found in the commit) is then the recipe's object, verified as it is read.
            switch inputs.first(where: { $0.path == recipe.data })?.oid {
            case nil: inputs.append(Run.Input(path: recipe.data, oid: recipe.dataOid, pointer: nil))
            case recipe.dataOid: break
            default:
                throw MLOpsError(
                    .invalidInput, "the recipe of \(reference) names data that its lineage does not",
                    hint: "the record is damaged or was crafted")
            }
            if let schema = recipe.schema, let oid = recipe.schemaOid {
                inputs.append(Run.Input(path: schema, oid: oid, pointer: nil))
            }
            if let validation = recipe.validation, let oid = recipe.validationOid,
                !inputs.contains(where: { $0.path == validation })
            {
                inputs.append(Run.Input(path: validation, oid: oid, pointer: nil))
            }
        }
        inputs.removeAll { (try? rebuilt.contentID(of: $0.path))??.description == $0.oid }
        fetched += try await fetchMissing(inputs.map { ("'\($0.path)'", $0.oid) }, options: options)
        try place(inputs, in: rebuilt)
        var report = RebuildReport(
            subject: reference, runId: runId, kind: kind, commit: commit, verdict: .identical, comparisons: [],
            recordedMetrics: subject.run?.metrics ?? subject.version?.metrics ?? [:], rebuiltMetrics: [:],
            firstDifference: nil, notes: [], fetched: fetched, durationSeconds: 0)
        if let run = subject.run, run.toolVersion != ToolVersion.current {
            report.notes.append(
                "the run was recorded by mlops \(run.toolVersion); this is \(ToolVersion.current), and a change in "
                    + "a learner between them would change the model")
        }
        switch kind {
        case .train, .tune:
            try retrain(subject, in: rebuilt, options: options, progress: progress, into: &report)
        case .stage:
            try rerunStage(subject, in: rebuilt, options: options, into: &report)
        default:
            try rerunCommand(subject, in: rebuilt, options: options, into: &report)
        }
        report.verdict = report.comparisons.allSatisfy(\.identical) ? .identical : .different
        report.durationSeconds = Date().timeIntervalSince(started)
        return report
    }

    /// Why `subject` cannot be reproduced here, most fundamental first (empty: nothing known stands in the way;
    /// a data object may still be missing from the remote).
    /// `remote` says whether a remote could supply missing objects.
    func reproductionObstacles(_ subject: LineageSubject, commitExists: Bool, remote: Bool) -> [MLOpsError] {
        var found: [MLOpsError] = []
        let name = subject.run.map { "run \($0.id.prefix(RunID.displayLength))" } ?? subject.reference
        switch subject.run?.kind {
        case .train?, .tune?:
            if subject.recipeOid == nil {
                found.append(
                    MLOpsError(
                        .invalidState, "\(name) was recorded before runs kept their training recipe",
                        hint: "train it again with this mlops; its runs can be reproduced"))
            }
        case .stage?, .external?:
            if subject.run?.artifacts.isEmpty == true {
                found.append(
                    MLOpsError(
                        .invalidState, "\(name) stored no outputs: there is nothing to compare",
                        hint: "declare what a stage writes under `outs`; name what a command writes with `--output`"))
            }
        case .trial?:
            found.append(
                MLOpsError(
                    .invalidState, "\(name) is a trial of a tuning run: it stored no model",
                    hint: "reproduce its tune run (`mlops reproduce run:\(subject.run?.parent ?? "<tune run>")`)"))
        case let other?:
            found.append(
                MLOpsError(
                    .invalidState,
                    "\(name) is \(other == .eval ? "an" : "a") \(other.rawValue) run: it produced nothing to rebuild",
                    hint: "reproduce the run or version it evaluated or watched"))
        case nil where subject.recipe != nil: break
        case nil where subject.runId != nil:
            found.append(
                MLOpsError(
                    .notFound,
                    "run \(subject.runId?.prefix(RunID.displayLength) ?? ""), which made \(subject.reference), is not in this repository",
                    hint: "fetch the records from the remote (`mlops pull --metadata`), or reproduce it where it ran"))
        case nil:
            found.append(
                MLOpsError(
                    .invalidState, "\(subject.reference) was registered from a file: no run recorded how it was made",
                    hint: "register versions from runs (`mlops model register run:<id>`) to reproduce them"))
        }
        guard found.isEmpty || subject.git != nil else { return found }
        guard let commit = subject.git?.commit else {
            found.append(
                MLOpsError(
                    .invalidState, "\(name) recorded no git commit: it did not run in a git repository",
                    hint: "run `git init` and commit before training; a run is reproduced from its commit"))
            return found
        }
        if subject.git?.dirty == true {
            found.append(
                MLOpsError(
                    .invalidState,
                    "\(name) ran with tracked files changed from commit \(commit.prefix(12)); what changed is not "
                        + "recorded, so it cannot be rebuilt",
                    hint: "commit before training; the next run will be reproducible"))
        }
        if !commitExists {
            found.append(
                MLOpsError(
                    .notFound, "commit \(commit.prefix(12)), where \(name) ran, is not in this git repository",
                    hint: "fetch the branch that holds it (`git fetch --all`); a rewritten history (rebase, amend, "
                        + "a force push) loses the commits it replaced"))
        }
        for input in subject.inputs where WorkspacePath.contained(input.path) == nil {
            found.append(
                MLOpsError(
                    .invalidState, "\(name) read '\(input.path)', outside the repository: it was never versioned",
                    hint: "keep data inside the repository and track it with `mlops add`"))
        }
        if commitExists, !remote {
            for input in subject.inputs where !isAvailable(input, at: commit) {
                found.append(
                    MLOpsError(
                        .notFound,
                        "'\(input.path)' as \(name) read it is neither in the cache nor in commit \(commit.prefix(12)), "
                            + "and there is no remote",
                        hint: "track data with `mlops add` (and push it) before training"))
            }
        }
        return found
    }

    /// Whether an input's bytes are at hand without a remote: in the cache, or committed at `commit`.
    private func isAvailable(_ input: Run.Input, at commit: String) -> Bool {
        guard let id = try? ObjectID(parsing: input.oid) else { return false }
        if store.contains(id) { return true }
        guard let bytes = try? GitRevisionFiles.read(input.path, at: commit, repositoryRoot: root) else { return false }
        return ObjectID(hashing: Array(bytes)) == id
    }

    /// Fetches the objects among `objects` (each named for messages) the cache lacks, with a directory's files,
    /// from the remote; returns how many it fetched.
    private func fetchMissing(_ objects: [(name: String, oid: String)], options: RebuildOptions) async throws -> Int {
        var missing = Set<ObjectID>()
        var firstMissing: String?
        for (name, oid) in objects {
            let id = try ObjectID(parsing: oid)
            if !store.contains(id) {
                missing.insert(id)
                firstMissing = firstMissing ?? name
            } else if let manifest = try manifest(id) {
                let absent = manifest.entries.map(\.oid).filter { !store.contains($0) }
                missing.formUnion(absent)
                if !absent.isEmpty { firstMissing = firstMissing ?? name }
            }
        }
        guard !missing.isEmpty, let firstMissing else { return 0 }
        func unreachable(_ why: String) -> MLOpsError {
            MLOpsError(
                .notFound,
                "\(firstMissing) (\(missing.count) object\(missing.count == 1 ? "" : "s") in all) is not in the cache, and \(why)",
                hint: "push it from a clone that has it (`mlops push`); track data with `mlops add` before training")
        }
        guard options.remote != nil || config.core.remote != nil else { throw unreachable("there is no remote") }
        if let name = options.remote, config.remotes?[name] == nil {
            throw MLOpsError(.usage, "no remote '\(name)'", hint: "list remotes with `mlops remote list`")
        }
        var count = missing.count
        do {
            try await withRemote(options.remote, connections: 8, environment: options.environment) { _, remote in
                try await fetchObjects(Array(missing), from: remote, jobs: 8)
                // Directories fetched just now: their files too.
                let files = try missing.compactMap { try manifest($0) }.flatMap { $0.entries.map(\.oid) }
                    .filter { !store.contains($0) }
                count += Set(files).count
                try await fetchObjects(files, from: remote, jobs: 8)
            }
        } catch let error as MLOpsError where error.code == .notFound {
            throw unreachable("the remote does not have it either (\(error.message))")
        }
        return count
    }

    /// The directory manifest stored as `id`, when `id` is one. Only an object that starts like a manifest (one
    /// byte is read to tell) and is no larger than a large directory's manifest is read whole.
    private func manifest(_ id: ObjectID) throws -> DirectoryManifest? {
        guard let size = store.size(of: id), size > 0, size < 1 << 28,
            let handle = FileHandle(forReadingAtPath: store.path(of: id))
        else { return nil }
        let first = try handle.read(upToCount: 1)
        try? handle.close()
        guard first?.first == UInt8(ascii: "[") else { return nil }
        return try? DirectoryManifest(decoding: try store.read(id), id: id)
    }

    /// Opens the mlops repository inside a checkout (its config as committed; the database and cache are new).
    private static func openCheckout(_ checkout: RevisionCheckout) throws -> Repository {
        guard FileManager.default.fileExists(atPath: checkout.root + "/.mlops/config.yaml") else {
            throw MLOpsError(
                .notFound, "commit \(checkout.commit.prefix(12)) has no .mlops/config.yaml",
                hint: "commit .mlops/config.yaml (`mlops init` creates it) with the project")
        }
        do {
            return try Repository(root: checkout.root)
        } catch let error as MLOpsError {
            throw MLOpsError(
                .invalidInput,
                "the .mlops/config.yaml of commit \(checkout.commit.prefix(12)) cannot be read: \(error.message)",
                hint: "a commit with a broken configuration cannot be rebuilt")
        }
    }

    /// Puts each input where the run read it in `checkout`, from the cache.
    private func place(_ inputs: [Run.Input], in checkout: Repository) throws {
        for input in inputs {
            let id = try ObjectID(parsing: input.oid)
            let path = try checkout.rebuildPath(input.path, what: "the input")
            try? FileManager.default.removeItem(atPath: path)
            if let manifest = try manifest(id) {
                for entry in manifest.entries {
                    let file = path + "/" + entry.path
                    try FileManager.default.createDirectory(
                        atPath: WorkspacePath.parent(file), withIntermediateDirectories: true)
                    try store.materialize(entry.oid, at: file, mode: .copy, executable: entry.exec)
                }
            } else {
                guard store.contains(id) else {
                    throw MLOpsError(
                        .notFound, "'\(input.path)' (\(id.abbreviated())) is neither in the cache nor in the commit")
                }
                try FileManager.default.createDirectory(
                    atPath: WorkspacePath.parent(path), withIntermediateDirectories: true)
                try store.materialize(id, at: path, mode: .copy)
            }
        }
    }

    private func retrain(
        _ subject: LineageSubject, in checkout: Repository, options: RebuildOptions, progress: ProgressHandler?,
        into report: inout RebuildReport
    ) throws {
        guard let recipe = subject.recipe, let recorded = subject.modelOid else {
            throw MLOpsError(.invalidState, "\(subject.reference) has no training recipe or no model")
        }
        try recordedRequest("the recipe of \(subject.reference)") {
            if options.search, let search = recipe.search, let searched = recipe.searchedParams {
                try repeatSearch(
                    search, recipe: recipe, chose: searched, in: checkout, progress: progress, into: &report)
            }
            let prepared = try checkout.fit(
                recipe.options, workingDirectory: checkout.root, threads: options.threads,
                splitSeed: recipe.holdoutSeed, progress: progress)
            let model = try prepared.train()
            let oid = ObjectID(hashing: Array(model.encoded())).description
            report.rebuiltMetrics.merge(try prepared.evaluate(try CompiledModel(model))?.metrics ?? [:]) { $1 }
            report.comparisons.append(
                .init(name: "model", recorded: recorded, rebuilt: oid, identical: oid == recorded))
            if oid != recorded, let bytes = try? store.read(try ObjectID(parsing: recorded)),
                let original = try? Model.decode(Data(bytes))
            {
                report.firstDifference = original.firstDifference(from: model)
            }
        }
        if let searched = recipe.searchedParams, !options.search {
            report.notes.append(
                "the search was not repeated (`--search` repeats it): its best configuration ("
                    + Self.describe(searched) + ") was trained again")
        }
    }

    /// Searches the tuning run's space again, as `tune` did, and compares the configuration it chooses.
    private func repeatSearch(
        _ search: TrainingRecipe.Search, recipe: TrainingRecipe, chose recorded: [String: String],
        in checkout: Repository, progress: ProgressHandler?, into report: inout RebuildReport
    ) throws {
        var training = recipe.options
        // The recipe's parameters include the chosen configuration; the search varies those, around the seed
        // its split and folds used.
        training.params = recipe.params.filter { key, _ in !search.space.contains { $0.name == key } }
        if let seed = recipe.holdoutSeed { training.params["seed"] = seed }
        let prepared = try checkout.prepareSearch(
            try search.options(training: training), workingDirectory: checkout.root)
        let best = try prepared.rank(progress: progress).first
        let chosen = best?.params ?? [:]
        if let best { report.rebuiltMetrics["cv_" + search.metric] = best.score }
        report.comparisons.append(
            .init(
                name: "best configuration", recorded: Self.describe(recorded), rebuilt: Self.describe(chosen),
                identical: chosen == recorded))
        report.notes.append("the search was repeated: \(prepared.configurations.count) configurations")
    }

    /// Runs `body`, which trains from a recorded request: a request the learner refuses (a parameter out of
    /// range) is a damaged record, not a usage error of this command.
    private func recordedRequest(_ source: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as MLOpsError where error.code == .usage {
            throw MLOpsError(.invalidInput, "\(source) is not a valid request: \(error.message)", hint: error.hint)
        }
    }

    /// `k=v, …` in key order.
    private static func describe(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    private func rerunStage(
        _ subject: LineageSubject, in checkout: Repository, options: RebuildOptions, into report: inout RebuildReport
    ) throws {
        guard let run = subject.run else { throw MLOpsError(.invalidState, "\(subject.reference) has no stage run") }
        let name = run.params["stage"] ?? ""
        guard let stage = try PipelineFile.load(root: checkout.root).first(where: { $0.name == name }) else {
            throw MLOpsError(
                .notFound, "commit \(report.commit.prefix(12)) defines no stage '\(name)' in mlops.yaml",
                hint: "the stage was added without a commit; its runs cannot be rebuilt")
        }
        let (record, _, _) = try checkout.check(stage)
        var params = run.params
        params.removeValue(forKey: "stage")
        let recordedDeps = Dictionary(run.inputs.map { ($0.path, $0.oid) }) { $1 }
        guard record.cmd.joined(separator: " && ") == run.command, record.params == params,
            record.deps == recordedDeps
        else {
            throw MLOpsError(
                .invalidState,
                "stage '\(name)' at commit \(report.commit.prefix(12)) is not what run \(run.id.prefix(RunID.displayLength)) ran (its commands, parameters or dependencies differ)",
                hint: "the pipeline changed without a commit; its runs cannot be rebuilt")
        }
        for out in stage.outs {
            try? FileManager.default.removeItem(atPath: try checkout.rebuildPath(out, what: "the output"))
        }
        let log = Self.emptyLog(in: checkout)
        for command in record.cmd {
            let status = try checkout.runLogged(
                command, in: checkout.absolute(stage.wdir), log: log, runId: run.id, executable: options.executable)
            if status != 0 {
                // The run succeeded; the rebuild did not: a difference, not an error of this command.
                report.comparisons = [
                    .init(
                        name: "exit status of `\(command)`", recorded: "exit 0", rebuilt: "exit \(status)",
                        identical: false)
                ]
                report.notes.append("the command's output ended: " + Self.tail(of: log))
                return
            }
        }
        report.comparisons = try compare(run.artifacts, in: checkout, directory: "")
        report.rebuiltMetrics = [:]
        for file in stage.metrics where FileManager.default.fileExists(atPath: checkout.absolute(file)) {
            report.rebuiltMetrics.merge((try? Self.readMetrics(checkout.absolute(file))) ?? [:]) { $1 }
        }
    }

    private func rerunCommand(
        _ subject: LineageSubject, in checkout: Repository, options: RebuildOptions, into report: inout RebuildReport
    ) throws {
        guard let run = subject.run, let command = run.command else {
            throw MLOpsError(.invalidState, "\(subject.reference) recorded no command")
        }
        let workdir = run.tags[Self.workingDirectoryTag] ?? ""
        let directory =
            workdir.isEmpty ? checkout.root : try checkout.rebuildPath(workdir, what: "the working directory")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for artifact in run.artifacts {
            let path = try checkout.rebuildPath(try artifactPath(artifact.name, workdir: workdir), what: "the artifact")
            try? FileManager.default.removeItem(atPath: path)
        }
        // The command may record into its run with `mlops log`: it gets one in the checkout's repository.
        let rerun = try checkout.runs.start(name: run.name, kind: .external, command: command)
        let log = Self.emptyLog(in: checkout)
        // `exec`: the command replaces the shell, as it ran without one, so a signal that stops it is seen as one.
        let ended = try checkout.runLoggedProcess(
            "exec " + command, in: directory, log: log, runId: rerun, executable: options.executable)
        try? checkout.runs.finish(
            rerun, status: ended.signaled ? .killed : ended.status == 0 ? .finished : .failed,
            exitStatus: Int(ended.status))
        let recorded = (run.status == .killed ? "signal " : "exit ") + String(run.exitStatus ?? 0)
        let rebuilt = (ended.signaled ? "signal " : "exit ") + String(ended.status)
        report.comparisons.append(
            .init(name: "exit status", recorded: recorded, rebuilt: rebuilt, identical: recorded == rebuilt))
        report.comparisons += try compare(run.artifacts, in: checkout, directory: workdir)
        report.rebuiltMetrics = (try? checkout.runs.run(rerun).metrics) ?? [:]
        report.notes.append(
            "an external command is reproducible only if it is deterministic: mlops cannot see its seeds, "
                + "threads or clock")
    }

    /// An external run's artifact path, relative to the repository root: artifacts are named as the command was
    /// given them, relative to its working directory or absolute inside the repository.
    private func artifactPath(_ name: String, workdir: String) throws -> String {
        guard name.hasPrefix("/") else { return WorkspacePath.join(workdir, name) }
        // Given through a link to the repository (`/tmp` on macOS is one), the name leads here once resolved.
        let resolvedParent = URL(fileURLWithPath: WorkspacePath.parent(name)).resolvingSymlinksInPath().path
        let candidates = [name, WorkspacePath.join(resolvedParent, WorkspacePath.name(name))]
        guard let relative = candidates.lazy.compactMap({ WorkspacePath.relative($0, to: self.root) }).first,
            !relative.isEmpty
        else {
            throw MLOpsError(
                .invalidState, "the output '\(name)' was written outside the repository: it cannot be rebuilt",
                hint: "write outputs inside the repository")
        }
        return relative
    }

    /// `path` (relative to the repository root, from a run record or a bundle) as an absolute path in this
    /// checkout, refused unless it stays inside through real directories and out of `.git` and `.mlops`: a
    /// record from another clone or a bundle could otherwise make a rebuild write (or delete) anywhere.
    func rebuildPath(_ path: String, what: String) throws -> String {
        guard let contained = WorkspacePath.contained(path), !contained.isEmpty else {
            throw MLOpsError(
                .invalidInput, "\(what) '\(path)' is not a path inside the repository",
                hint: "the record is damaged or was crafted; only runs recorded inside a repository can be rebuilt")
        }
        try requireRealDirectories(to: contained, what: what)
        let absolute = absolute(contained)
        try SafeOutput.require(absolute, given: path)
        return absolute
    }

    /// The tag an external run records its working directory in, relative to the repository root.
    static let workingDirectoryTag = "mlops.workdir"

    /// Each recorded artifact beside what the rebuild wrote at its path under `directory` (relative to the root).
    private func compare(_ artifacts: [Run.Artifact], in checkout: Repository, directory: String) throws
        -> [RebuildReport.Comparison]
    {
        try artifacts.map { artifact in
            let relative = try artifactPath(artifact.name, workdir: directory)
            let path = try checkout.rebuildPath(relative, what: "the artifact")
            let rebuilt =
                FileSnapshot.take(path) == nil ? nil : try checkout.contentID(of: relative)?.description
            return .init(
                name: artifact.name, recorded: artifact.oid, rebuilt: rebuilt, identical: rebuilt == artifact.oid)
        }
    }

    /// A new, empty file in the checkout for the output of the commands a rebuild runs.
    private static func emptyLog(in checkout: Repository) -> String {
        let log = checkout.store.temporaryDirectory + "/reproduce.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        return log
    }

    /// The last lines of a log, on one line, for the report.
    private static func tail(of log: String) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").suffix(5).joined(separator: " | ")
        return lines.isEmpty ? "(none)" : String(lines.suffix(600))
    }
}

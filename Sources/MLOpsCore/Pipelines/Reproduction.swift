import Foundation
import MLOpsErrors
import MLOpsParallel
import MLOpsStore
import Synchronization

/// How `mlops repro` runs.
public struct ReproOptions: Sendable {
    /// Stages to bring up to date, with everything upstream (empty: all).
    public var stages: [String] = []
    /// Run the selected stages even when nothing changed (the run cache is not used either).
    public var force = false
    /// Only report what would happen.
    public var dryRun = false
    /// After a failure, go on with stages that do not depend on the failed one.
    public var keepGoing = false
    /// Stages run at once when they do not depend on each other.
    public var jobs = 1
    /// The mlops executable a stage's commands reach as `mlops` (its directory comes first on their `PATH`) and
    /// as `$MLOPS`, so a pipeline runs with the binary that runs it; nil leaves `PATH` as it is.
    public var executable: String?

    public init() {}
}

/// What happened to one stage.
public struct StageOutcome: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        /// Nothing it depends on changed.
        case unchanged
        /// Its exact inputs were seen before: outputs restored from the run cache.
        case restored
        /// It ran (or, in a dry run, would run).
        case ran
        case failed
        /// Not run because a stage it depends on failed.
        case blocked
    }

    public var stage: String
    public var action: Action
    /// The stage's tracked run, when it ran.
    public var runId: String?
    /// Why it ran, failed or was blocked.
    public var reason: String?
    /// The log of a stage that ran.
    public var log: String?
    public var durationSeconds: Double?
    /// True when a failed stage's command exited with ``Repository/gateFailedStatus``: a quality gate failed,
    /// the stage did not crash.
    public var gateFailed: Bool? = nil
    /// Where a failed stage's own outputs were kept (`.mlops/logs/<run>.outputs/<path>`) when it wrote any; its
    /// previous outputs are back in place, except those in ``notRestored``.
    public var failedOutputs: String? = nil
    /// A failed stage's previous outputs or metrics files that could not be put back, each saying where it is.
    public var notRestored: [String]? = nil
}

extension Repository {
    /// Brings the pipeline in `mlops.yaml` up to date: stages run in dependency order (independent ones in
    /// parallel up to `jobs`), skipped when their commands, dependencies and parameters match `mlops.lock` and
    /// their outputs are intact, restored from the run cache when that exact combination ran before. Each run
    /// is a tracked run with its log; outputs are stored and tracked by pointer files; `mlops.lock` is updated
    /// only after a stage succeeds. A per-stage lock lets two `repro`s run at once: the second waits for a stage
    /// the first is running and then finds it up to date.
    public func reproduce(_ options: ReproOptions) throws -> [StageOutcome] {
        let graph = try PipelineGraph(stages: try PipelineFile.load(root: root))
        let selected = try graph.selection(options.stages)
        let order = graph.order.filter(selected.contains)
        try checkOutputPaths(graph)
        var outcomes: [Int: StageOutcome] = [:]
        var finished = Set<Int>()
        let state = Mutex<[Int: StageOutcome]>([:])

        while finished.count < order.count {
            let wave = order.filter { index in
                !finished.contains(index)
                    && graph.upstream[index].filter(selected.contains).allSatisfy(finished.contains)
            }
            let results = try ParallelWork.map(wave.count, width: options.dryRun ? 1 : max(1, options.jobs)) {
                position in
                let index = wave[position]
                let stage = graph.stages[index]
                let known = state.withLock { $0 }
                if let failed = graph.upstream[index].first(where: { [.failed, .blocked].contains(known[$0]?.action) })
                {
                    return StageOutcome(
                        stage: stage.name, action: .blocked, reason: "'\(graph.stages[failed].name)' failed")
                }
                let upstreamRan = graph.upstream[index].contains { known[$0]?.action == .ran }
                return try self.reproduce(stage, options: options, upstreamWillChange: options.dryRun && upstreamRan)
            }
            for (position, outcome) in results.enumerated() {
                outcomes[wave[position]] = outcome
                finished.insert(wave[position])
                state.withLock { $0[wave[position]] = outcome }
            }
            // A crash outranks a failed gate, as in `repro`'s exit status.
            let failures = results.filter { $0.action == .failed }
            if let failed = failures.first(where: { $0.gateFailed != true }) ?? failures.first, !options.keepGoing {
                throw StageFailure(outcomes: order.compactMap { outcomes[$0] }, failed: failed)
            }
        }
        return order.compactMap { outcomes[$0] }
    }

    private func reproduce(_ stage: Stage, options: ReproOptions, upstreamWillChange: Bool) throws -> StageOutcome {
        // One process works on a stage at a time; a second `repro` waits here, then finds the stage up to date.
        let stageLock = try RepositoryLock(
            metadataDirectory: metadataDirectory, purpose: "repro \(stage.name)", timeout: 24 * 3600,
            name: "lock.stage-" + stage.name.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined())
        defer { withExtendedLifetime(stageLock) {} }

        if upstreamWillChange {
            _ = try parameterValues(for: stage)  // still report missing parameters in a dry run
            return StageOutcome(stage: stage.name, action: .ran, reason: "an upstream stage will run")
        }
        let check = try check(stage)
        if !options.force, check.upToDate { return StageOutcome(stage: stage.name, action: .unchanged) }
        var record = check.record
        let locked = check.locked
        let reason = Self.reason(locked: locked, current: record, force: options.force)
        if let refusal = try invalidDeps(of: stage) {
            return StageOutcome(stage: stage.name, action: .failed, reason: refusal)
        }
        if !options.force, let cached = try runCache.outputs(forKey: record.cacheKey),
            Set(cached.keys) == Set(stage.outs),
            cached.values.allSatisfy({ store.contains($0.pointer.oid) })
        {
            if options.dryRun { return StageOutcome(stage: stage.name, action: .restored, reason: reason) }
            try restore(cached)
            record.outs = cached.mapValues(\.pointer.oid.description)
            try updateLock(stage.name, record)
            return StageOutcome(stage: stage.name, action: .restored, reason: reason)
        }
        try checkOutputsAreRecoverable(stage)
        if options.dryRun { return StageOutcome(stage: stage.name, action: .ran, reason: reason) }
        return try execute(stage, record: record, reason: reason, executable: options.executable)
    }

    /// Why a stage must not run (or be restored): a data dep that breaks the schema `mlops.yaml` gives it, with
    /// every violation; nil when all keep theirs. Such a stage fails like one whose command failed, so
    /// `--keep-going` runs the others.
    private func invalidDeps(of stage: Stage) throws -> String? {
        for (data, schema) in stage.validations.sorted(by: { $0.key < $1.key }) {
            do {
                let report = try DataContract.file(absolute(schema), displayName: schema)
                    .validate(dataAt: absolute(data), displayName: data)
                if !report.valid { return report.refusal("it did not run").message }
            } catch let error as MLOpsError where [.invalidInput, .notFound].contains(error.code) {
                return "it did not run: " + error.message
            }
        }
        return nil
    }

    /// What a stage would run with now, its record in `mlops.lock`, and whether they match with outputs intact.
    /// Reads only (no stage lock), so `status` can call it while a `repro` runs.
    func check(_ stage: Stage) throws -> (record: StageRecord, locked: StageRecord?, upToDate: Bool) {
        let params = try parameterValues(for: stage)
        let commands = try stage.commands.map { try substitute($0, params: params, stage: stage) }
        var deps: [String: String] = [:]
        for dep in stage.deps {
            guard let id = try contentID(of: dep) else {
                throw MLOpsError(
                    .notFound, "'\(dep)', a dependency of stage '\(stage.name)', does not exist",
                    hint: "create it, or list the stage that writes it as an output")
            }
            deps[dep] = id.description
        }
        let record = StageRecord(cmd: commands, deps: deps, params: params, outs: [:])
        let locked = try PipelineLock.read(root: root)[stage.name]
        guard let locked, locked.cmd == record.cmd, locked.deps == record.deps, locked.params == record.params else {
            return (record, locked, false)
        }
        for out in stage.outs where try contentID(of: out)?.description != locked.outs[out] {
            return (record, locked, false)
        }
        return (record, locked, true)
    }

    /// The stages of `mlops.yaml` that `repro` would run, with why (empty without a pipeline). A stage after a
    /// stale one is stale too.
    public func staleStages() throws -> [StaleStage] {
        guard FileManager.default.fileExists(atPath: root + "/" + PipelineFile.name) else { return [] }
        let graph: PipelineGraph
        do {
            graph = try PipelineGraph(stages: try PipelineFile.load(root: root))
        } catch let error as MLOpsError {
            // A broken pipeline file must not break `status` (git hooks run it): report it as the stale part.
            return [StaleStage(stage: PipelineFile.name, reason: error.message)]
        }
        var stale: [Int: StaleStage] = [:]
        for index in graph.order {
            let stage = graph.stages[index]
            if let upstream = graph.upstream[index].first(where: { stale[$0] != nil }) {
                stale[index] = StaleStage(stage: stage.name, reason: "'\(graph.stages[upstream].name)' is stale")
                continue
            }
            do {
                let check = try check(stage)
                if !check.upToDate {
                    stale[index] = StaleStage(
                        stage: stage.name,
                        reason: Self.reason(locked: check.locked, current: check.record, force: false))
                }
            } catch let error as MLOpsError {
                stale[index] = StaleStage(stage: stage.name, reason: error.message)
            }
        }
        return graph.order.compactMap { stale[$0] }
    }

    static func reason(locked: StageRecord?, current: StageRecord, force: Bool) -> String {
        if force { return "forced" }
        guard let locked else { return "never ran" }
        // Parameters first: a changed parameter also changes the commands it is substituted into.
        if let key = current.params.keys.sorted().first(where: { locked.params[$0] != current.params[$0] }) {
            return "parameter \(key) changed"
        }
        if let dep = current.deps.keys.sorted().first(where: { locked.deps[$0] != current.deps[$0] }) {
            return "'\(dep)' changed"
        }
        if locked.cmd != current.cmd { return "command changed" }
        return "outputs changed or missing"
    }

    /// Refuses outputs (and working directories) reached through symbolic links, and outputs that overlap data
    /// tracked by another pointer file (`outs: [data]` when `data/train.csv` is tracked): running the stage would
    /// replace that data. An output tracked at exactly its own path (by an earlier run of the stage, or added by
    /// hand) is the stage's.
    func checkOutputPaths(_ graph: PipelineGraph) throws {
        let tracked = try trackedTargets()
        for stage in graph.stages {
            try requireRealDirectories(
                to: stage.wdir, includingItself: true, what: "the working directory of stage '\(stage.name)',")
            for out in stage.outs {
                try requireRealDirectories(to: out, what: "the output of stage '\(stage.name)',")
                if let target = tracked.first(where: { $0.path != out && WorkspacePath.overlap($0.path, out) }) {
                    throw MLOpsError(
                        .invalidInput,
                        "stage '\(stage.name)' writes '\(out)', which overlaps tracked data '\(target.path)'",
                        hint:
                            "write the stage's output elsewhere, or stop tracking the data with `mlops rm \(target.path)`"
                    )
                }
            }
        }
    }

    /// Refuses to run a stage whose existing outputs could not be recovered after it replaced them: the cache
    /// must hold each (as it holds what the stage, or `mlops add`, stored); anything else is someone's work, and
    /// `repro` changes nothing. Called under the stage's lock, so an output another `repro` is writing has been
    /// stored by the time this looks.
    func checkOutputsAreRecoverable(_ stage: Stage) throws {
        for out in stage.outs {
            guard let current = try contentID(of: out), !store.contains(current) else { continue }
            throw MLOpsError(
                .conflict, "stage '\(stage.name)' would replace '\(out)', which the cache does not hold",
                hint: "move '\(out)' away, or keep it with `mlops add \(out)` (then the stage may replace it)")
        }
    }

    private func execute(
        _ stage: Stage, record: StageRecord, reason: String, executable: String?
    ) throws -> StageOutcome {
        let started = Date()
        let runId = try runs.start(
            name: "stage-" + stage.name, kind: .stage, command: record.cmd.joined(separator: " && "), at: started)
        let aside: SetAsideOutputs
        do {
            aside = try SetAsideOutputs(stage.outs, metrics: stage.metrics, of: self, run: runId)
            for out in stage.outs { try Self.createDirectory(WorkspacePath.parent(absolute(out))) }
        } catch {
            try runs.finish(runId, status: .failed)
            throw error
        }
        do {
            var outcome = try execute(
                stage, record: record, reason: reason, run: runId, started: started, executable: executable)
            if outcome.action == .failed {
                let restoration = aside.restore(keepingWrittenIn: failedOutputsPath(runID: runId))
                outcome.failedOutputs = restoration.kept
                outcome.notRestored = restoration.notRestored.isEmpty ? nil : restoration.notRestored
            } else {
                aside.discard()
            }
            return outcome
        } catch {
            _ = aside.restore(keepingWrittenIn: failedOutputsPath(runID: runId))
            try? runs.finish(runId, status: .failed)
            throw error
        }
    }

    private func execute(
        _ stage: Stage, record: StageRecord, reason: String, run runId: String, started: Date, executable: String?
    ) throws
        -> StageOutcome
    {
        try runs.logParams(record.params.merging(["stage": stage.name]) { $1 }, run: runId)
        try runs.logInputs(record.deps.map { Run.Input(path: $0.key, oid: $0.value, pointer: nil) }, run: runId)
        let logPath = stageLogPath(runID: runId)
        try? FileManager.default.createDirectory(
            atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        func fail(_ why: String, gateFailed: Bool = false, exitStatus: Int32? = nil) throws -> StageOutcome {
            // What the stage measured before it failed says which gate failed, or how far it got.
            for file in stage.metrics {
                if let metrics = try? Self.readMetrics(absolute(file)) { try? runs.logMetrics(metrics, run: runId) }
            }
            try runs.finish(runId, status: gateFailed ? .failedGate : .failed, exitStatus: exitStatus.map(Int.init))
            return StageOutcome(
                stage: stage.name, action: .failed, runId: runId, reason: why, log: logPath,
                durationSeconds: Date().timeIntervalSince(started), gateFailed: gateFailed ? true : nil)
        }
        for command in record.cmd {
            let status = try runLogged(
                command, in: absolute(stage.wdir), log: logPath, runId: runId, executable: executable)
            if status == Self.gateFailedStatus {
                return try fail(
                    "`\(command)` exited with status \(status): a quality gate failed", gateFailed: true,
                    exitStatus: status)
            }
            if status != 0 { return try fail("`\(command)` exited with status \(status)", exitStatus: status) }
        }
        for out in stage.outs where FileSnapshot.take(absolute(out)) == nil {
            return try fail("the stage did not write its output '\(out)'")
        }
        // Metrics are read before anything is recorded: a stage whose metrics cannot be read failed, and must
        // leave neither mlops.lock nor the run cache pointing at its outputs.
        var metrics: [String: Double] = [:]
        for file in stage.metrics where FileManager.default.fileExists(atPath: absolute(file)) {
            do {
                metrics.merge(try Self.readMetrics(absolute(file))) { $1 }
            } catch let error as MLOpsError {
                return try fail(error.message)
            }
        }
        var outputs: [String: CachedOutput] = [:]
        for added in stage.outs.isEmpty ? [] : try add(stage.outs, relativeTo: root) {
            outputs[added.path] = CachedOutput(
                pointer: PointerFile(oid: added.oid, size: added.size, kind: added.kind, files: added.files))
        }
        var record = record
        record.outs = outputs.mapValues(\.pointer.oid.description)
        try runCache.remember(record.cacheKey, stage: stage.name, outputs: outputs)
        try updateLock(stage.name, record)
        if !metrics.isEmpty { try runs.logMetrics(metrics, run: runId) }
        for (path, output) in outputs { try runs.recordArtifact(path, oid: output.pointer.oid, run: runId) }
        let ended = Date()
        try runs.finish(runId, status: .finished, exitStatus: 0, at: ended)
        return StageOutcome(
            stage: stage.name, action: .ran, runId: runId, reason: reason, log: logPath,
            durationSeconds: ended.timeIntervalSince(started))
    }

    /// The exit status of `mlops eval`, `mlops monitor check` and `mlops model promote` when a quality gate fails
    /// (`mlops help exit-codes`): a stage command that exits with it failed a gate rather than crashed.
    public static let gateFailedStatus: Int32 = 3

    /// Runs `command` with `/bin/sh -c` in `directory`, appending its output to `log`; returns its exit status
    /// (128 + the signal when killed).
    func runLogged(
        _ command: String, in directory: String, log: String, runId: String, executable: String?
    ) throws -> Int32 {
        let ended = try runLoggedProcess(command, in: directory, log: log, runId: runId, executable: executable)
        return ended.signaled ? 128 + ended.status : ended.status
    }

    /// ``runLogged(_:in:log:runId:executable:)``, telling an exit status from the signal that stopped it.
    func runLoggedProcess(
        _ command: String, in directory: String, log: String, runId: String, executable: String?
    ) throws -> (status: Int32, signaled: Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment[Self.runEnvironmentVariable] = runId
        environment[Self.repositoryEnvironmentVariable] = root
        if let executable {
            environment["MLOPS"] = executable
            let path = environment["PATH"].map { ":" + $0 } ?? ""
            environment["PATH"] = WorkspacePath.parent(executable) + path
        }
        process.environment = environment
        guard let handle = FileHandle(forWritingAtPath: log) else {
            throw MLOpsError.system("open the log", path: log, errno: errno)
        }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw MLOpsError(.failure, "cannot start /bin/sh for `\(command)`", cause: error)
        }
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    /// The values of the parameters a stage declares, and of every `${params.key}` its commands use.
    private func parameterValues(for stage: Stage) throws -> [String: String] {
        var values: [String: String] = [:]
        var files = stage.params
        let referenced = stage.commands.flatMap(Self.templateKeys)
        if !referenced.isEmpty { files["params.yaml", default: []] += referenced }
        for (file, keys) in files {
            let relative = WorkspacePath.normalize(WorkspacePath.join(stage.wdir, file))
            // A link could read a file from anywhere into the committed mlops.lock.
            try requireRealDirectories(
                to: relative, includingItself: true, what: "the parameters file of stage '\(stage.name)',")
            let path = absolute(relative)
            let all = try Self.readParams(path)
            for key in keys {
                guard let value = all[key] else {
                    throw MLOpsError(
                        .notFound, "stage '\(stage.name)' uses parameter '\(key)', which '\(file)' does not define")
                }
                values[key] = value
            }
        }
        return values
    }

    /// The suffix of a template (`${params.key:raw}`) that inserts any value as it is.
    static let rawTemplateSuffix = ":raw"

    /// The parameter keys a command's `${params.key}` and `${params.key:raw}` templates name.
    private static func templateKeys(_ command: String) -> [String] {
        templates(command).map(\.key)
    }

    private static func templates(_ command: String) -> [(text: String, key: String, raw: Bool)] {
        var found: [(String, String, Bool)] = []
        var rest = Substring(command)
        while let start = rest.range(of: "${params."), let end = rest[start.upperBound...].firstIndex(of: "}") {
            let name = String(rest[start.upperBound..<end])
            let raw = name.hasSuffix(rawTemplateSuffix)
            found.append(
                (String(rest[start.lowerBound...end]), raw ? String(name.dropLast(rawTemplateSuffix.count)) : name, raw)
            )
            rest = rest[rest.index(after: end)...]
        }
        return found
    }

    /// The command with its templates replaced by parameter values. A value goes in as it is, so it must be a
    /// plain word (letters, digits and `_-.,:/+@%`): anything else could end a quote or start a command of its
    /// own wherever the template stands (in quotes, a heredoc, `$(…)`, `eval`), so it is refused unless the
    /// template says `:raw`, which makes quoting the stage author's job.
    private func substitute(_ command: String, params: [String: String], stage: Stage) throws -> String {
        var result = command
        for template in Self.templates(command) {
            guard let value = params[template.key] else {
                throw MLOpsError(.notFound, "stage '\(stage.name)': no parameter '\(template.key)'")
            }
            guard template.raw || Self.isPlainWord(value) else {
                throw MLOpsError(
                    .invalidInput,
                    "stage '\(stage.name)': parameter '\(template.key)' is \(String(reflecting: String(value.prefix(60)))), which the shell would not read as one plain word",
                    hint:
                        "write ${params.\(template.key):raw} to insert it as it is and quote it yourself, or have the command read it from the parameters file"
                )
            }
            result = result.replacingOccurrences(of: template.text, with: value)
        }
        return result
    }

    /// Whether `value` is one word no shell treats specially, whatever quotes surround it. `=` is left out: at
    /// the start of a command, `PATH=…` would choose which program runs.
    static func isPlainWord(_ value: String) -> Bool {
        !value.isEmpty
            && value.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || "_-.,:/+@%".unicodeScalars.contains($0)
            }
    }

    /// Puts cached outputs back: their pointer files (and `.gitignore` entries), then their bytes.
    private func restore(_ outputs: [String: CachedOutput]) throws {
        do {
            let lock = try lock(for: "repro")
            defer { withExtendedLifetime(lock) {} }
            for (path, output) in outputs {
                try AtomicFile.write(output.pointer.rendered(), to: absolute(path) + PointerFile.suffix)
                try GitIgnoreFile.add(
                    GitIgnoreFile.entry(for: WorkspacePath.name(path), isDirectory: output.pointer.kind == .dir),
                    in: absolute(WorkspacePath.parent(path)))
            }
        }
        _ = try checkout(Array(outputs.keys), relativeTo: root, force: true)
    }

    /// Records the stage's result in `mlops.lock` (read, changed and written under the repository lock, so
    /// stages finishing at once in one or several processes do not lose each other's records).
    private func updateLock(_ name: String, _ record: StageRecord) throws {
        let lock = try lock(for: "repro")
        defer { withExtendedLifetime(lock) {} }
        var records = try PipelineLock.read(root: root)
        records[name] = record
        try PipelineLock.write(records, root: root)
    }
}

/// A stage `repro` would run, and why.
public struct StaleStage: Codable, Sendable, Equatable {
    public var stage: String
    public var reason: String
}

/// A stage output as the run cache remembers it: the pointer file that tracks it.
struct CachedOutput: Codable, Sendable {
    var pointer: PointerFile
}

/// `repro` stopped at a failed stage; carries every outcome so far.
public struct StageFailure: Error, Sendable {
    public var outcomes: [StageOutcome]
    public var failed: StageOutcome
}

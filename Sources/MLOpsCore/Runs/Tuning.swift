import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsParallel
import MLOpsStore
import Synchronization
import Yams

/// The values one hyperparameter may take in a search.
public enum SearchDimension: Sendable, Equatable {
    /// Exactly these values (grid search tries each; random search picks among them).
    case values([String])
    /// A range for random search: uniform, or log-uniform; integers when both bounds are integers.
    case range(low: Double, high: Double, logarithmic: Bool, integer: Bool)

    /// Reads a search space from YAML: each key a parameter, each value a list (values) or a map with `low`,
    /// `high` and optionally `log: true` (a range), in file order.
    ///
    /// ```yaml
    /// max_leaves: [15, 31, 63]
    /// learning_rate: {low: 0.01, high: 0.3, log: true}
    /// ```
    public static func load(yaml path: String) throws -> [(name: String, dimension: SearchDimension)] {
        let text = try TextFile.read(path, name: path)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw MLOpsError(.invalidInput, "'\(path)' is not valid YAML", cause: error)
        }
        guard let mapping = node?.mapping else {
            throw MLOpsError(.invalidInput, "'\(path)' must map parameter names to lists or ranges")
        }
        return try mapping.map { key, value in
            guard let name = key.string else {
                throw MLOpsError(.invalidInput, "'\(path)': a parameter name is not text")
            }
            if let values = value.sequence {
                let texts = values.compactMap(\.string)
                guard !texts.isEmpty, texts.count == values.count else {
                    throw MLOpsError(.invalidInput, "'\(path)': \(name) needs a list of values")
                }
                return (name, .values(texts))
            }
            guard let range = value.mapping, let low = range["low"]?.string, let high = range["high"]?.string else {
                throw MLOpsError(
                    .invalidInput, "'\(path)': \(name) needs a list of values or {low: …, high: …, log: true|false}")
            }
            let logarithmic = range["log"]?.bool ?? false
            return try parse("\(name)=\(low):\(high)" + (logarithmic ? ":log" : ""))
        }
    }

    /// Parses `name=v1,v2,…` (values) or `name=low:high` / `name=low:high:log` (a range).
    public static func parse(_ assignment: String) throws -> (name: String, dimension: SearchDimension) {
        let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw MLOpsError(
                .usage, "a search dimension is name=v1,v2,… or name=low:high[:log], not '\(assignment)'")
        }
        let bounds = parts[1].split(separator: ":").map(String.init)
        if bounds.count >= 2 {
            guard let low = Double(bounds[0]), let high = Double(bounds[1]), low < high,
                bounds.count == 2 || (bounds.count == 3 && bounds[2] == "log")
            else {
                throw MLOpsError(
                    .usage, "bad range '\(parts[1])' for \(parts[0]): expected low:high or low:high:log with low < high"
                )
            }
            let logarithmic = bounds.count == 3
            if logarithmic, low <= 0 {
                throw MLOpsError(.usage, "a log range for \(parts[0]) needs a positive lower bound")
            }
            return (
                parts[0],
                .range(
                    low: low, high: high, logarithmic: logarithmic,
                    integer: Int(bounds[0]) != nil && Int(bounds[1]) != nil)
            )
        }
        let values = parts[1].split(separator: ",").map(String.init)
        guard !values.isEmpty else {
            throw MLOpsError(.usage, "'\(assignment)' lists no values", hint: "write name=value1,value2")
        }
        return (parts[0], .values(values))
    }
}

/// What `mlops tune` searches.
public struct TuneOptions: Sendable {
    /// The data, target, learner, fixed parameters and holdout fraction, as for training.
    public var training: TrainOptions
    /// The dimensions of the search, by parameter name.
    public var space: [(name: String, dimension: SearchDimension)]
    /// Random search draws this many configurations; nil searches the full grid.
    public var randomTrials: Int?
    /// Cross-validation folds per configuration.
    public var folds: Int = 5
    /// How folds are cut: seeded k-fold, or expanding windows in time order (each fold validates on rows later
    /// than all it trains on). The hold-out is the training options' (`mlops tune --cv time:…` makes it the same
    /// time split unless `--split` or `--validation` is given).
    public var crossValidation: SplitMethod = .random
    /// For time-series folds, the rows left out between a fold's training rows and its validation rows.
    public var gap: Int = 0
    /// The metric that ranks configurations; nil for `rmse` (regression) or `log_loss` (classification).
    public var metric: String?

    public init(training: TrainOptions, space: [(name: String, dimension: SearchDimension)], randomTrials: Int? = nil) {
        self.training = training
        self.space = space
        self.randomTrials = randomTrials
    }
}

/// What a tuning run found.
public struct TuneOutcome: Codable, Sendable {
    public struct Trial: Codable, Sendable {
        public var runId: String
        public var params: [String: String]
        /// The ranking metric's mean over the folds.
        public var score: Double
    }

    public var runId: String
    public var metric: String
    /// Trials, best first.
    public var trials: [Trial]
    public var bestRunId: String
    public var bestParams: [String: String]
    /// The best configuration retrained on all training rows, stored as the tuning run's model.
    public var modelOid: String
    /// That model's metrics on the held-out rows.
    public var holdoutMetrics: [String: Double]
    public var durationSeconds: Double
}

extension Repository {
    /// Searches hyperparameters: each configuration (the full grid, or `randomTrials` seeded draws) is scored by
    /// k-fold cross-validation on the training rows and recorded as a `trial` run under one `tune` run, trials
    /// running on all cores. The best configuration (tagged `best` on its trial) is retrained on all training
    /// rows, evaluated on the held-out rows and stored as the tuning run's model.
    public func tune(_ options: TuneOptions, workingDirectory: String, progress: ProgressHandler? = nil) throws
        -> TuneOutcome
    {
        let started = Date()
        let search = try prepareSearch(options, workingDirectory: workingDirectory)
        let training = search.training
        let input = try lineage(of: search.dataPath)
        let validation = try search.validationPath.map { try lineage(of: $0) }

        let tuneId = try runs.start(
            name: training.name ?? "tune-\(training.model.rawValue)-\(training.target)", kind: .tune, at: started)
        do {
            var params = training.params
            params["learner"] = training.model.rawValue
            params["target"] = training.target
            params["folds"] = String(options.folds)
            if options.crossValidation != .random {
                params["cv"] = options.crossValidation.description
                params["gap"] = String(options.gap)
            }
            params.merge(training.holdoutParams(validation: validation)) { $1 }
            params["search"] = options.randomTrials == nil ? "grid" : "random"
            params["metric"] = search.metric
            for (name, dimension) in options.space { params["space.\(name)"] = Self.describe(dimension) }
            try runs.logParams(params, run: tuneId)
            try runs.logInputs([input] + (validation.map { [$0] } ?? []), run: tuneId)

            let ranked = try search.rank(
                progress: progress,
                starting: { index in try self.runs.start(name: "trial-\(index + 1)", kind: .trial, parent: tuneId) },
                finishing: { trialId, configuration, means in
                    try self.runs.logParams(configuration, run: trialId)
                    try self.runs.logMetrics(
                        Dictionary(uniqueKeysWithValues: means.map { ("cv_" + $0.key, $0.value) }), run: trialId)
                    try self.runs.finish(trialId, status: .finished)
                })
            guard let best = ranked.first else { throw MLOpsError(.failure, "no trial finished") }
            try runs.tag(["best": "true"], run: best.runId)

            let model = try search.trainBest(best.params)
            let datetimeParams = model.signature.datetimeParams
            if !datetimeParams.isEmpty { try runs.logParams(datetimeParams, run: tuneId) }
            // With --test-fraction 0 nothing is held out: the cross-validated score is the only measure.
            let evaluation =
                search.holdout.rowCount > 0
                ? try Evaluation.holdout(of: try CompiledModel(model), on: search.holdout) : nil
            let holdout = evaluation?.metrics ?? [:]
            let modelOid = try logArtifact("model", bytes: Array(model.encoded()), run: tuneId).oid
            try logReferenceProfile(
                DataProfile.reference(
                    trainingRows: search.trainTable, signature: model.signature,
                    holdoutPredictions: evaluation?.predictions),
                run: tuneId)
            try runs.logParams(
                Dictionary(uniqueKeysWithValues: best.params.map { ("best." + $0.key, $0.value) }), run: tuneId)
            try runs.tag(["best_trial": best.runId], run: tuneId)
            var chosen = training
            chosen.params.merge(best.params) { $1 }
            try logRecipe(
                chosen, data: input, validation: validation, schemaPath: search.schemaPath, searched: best.params,
                search: TrainingRecipe.Search(options, metric: search.metric),
                holdoutSeed: best.params["seed"] == nil ? nil : training.params["seed"] ?? "0", run: tuneId)
            try runs.logMetrics(holdout.merging(["cv_" + search.metric: best.score]) { $1 }, run: tuneId)
            let ended = Date()
            try runs.finish(tuneId, status: .finished, at: ended)
            return TuneOutcome(
                runId: tuneId, metric: search.metric, trials: ranked, bestRunId: best.runId, bestParams: best.params,
                modelOid: modelOid.description, holdoutMetrics: holdout,
                durationSeconds: ended.timeIntervalSince(started))
        } catch {
            try? runs.finish(tuneId, status: .failed)
            throw error
        }
    }

    /// Reads and splits the data of a search and validates every configuration, recording nothing: what `tune`
    /// does before its run starts, and what `reproduce --search` repeats.
    func prepareSearch(_ options: TuneOptions, workingDirectory: String) throws -> PreparedSearch {
        let training = options.training
        guard !options.space.isEmpty else {
            throw MLOpsError(
                .usage, "nothing to search",
                hint: "give search dimensions, such as max_leaves with the values 15, 31 and 63")
        }
        let data = try readSplit(training, workingDirectory: workingDirectory)
        let trainTable = data.train
        let seed = data.seed
        let folds: [(train: [Int], test: [Int])]
        if let column = options.crossValidation.timeColumn {
            let times = try training.times(of: trainTable, column: column)
            folds = try DataSplit.timeSeriesFolds(times: times, folds: options.folds, gap: options.gap)
        } else {
            folds = try DataSplit.kFold(rowCount: trainTable.rowCount, folds: options.folds, seed: seed)
        }
        let configurations = try Self.configurations(options, seed: seed)
        // Every configuration is checked before anything is recorded.
        var signature: Signature?
        for configuration in configurations {
            signature = try Training.validate(
                training.request(trainTable, features: training.features, overriding: configuration))
        }
        if let signature, training.validation != nil { try Evaluation.validate(data.test, for: signature) }
        let metric = options.metric ?? Evaluation.curveMetric(for: signature?.task ?? .regression)
        return PreparedSearch(
            training: training, dataPath: data.dataPath, schemaPath: data.schemaPath,
            validationPath: data.validationPath, trainTable: trainTable,
            holdout: data.test, folds: folds, configurations: configurations, metric: metric)
    }

    /// The configurations to try: the grid's cartesian product, or seeded random draws.
    static func configurations(_ options: TuneOptions, seed: UInt64) throws -> [[String: String]] {
        if let count = options.randomTrials {
            guard count > 0 else { throw MLOpsError(.usage, "random search needs at least one trial") }
            guard count <= maximumConfigurations else {
                throw MLOpsError(
                    .usage, "random search of \(count) trials; the limit is \(maximumConfigurations)",
                    hint: "ask for fewer trials")
            }
            for (name, dimension) in options.space {
                guard case .range(let low, let high, let logarithmic, let integer) = dimension else { continue }
                // Bounds no integer parameter reaches, or a log range over zero, would draw values that are no
                // numbers at all.
                guard low.isFinite, high.isFinite, low < high, !logarithmic || low > 0,
                    !integer || max(abs(low), abs(high)) < 1e15
                else {
                    throw MLOpsError(
                        .usage, "the range \(low):\(high)\(logarithmic ? ":log" : "") of \(name) cannot be searched",
                        hint: "give finite bounds, low < high, a positive low bound for :log, integers below 10^15")
                }
            }
            var generator = SeededGenerator(seed: seed &+ 0x7475_6E65)
            return (0..<count).map { _ in
                var configuration: [String: String] = [:]
                for (name, dimension) in options.space {
                    switch dimension {
                    case .values(let values):
                        configuration[name] = values[generator.nextIndex(below: values.count)]
                    case .range(let low, let high, let logarithmic, let integer):
                        let unit = generator.nextUnit()
                        let value =
                            logarithmic ? exp(log(low) + unit * (log(high) - log(low))) : low + unit * (high - low)
                        configuration[name] = integer ? String(Int(value.rounded())) : String(format: "%.6g", value)
                    }
                }
                return configuration
            }
        }
        var configurations: [[String: String]] = [[:]]
        for (name, dimension) in options.space {
            guard case .values(let values) = dimension else {
                throw MLOpsError(
                    .usage, "\(name) is a range; grid search needs lists of values",
                    hint: "list values (\(name)=a,b,c) or use random search with a number of trials")
            }
            // Counted before the product is built: a few long lists would not fit in memory.
            let (count, overflow) = configurations.count.multipliedReportingOverflow(by: values.count)
            guard !overflow, count <= maximumConfigurations else {
                throw MLOpsError(
                    .usage, "the grid has more than \(maximumConfigurations) configurations",
                    hint: "use random search with a number of trials")
            }
            configurations = configurations.flatMap { base in values.map { base.merging([name: $0]) { $1 } } }
        }
        return configurations
    }

    /// The most configurations one search tries.
    static let maximumConfigurations = 10_000

    static func describe(_ dimension: SearchDimension) -> String {
        switch dimension {
        case .values(let values): return values.joined(separator: ",")
        case .range(let low, let high, let logarithmic, _):
            return "\(NumberFormat.shortest(low)):\(NumberFormat.shortest(high))" + (logarithmic ? ":log" : "")
        }
    }
}

/// A search ready to run: ``Repository/prepareSearch(_:workingDirectory:)``.
struct PreparedSearch {
    var training: TrainOptions
    /// The absolute paths of the data and of the schema it was checked against, if any.
    var dataPath: String
    var schemaPath: String?
    var validationPath: String?
    /// The training rows (which the folds split) and the held-out rows.
    var trainTable: Table
    var holdout: Table
    var folds: [(train: [Int], test: [Int])]
    var configurations: [[String: String]]
    /// The metric that ranks configurations.
    var metric: String

    /// Scores every configuration by cross-validation on all cores and returns them best first. `starting` gives
    /// each trial its run id before its folds train (by default "": not recorded); `finishing` records what it measured.
    func rank(
        progress: ProgressHandler?, starting: @Sendable (Int) throws -> String = { _ in "" },
        finishing: @Sendable (String, [String: String], [String: Double]) throws -> Void = { _, _, _ in }
    ) throws -> [TuneOutcome.Trial] {
        let finishedTrials = Mutex(0)
        let total = Int64(configurations.count)
        progress?(ProgressUpdate(phase: "tuning", completed: 0, total: total, unit: .trials))
        let trials = try ParallelWork.map(configurations.count) { index -> TuneOutcome.Trial in
            let configuration = configurations[index]
            let trialId = try starting(index)
            var sums: [String: Double] = [:]
            for fold in folds {
                let model = try Training.train(
                    training.request(
                        trainTable.rows(fold.train), features: training.features, overriding: configuration, threads: 1)
                )
                let metrics = try Evaluation.metrics(of: try CompiledModel(model), on: trainTable.rows(fold.test))
                for (name, value) in metrics { sums[name, default: 0] += value }
            }
            let means = sums.mapValues { $0 / Double(folds.count) }
            guard let score = means[metric] else {
                throw MLOpsError(
                    .usage, "no metric '\(metric)' for this task",
                    hint: "choose one of: \(means.keys.sorted().joined(separator: ", "))")
            }
            try finishing(trialId, configuration, means)
            let finished = finishedTrials.withLock { count in
                count += 1
                return count
            }
            progress?(ProgressUpdate(phase: "tuning", completed: Int64(finished), total: total, unit: .trials))
            return TuneOutcome.Trial(runId: trialId, params: configuration, score: score)
        }
        let lowerIsBetter = Evaluation.lowerIsBetter(metric)
        return trials.sorted { lowerIsBetter ? $0.score < $1.score : $0.score > $1.score }
    }

    /// The model of configuration `best`, trained on all training rows.
    func trainBest(_ best: [String: String]) throws -> Model {
        try Training.train(training.request(trainTable, features: training.features, overriding: best))
    }
}

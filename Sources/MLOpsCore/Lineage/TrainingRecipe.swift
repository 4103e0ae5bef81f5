import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsStore

/// Everything that determines the model a built-in `train` (or `tune`) run made, besides the learner's code:
/// the request as given and the objects it read. Stored as the run's `recipe` artifact (docs/formats.md,
/// "Training recipes") and carried by bundles, so `mlops reproduce` can train the same model again.
///
/// Invariant: training `data` (the bytes of `dataOid`) with these fields and the schema `schemaOid` gives the
/// same model bytes on any machine and any number of cores.
public struct TrainingRecipe: Codable, Sendable, Equatable {
    /// The data file, relative to the repository root.
    public var data: String
    public var dataOid: String
    public var target: String
    /// The feature columns in order; nil for every column but the target.
    public var features: [String]?
    /// Columns read as categories though they hold numbers.
    public var categorical: [String]
    /// Columns read as dates and times in `datetimeFormat`, and the calendar features datetime columns became
    /// (nil: none named, ISO 8601, the default parts).
    public var datetime: [String]?
    public var datetimeFormat: String?
    public var calendar: [CalendarPart]?
    public var learner: Learner
    /// The hyperparameters as given (a tuning run's fixed ones merged with its best configuration's).
    public var params: [String: String]
    public var testFraction: Double
    /// How the held-out rows were chosen; nil (recipes before time splits) is random.
    public var split: SplitMethod?
    /// The data file held out whole instead, relative to the repository root, and its object id.
    public var validation: String?
    public var validationOid: String?
    /// The data schema the rows were checked and read with, relative to the repository root, and its object id.
    public var schema: String?
    public var schemaOid: String?
    /// For a tuning run: the best configuration its search chose, which `params` includes. A reproduction
    /// retrains that configuration, and with `--search` repeats the search first.
    public var searchedParams: [String: String]?
    /// For a tuning run: what it searched.
    public var search: Search?
    /// For a tuning run that searched `seed`: the seed its hold-out split and folds used (its fixed `seed`, or
    /// 0), which is not the seed in `params` that the model trained with.
    public var holdoutSeed: String?

    /// What a tuning run searched, enough to search again.
    public struct Search: Codable, Sendable, Equatable {
        /// One dimension: a list of values, or a range.
        public struct Dimension: Codable, Sendable, Equatable {
            public var name: String
            public var values: [String]?
            public var low: Double?
            public var high: Double?
            public var log: Bool?
            public var integer: Bool?
        }

        /// The dimensions in the order searched (the order decides the grid's and the random draws' order).
        public var space: [Dimension]
        public var folds: Int
        /// Time-series folds by this column (`time:COLUMN`); nil for seeded k-fold.
        public var crossValidation: SplitMethod?
        /// Rows left out between a time-series fold's training and validation rows.
        public var gap: Int?
        /// Random search's number of draws; nil for the full grid.
        public var randomTrials: Int?
        /// The metric that ranked configurations.
        public var metric: String

        init(_ options: TuneOptions, metric: String) {
            space = options.space.map { name, dimension in
                switch dimension {
                case .values(let values):
                    return Dimension(name: name, values: values)
                case .range(let low, let high, let log, let integer):
                    return Dimension(name: name, low: low, high: high, log: log, integer: integer)
                }
            }
            folds = options.folds
            crossValidation = options.crossValidation == .random ? nil : options.crossValidation
            gap = options.crossValidation == .random ? nil : options.gap
            randomTrials = options.randomTrials
            self.metric = metric
        }

        /// The tuning options that search this space again around `training` (its fixed parameters).
        func options(training: TrainOptions) throws -> TuneOptions {
            let dimensions = try space.map { dimension -> (name: String, dimension: SearchDimension) in
                if let values = dimension.values, !values.isEmpty { return (dimension.name, .values(values)) }
                guard let low = dimension.low, let high = dimension.high, low < high else {
                    throw MLOpsError(
                        .invalidInput,
                        "the recipe's search dimension '\(dimension.name)' has neither values nor a range low < high")
                }
                return (
                    dimension.name,
                    .range(
                        low: low, high: high, logarithmic: dimension.log ?? false, integer: dimension.integer ?? false)
                )
            }
            var options = TuneOptions(training: training, space: dimensions, randomTrials: randomTrials)
            options.folds = folds
            options.crossValidation = crossValidation ?? .random
            options.gap = gap ?? 0
            options.metric = metric
            return options
        }
    }

    /// Every text the recipe holds, for checks of what a bundle carries.
    var texts: [String] {
        [data, dataOid, target] + (features ?? [])
            + [split?.description, validation, validationOid, datetimeFormat].compactMap { $0 } + (datetime ?? [])
            + categorical + params.flatMap { [$0.key, $0.value] }
            + [schema, schemaOid, holdoutSeed].compactMap { $0 }
            + (searchedParams ?? [:]).flatMap { [$0.key, $0.value] }
            + (search.map { [$0.metric] + $0.space.flatMap { [$0.name] + ($0.values ?? []) } } ?? [])
    }

    /// The artifact name a run stores its recipe under.
    static let artifactName = "recipe"

    /// The training options that follow this recipe, with paths relative to the repository root.
    var options: TrainOptions {
        var options = TrainOptions(
            data: data, target: target, features: features, categorical: categorical, model: learner, params: params,
            testFraction: testFraction, split: split ?? .random, validation: validation, schema: schema)
        options.datetime = datetime
        options.datetimeFormat = datetimeFormat
        options.calendar = calendar
        return options
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return Array(try encoder.encode(self))
    }

    static func decode(_ bytes: [UInt8], source: String) throws -> TrainingRecipe {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(TrainingRecipe.self, from: Data(bytes))
        } catch {
            throw MLOpsError(
                .integrity, "\(source) is not a training recipe", hint: "run `mlops fsck` to check the store",
                cause: error)
        }
    }
}

extension Repository {
    /// The recipe of a `train` or `tune` run: its `recipe` artifact, or nil for other runs and for runs
    /// recorded before recipes were (their request is incomplete: the schema they read is unknown).
    public func recipe(of run: Run) throws -> TrainingRecipe? {
        guard run.kind == .train || run.kind == .tune, let text = run.artifact(named: TrainingRecipe.artifactName)
        else { return nil }
        let bytes = try store.read(try ObjectID(parsing: text))
        return try TrainingRecipe.decode(bytes, source: "the recipe of run \(run.id.prefix(RunID.displayLength))")
    }

    /// Records `options` (read from `dataPath`, with the schema `schemaPath` when one was read, which is stored
    /// as the run's `schema` artifact) as run `id`'s recipe. Data outside the repository keeps its absolute
    /// path: such a run cannot be reproduced, and says so.
    func logRecipe(
        _ options: TrainOptions, data input: Run.Input, validation: Run.Input?, schemaPath: String?,
        searched: [String: String]? = nil,
        search: TrainingRecipe.Search? = nil, holdoutSeed: String? = nil, run id: String
    ) throws {
        // The schema is kept as the run's artifact too: a reproduction needs its bytes even if it was never
        // committed.
        let schema = try schemaPath.map { try lineage(of: $0) }
        if let schemaPath { try logArtifact("schema", file: schemaPath, run: id) }
        let recipe = TrainingRecipe(
            data: input.path, dataOid: input.oid, target: options.target, features: options.features,
            categorical: (options.categorical ?? []).sorted(), datetime: options.datetime,
            datetimeFormat: options.datetimeFormat, calendar: options.calendar, learner: options.model,
            params: options.params,
            testFraction: options.testFraction, split: options.split == .random ? nil : options.split,
            validation: validation?.path, validationOid: validation?.oid, schema: schema?.path, schemaOid: schema?.oid,
            searchedParams: searched,
            search: search, holdoutSeed: holdoutSeed)
        try logArtifact(TrainingRecipe.artifactName, bytes: try recipe.encoded(), run: id)
    }
}

import Foundation
import MLOpsErrors
import MLOpsLearn
import MLOpsParallel
import MLOpsStore
import Yams

/// What `mlops train` trains: data, target, learner and parameters, from the command line and/or a YAML file.
public struct TrainOptions: Sendable, Codable {
    /// The data file (CSV or JSON Lines), absolute or relative to the repository root.
    public var data: String
    public var target: String
    /// Feature columns; nil for every column but the target.
    public var features: [String]?
    /// Columns to read as categories even though they hold numbers.
    public var categorical: [String]?
    /// Columns to read as dates and times in `datetimeFormat` (text columns of ISO 8601 values are read so
    /// without being named), each expanded into the `calendar` features.
    public var datetime: [String]?
    /// The strptime-style pattern of the `datetime` columns (``DatetimeFormat``); nil for ISO 8601.
    public var datetimeFormat: String?
    /// The calendar features a datetime column becomes; nil for ``CalendarPart/defaults``.
    public var calendar: [CalendarPart]?
    public var model: Learner
    /// Hyperparameters as text, by name.
    public var params: [String: String]
    /// The fraction of rows held out to evaluate the model (seeded by the `seed` parameter).
    public var testFraction: Double
    /// Which rows are held out: a seeded random `testFraction`, or the latest `testFraction` by a time column.
    public var split: SplitMethod = .random
    /// A data file held out whole instead (absolute or relative like `data`): the model trains on every row of
    /// `data` and is evaluated on this file's rows; `testFraction` and `split` are not used.
    public var validation: String?
    /// The run's name; a default is made from the learner and the run id.
    public var name: String?
    /// The schema the data must keep (absolute or relative like `data`); by default `<data>.schema.yaml` beside
    /// the data when it exists.
    public var schema: String?

    public init(
        data: String, target: String, features: [String]? = nil, categorical: [String]? = nil, model: Learner = .gbdt,
        params: [String: String] = [:], testFraction: Double = 0.2, split: SplitMethod = .random,
        validation: String? = nil, name: String? = nil, schema: String? = nil
    ) {
        self.data = data
        self.target = target
        self.features = features
        self.categorical = categorical
        self.model = model
        self.params = params
        self.testFraction = testFraction
        self.split = split
        self.validation = validation
        self.name = name
        self.schema = schema
    }

    /// The keys a training configuration may have.
    static let configurationKeys = [
        "data", "target", "features", "categorical", "datetime", "datetime_format", "calendar", "model", "params",
        "test_fraction", "split", "validation", "name", "schema",
    ]

    /// Reads options from a YAML file with the keys `data`, `target`, `features`, `categorical`, `datetime`,
    /// `datetime_format`, `calendar` (lists), `model`, `params` (a map), `test_fraction`, `split`, `validation`,
    /// `name` and `schema`. Any other key is refused: a misspelt one
    /// (`test_fration`) would otherwise be ignored and the run trained with the default.
    public static func load(yaml path: String) throws -> TrainOptions {
        let text = try TextFile.read(path, name: path)
        struct File: Decodable {
            var data: String?
            var target: String?
            var features: [String]?
            var categorical: [String]?
            var datetime: [String]?
            var datetimeFormat: String?
            var calendar: [CalendarPart]?
            var model: Learner?
            var params: [String: Scalar]?
            var testFraction: Double?
            var split: SplitMethod?
            var validation: String?
            var name: String?
            var schema: String?
            enum CodingKeys: String, CodingKey {
                case data, target, features, categorical, datetime, calendar, model, params, split, validation, name
                case schema
                case testFraction = "test_fraction"
                case datetimeFormat = "datetime_format"
            }
        }
        /// A YAML scalar kept as its text (`0.1`, `31`, `gbdt`).
        struct Scalar: Decodable {
            var text: String
            init(from decoder: any Decoder) throws { text = try decoder.singleValueContainer().decode(String.self) }
        }
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: text)
        } catch {
            throw MLOpsError(
                .invalidInput, "'\(path)' is not a valid training configuration",
                hint: "expected keys: " + configurationKeys.joined(separator: ", "), cause: error)
        }
        let keys = (try? Yams.compose(yaml: text))?.mapping?.keys.compactMap(\.string) ?? []
        if let unknown = keys.first(where: { !configurationKeys.contains($0) }) {
            throw MLOpsError(
                .invalidInput, "'\(path)' has an unknown key '\(unknown)'",
                hint: "expected keys: " + configurationKeys.joined(separator: ", "))
        }
        guard let data = file.data, let target = file.target else {
            throw MLOpsError(.invalidInput, "'\(path)' must name the `data` file and the `target` column")
        }
        var options = TrainOptions(
            data: data, target: target, features: file.features, categorical: file.categorical,
            model: file.model ?? .gbdt, params: (file.params ?? [:]).mapValues(\.text),
            testFraction: file.testFraction ?? 0.2, split: file.split ?? .random, validation: file.validation,
            name: file.name, schema: file.schema)
        options.datetime = file.datetime
        options.datetimeFormat = file.datetimeFormat
        options.calendar = file.calendar
        return options
    }
}

/// What a training run recorded, for people and for CI scripts.
public struct TrainingOutcome: Codable, Sendable {
    public var runId: String
    /// The object id of the stored `model.json`.
    public var modelOid: String
    public var learner: Learner
    public var task: Task
    /// Metrics on the held-out rows (none with a test fraction of 0).
    public var metrics: [String: Double]
    /// What the data holds that deserves a word, such as a feature with a label per row (``TrainingWarnings``).
    public var warnings: [String] = []
    public var trainRows: Int
    public var testRows: Int
    public var durationSeconds: Double
}

extension Repository {
    /// Trains a model as a tracked run: reads the data, holds out `testFraction` of the rows, trains, evaluates
    /// on the held-out rows, stores the model in the object store, and records the run with its parameters,
    /// metrics (with the learning curve as steps for boosting), input lineage and git state.
    ///
    /// Every check of the input happens before the run is recorded; a failure during training marks the run
    /// `failed`.
    public func train(
        _ options: TrainOptions, workingDirectory: String, threads: Int? = nil, progress: ProgressHandler? = nil
    ) throws -> TrainingOutcome {
        let started = Date()
        let fitted = try fit(options, workingDirectory: workingDirectory, threads: threads, progress: progress)
        let input = try lineage(of: fitted.data.dataPath)
        let validation = try fitted.data.validationPath.map { try lineage(of: $0) }

        let id = try runs.start(
            name: options.name ?? "\(options.model.rawValue)-\(options.target)", kind: .train, at: started)
        do {
            // The training rows' profile needs no model: it is computed on a thread of its own while the model
            // trains (boosting leaves most of the second core idle).
            let profile = ResultSlots<DataProfile>(count: 1)
            let (rows, signature) = (fitted.request.table, fitted.signature)
            let model = try ParallelWork.overlapping(
                { profile.store(DataProfile.training(rows: rows, signature: signature), at: 0) },
                with: { try fitted.train() })
            // Checked as any loaded model is before it is stored: a run never records a model nothing can load.
            let compiled = try CompiledModel(model)
            let modelOid = try logArtifact("model", bytes: Array(model.encoded()), run: id).oid
            let evaluation = try fitted.evaluate(compiled)
            let trainingProfile = profile.collect().first ?? DataProfile.training(rows: rows, signature: signature)
            try logReferenceProfile(trainingProfile.adding(holdoutPredictions: evaluation?.predictions), run: id)
            try logRecipe(options, data: input, validation: validation, schemaPath: fitted.data.schemaPath, run: id)
            var params = model.parameters.values.mapValues(\.description)
            params["learner"] = options.model.rawValue
            params["target"] = options.target
            params.merge(options.holdoutParams(validation: validation)) { $1 }
            params.merge(model.signature.datetimeParams) { $1 }
            try runs.logParams(params, run: id)
            try runs.logInputs([input] + (validation.map { [$0] } ?? []), run: id)
            let metricName = Evaluation.curveMetric(for: model.signature.task)
            let curve = evaluation?.curve ?? []
            try runs.logMetricSeries(
                metricName, values: curve.enumerated().map { ($0.offset + 1, $0.element) }, run: id)
            try runs.logMetrics(evaluation?.metrics ?? [:], step: curve.count, run: id)
            let ended = Date()
            try runs.finish(id, status: .finished, at: ended)
            return TrainingOutcome(
                runId: id, modelOid: modelOid.description, learner: options.model, task: model.signature.task,
                metrics: evaluation?.metrics ?? [:],
                warnings: TrainingWarnings.check(fitted.request.table, signature: model.signature),
                trainRows: fitted.request.table.rowCount, testRows: fitted.data.test.rowCount,
                durationSeconds: ended.timeIntervalSince(started))
        } catch {
            try? runs.finish(id, status: .failed)
            throw error
        }
    }

    /// Reads and splits the data of `options` and validates the request (parameters, columns, target), recording
    /// nothing: what `train` does before its run starts, and all `reproduce` needs to train the same model.
    func fit(
        _ options: TrainOptions, workingDirectory: String, threads: Int? = nil, splitSeed: String? = nil,
        progress: ProgressHandler? = nil
    ) throws -> PreparedTraining {
        let data = try readSplit(options, workingDirectory: workingDirectory, splitSeed: splitSeed)
        var request = options.request(data.train, features: options.features, threads: threads)
        if let progress {
            request.progress = { completed, total in
                progress(
                    ProgressUpdate(phase: "training", completed: Int64(completed), total: Int64(total), unit: .rounds))
            }
        }
        // Validate everything (parameters, columns, target, a validation file's rows) before a run is recorded.
        let signature = try Training.validate(request)
        if options.validation != nil { try Evaluation.validate(data.test, for: signature) }
        return PreparedTraining(data: data, request: request, signature: signature)
    }

    /// The data of `options` read (checked against its schema, if any) and split into training and held-out
    /// rows: by `seed` (`splitSeed`, by default the `seed` parameter), by time, or the validation file's rows.
    func readSplit(_ options: TrainOptions, workingDirectory: String, splitSeed: String? = nil) throws
        -> SplitData
    {
        let dataPath = WorkspacePath.absolute(options.data, relativeTo: workingDirectory)
        let givenSchema = options.schema.map { WorkspacePath.absolute($0, relativeTo: workingDirectory) }
        let schemaPath = trainingSchema(of: dataPath, given: givenSchema)
        // Datetime columns are read as text, so a format such as %d%m%Y sees the leading zero of 01012014.
        let categorical = Set(options.categorical ?? []).union(options.datetime ?? [])
        let table = try readTrainingData(dataPath, categorical: categorical, schema: schemaPath)
        let seed = UInt64(truncatingIfNeeded: (splitSeed ?? options.params["seed"]).flatMap { Int($0) } ?? 0)
        let times = try options.split.timeColumn.map { try options.times(of: table, column: $0) }
        if let validation = options.validation {
            let validationPath = WorkspacePath.absolute(validation, relativeTo: workingDirectory)
            let test = try readTrainingData(
                validationPath, categorical: categorical, schema: givenSchema ?? schemaPath)
            guard test.rowCount > 0 else {
                throw MLOpsError(.invalidInput, "the validation file '\(validation)' has no rows")
            }
            return SplitData(
                dataPath: dataPath, schemaPath: schemaPath, validationPath: validationPath, train: table, test: test,
                seed: seed)
        }
        let split =
            try times.map { try DataSplit.chronological(times: $0, testFraction: options.testFraction) }
            ?? DataSplit.split(rowCount: table.rowCount, testFraction: options.testFraction, seed: seed)
        // A test fraction of 0 asks for no hold-out: the model trains on every row and has no held-out metrics.
        guard !split.test.isEmpty || options.testFraction == 0, !split.train.isEmpty else {
            throw MLOpsError(
                .invalidInput, "'\(options.data)' has too few rows (\(table.rowCount)) to hold out a test set",
                hint: times == nil ? "use more data or a larger test fraction" : "too many rows share the latest time")
        }
        return SplitData(
            dataPath: dataPath, schemaPath: schemaPath, validationPath: nil, train: table.rows(split.train),
            test: table.rows(split.test), seed: seed)
    }

    /// Stores the reference profile monitoring compares served data with (docs/formats.md, "Reference
    /// profiles") as the run's `profile` artifact: the training rows' features and target, and the model's
    /// predictions on the hold-out rows (``DataProfile/reference(trainingRows:signature:holdoutPredictions:)``).
    func logReferenceProfile(_ profile: DataProfile, run: String) throws {
        try logArtifact("profile", bytes: Array(try profile.encoded()), run: run)
    }

    /// The path (repository-relative when inside it), object id and tracking pointer of a data file a run reads.
    /// Inside the repository the id comes through the stat cache, so tracked data is not read again.
    public func lineage(of path: String) throws -> Run.Input {
        guard let relative = try? repositoryPath(of: path, relativeTo: root) else {
            return Run.Input(path: path, oid: try store.hashFile(at: path).id.description, pointer: nil)
        }
        // Files the workspace scan refuses (a symlink to elsewhere, say) are still hashed as the run read them.
        let oid = try (try? contentID(of: relative)).flatMap { $0 } ?? store.hashFile(at: path).id
        let pointer = try trackedTargets().first { relative == $0.path || relative.hasPrefix($0.path + "/") }
        return Run.Input(path: relative, oid: oid.description, pointer: pointer?.pointerPath)
    }

    /// The model a run produced (its `model` artifact), decoded and validated.
    public func model(ofRun reference: String) throws -> Model {
        try model(of: try runs.run(reference)).model
    }

    /// The model of a loaded run and the object id it is stored under: its artifact `artifact`, else its
    /// `model` artifact, else its one artifact whose name ends in `.onnx` (what `mlops run --output model.onnx`
    /// records).
    func model(of run: Run, artifact: String? = nil) throws -> (model: Model, oid: String) {
        let (name, oid) = try modelArtifact(of: run, artifact: artifact)
        let bytes = try store.read(try ObjectID(parsing: oid))
        return (try Model.decode(Data(bytes), source: "run \(run.id.prefix(RunID.displayLength)) \(name)"), oid)
    }

    /// The name and object id of the artifact ``model(of:artifact:)`` reads, not yet decoded.
    func modelArtifact(of run: Run, artifact: String? = nil) throws -> (name: String, oid: String) {
        let shortID = run.id.prefix(RunID.displayLength)
        let onnxArtifacts = run.artifacts.filter { $0.name.hasSuffix(".onnx") }
        let name =
            artifact
            ?? (run.artifact(named: "model") == nil && onnxArtifacts.count == 1 ? onnxArtifacts[0].name : "model")
        guard let text = run.artifact(named: name) else {
            if let artifact {
                throw MLOpsError(
                    .notFound, "run \(shortID) has no artifact '\(artifact)'",
                    hint: "its artifacts: \(run.artifacts.map(\.name).joined(separator: ", "))")
            }
            throw MLOpsError(
                .notFound, "run \(shortID) has no model",
                hint:
                    "`mlops train` runs store one; for your own training, record the file (mlops run --output model.onnx) and name it with --artifact"
            )
        }
        return (name, text)
    }
}

/// The data of a training request, read and split: ``Repository/readSplit(_:workingDirectory:splitSeed:)``.
struct SplitData {
    /// The absolute paths of the data, of the schema it was checked against and of the validation file, if any.
    var dataPath: String
    var schemaPath: String?
    var validationPath: String?
    var train: Table
    var test: Table
    /// The seed of a random split (and of `tune`'s random folds).
    var seed: UInt64
}

/// Training data read, split and validated: ``Repository/fit(_:workingDirectory:threads:splitSeed:progress:)``.
struct PreparedTraining {
    /// The data read and split (the held-out rows are `data.test`).
    var data: SplitData
    /// The learner's request, on the training rows.
    var request: TrainingRequest
    /// The signature the model will have.
    var signature: Signature

    func train() throws -> Model { try Training.train(request) }

    /// The model's metrics, predictions and learning curve on the held-out rows; nil without held-out rows.
    func evaluate(_ model: CompiledModel) throws -> Evaluation.Holdout? {
        guard data.test.rowCount > 0 else { return nil }
        return try Evaluation.holdout(of: model, on: data.test)
    }
}

extension TrainOptions {
    /// The learner's request for `table` with these options' columns, datetimes and parameters (`overrides`
    /// winning), training `features` (by default these options').
    func request(
        _ table: Table, features: [String]?, overriding overrides: [String: String] = [:], threads: Int? = nil
    ) -> TrainingRequest {
        var request = TrainingRequest(
            table: table, target: target, features: features, learner: model,
            parameters: params.merging(overrides) { $1 }, threads: threads)
        request.datetimeColumns = datetime ?? []
        request.categoricalColumns = Set(categorical ?? [])
        request.datetimeFormat = datetimeFormat
        request.calendar = calendar ?? CalendarPart.defaults
        return request
    }

    /// The times of `table`'s rows by `column`, for a time split or time-series folds: read in the
    /// `datetimeFormat` when `datetime` names the column.
    func times(of table: Table, column: String) throws -> [Double] {
        let format = datetime?.contains(column) == true ? datetimeFormat : nil
        return try DataSplit.timeKeys(of: try table.column(named: column), format: format)
    }

    /// The parameters a run records for how its held-out rows were chosen: `validation` (the file's path as
    /// recorded), or `test_fraction` and, for a time split, `split`.
    func holdoutParams(validation: Run.Input?) -> [String: String] {
        if let validation { return ["validation": validation.path] }
        var params = ["test_fraction": NumberFormat.shortest(testFraction)]
        if split != .random { params["split"] = split.description }
        return params
    }
}

extension Signature {
    /// The parameters a run records for a model's datetime columns: `datetime` (their names) and `calendar`
    /// (the parts they became); none for a model that reads none.
    var datetimeParams: [String: String] {
        guard let datetimes, let first = datetimes.first else { return [:] }
        return [
            "datetime": datetimes.map(\.name).joined(separator: ","),
            "calendar": first.parts.map(\.rawValue).joined(separator: ","),
        ]
    }
}

/// Numbers written as short, exact text (`0.2`, `31`).
enum NumberFormat {
    static func shortest(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}

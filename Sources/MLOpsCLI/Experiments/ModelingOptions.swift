import ArgumentParser
import MLOpsCore
import MLOpsLearn

/// Numeric columns read as categories: `train`, `tune` and `eval` take them alike.
struct CategoricalColumns: ParsableArguments {
    @Option(name: .customLong("categorical"), help: "A numeric column to treat as categories (repeatable).")
    var columns: [String] = []

    /// The columns, or nil when none were given (the library's default).
    var given: [String]? { columns.isEmpty ? nil : columns }
}

/// The columns a model reads, for `train` and `tune`.
struct ModelColumns: ParsableArguments {
    @Option(name: .customLong("feature"), help: "A feature column to use (repeatable; default: all but the target).")
    var features: [String] = []

    @OptionGroup var categorical: CategoricalColumns

    @Option(
        name: .customLong("datetime"),
        help: """
            A column of dates and times that are not ISO 8601, read in --datetime-format (repeatable); text \
            columns of ISO 8601 dates and timestamps are recognized without it.
            """)
    var datetimes: [String] = []

    @Option(
        help: ArgumentHelp(
            "The strptime-style format of the --datetime columns: %Y %y %m %b %d %H %M %S %f %z.",
            valueName: "format"))
    var datetimeFormat: String?

    @Option(
        help: ArgumentHelp(
            """
            The calendar features a datetime column becomes, comma-separated from year, quarter, month, day, \
            day_of_week, day_of_year, hour, minute, minute_of_day, weekend (default: all but quarter and minute).
            """, valueName: "parts"))
    var calendar: String?

    /// The features, or nil for every column but the target.
    var givenFeatures: [String]? { features.isEmpty ? nil : features }

    func validate() throws {
        if datetimeFormat != nil, datetimes.isEmpty {
            throw ValidationError("--datetime-format reads the --datetime columns: name them")
        }
    }

    /// `options` with the columns given on the command line.
    func apply(to options: inout TrainOptions) throws {
        if let features = givenFeatures { options.features = features }
        if let columns = categorical.given { options.categorical = columns }
        if !datetimes.isEmpty { options.datetime = datetimes }
        if let datetimeFormat { options.datetimeFormat = datetimeFormat }
        if let calendar { options.calendar = try CalendarPart.parse(list: calendar) }
    }
}

/// Hyperparameters and the held-out share of rows, for `train` and `tune`.
struct TrainingSettings: ParsableArguments {
    @Option(
        name: .customLong("param"),
        help: ArgumentHelp("A hyperparameter, as name=value (repeatable).", valueName: "name=value"))
    var params: [String] = []

    @Option(
        help: """
            The fraction of rows held out to evaluate the model (default: 0.2); 0 trains on every row and records \
            no held-out metrics.
            """)
    var testFraction: Double?

    @Option(
        help: ArgumentHelp(
            """
            How rows are held out: random (seeded; the default), or time:COLUMN, the latest --test-fraction of \
            rows by that column (numbers or ISO 8601 dates and timestamps).
            """, valueName: "random|time:column"))
    var split: String?

    @Option(
        help: "A data file to hold out whole: train on every row of --data and evaluate on this file's rows.",
        completion: .file())
    var validation: String?

    @Option(
        help: "A schema the data must keep (default: <data>.schema.yaml beside the data, when there is one).",
        completion: .file(extensions: ["yaml", "yml"]))
    var schema: String?

    /// The parameters by name; a later value of the same name wins.
    func parsedParams() throws -> [String: String] { try Assignments.parse(params, option: "--param") }

    /// The split given with --split, or nil.
    func parsedSplit() throws -> SplitMethod? { try split.map { try SplitMethod(parsing: $0) } }

    func validate() throws {
        if validation != nil, testFraction != nil || split != nil {
            throw ValidationError("--validation holds out a whole file: give it without --test-fraction and --split")
        }
    }

    /// `options` with the hold-out given on the command line.
    func apply(to options: inout TrainOptions) throws {
        if let testFraction { options.testFraction = testFraction }
        if let split = try parsedSplit() { options.split = split }
        if let validation { options.validation = validation }
        if let schema { options.schema = schema }
        options.params.merge(try parsedParams()) { $1 }
    }
}

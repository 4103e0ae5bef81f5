import ArgumentParser
import MLOpsCore

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

    /// The features, or nil for every column but the target.
    var givenFeatures: [String]? { features.isEmpty ? nil : features }
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
        help: "A schema the data must keep (default: <data>.schema.yaml beside the data, when there is one).",
        completion: .file(extensions: ["yaml", "yml"]))
    var schema: String?

    /// The parameters by name; a later value of the same name wins.
    func parsedParams() throws -> [String: String] { try Assignments.parse(params, option: "--param") }
}

import Foundation
import MLOpsErrors
import MLOpsLearn

/// A data contract with the name reports give it.
public struct DataContract: Sendable {
    public var schema: DataSchema
    /// The schema file, or `mpg@3 (signature and profile)`.
    public var name: String

    public init(schema: DataSchema, name: String) {
        self.schema = schema
        self.name = name
    }

    /// The default widening of a model's reference ranges and missing shares (`--tolerance`): 10% of the range on
    /// each side, 10 points of missing share.
    public static let defaultTolerance = 0.1

    /// The contract in the schema file at `path`.
    public static func file(_ path: String, displayName: String? = nil) throws -> DataContract {
        DataContract(schema: try SchemaFile.load(path), name: displayName ?? path)
    }

    /// Reads the data at `path` (CSV or JSON Lines; category columns of the schema read as labels) and checks it;
    /// `displayName` names the data in the report.
    public func validate(dataAt path: String, displayName: String? = nil) throws -> ValidationReport {
        let (table, lines) = try read(path, categorical: [])
        return report(table, lines: lines, source: displayName ?? path)
    }

    /// Reads the data at `path` to be checked: `categorical` and the schema's category columns as text, and again
    /// with unique columns as text when their numbers are too large for doubles to tell apart.
    func read(_ path: String, categorical: Set<String>) throws -> (table: Table, lines: RecordLines) {
        let text = categorical.union(schema.textColumns)
        let read = try TableFile.readLocated(path: path, categorical: text)
        // JSON Lines keep numbers as numbers whatever is asked, so only a CSV file is worth reading again.
        let imprecise = TableFile.isJSONLines(path) ? [] : schema.impreciseUniqueColumns(in: read.table)
        return imprecise.isEmpty ? read : try TableFile.readLocated(path: path, categorical: text.union(imprecise))
    }

    /// Checks a table already read.
    public func report(_ table: Table, lines: RecordLines, source: String) -> ValidationReport {
        ValidationReport(
            source: source, contract: name, rows: table.rowCount, columns: schema.columns.count,
            violations: schema.violations(in: table, lines: lines))
    }
}

extension ValidationReport {
    /// The violations as an error for commands that refuse invalid data (`train`, a pipeline stage), listing each.
    public func refusal(_ doing: String) -> MLOpsError {
        let listed = violations.prefix(20).map { violation in
            let lines = violation.examples.prefix(3).map { "line \($0.line)" }.joined(separator: ", ")
            return "  \(violation.column.map { "\($0): " } ?? "")\(violation.message)"
                + (lines.isEmpty ? "" : " (\(lines))")
        }
        let more = violations.count > 20 ? "\n  … and \(violations.count - 20) more" : ""
        return MLOpsError(
            .invalidInput,
            "\(doing): '\(source)' breaks its contract \(contract) (\(violations.count) "
                + "\(violations.count == 1 ? "violation" : "violations")):\n" + listed.joined(separator: "\n") + more,
            hint: "fix the data, or the schema if the data is right (`mlops validate \(source) --schema …` shows "
                + "every violation)")
    }
}

extension Repository {
    /// The contract `reference`'s model implies: its signature, and its reference profile's ranges, missing
    /// shares and categories widened by `tolerance` (``DataSchema/expected(by:profile:tolerance:)``). A version
    /// without a profile (trained before profiles, or imported without one) is checked by its signature alone.
    public func contract(ofModel reference: String, tolerance: Double = DataContract.defaultTolerance) throws
        -> DataContract
    {
        guard tolerance.isFinite, tolerance >= 0, tolerance <= 1000 else {
            throw MLOpsError(.usage, "the tolerance must be a number from 0 to 1000 (0.1 widens ranges by 10%)")
        }
        let resolved = try resolveModel(reference)
        let profile = try referenceProfile(of: resolved)
        let schema = DataSchema.expected(by: resolved.model.signature, profile: profile?.profile, tolerance: tolerance)
        let basis = profile == nil ? "signature" : "signature and profile"
        return DataContract(schema: schema, name: "\(resolved.resolved) (\(basis))")
    }

    /// Reads the data `train` or `tune` learns from (absolute `path`): when `schema` (an absolute path) is given,
    /// or a schema lies beside the data (``SchemaFile/sibling(of:)``), the data must keep it, else nothing is
    /// trained.
    func readTrainingData(_ path: String, categorical: Set<String>, schema: String?) throws -> Table {
        guard let schemaPath = trainingSchema(of: path, given: schema) else {
            return try TableFile.read(path: path, categorical: categorical)
        }
        let contract = try DataContract.file(schemaPath, displayName: relativePath(schemaPath))
        // Checked as `validate` reads it (the schema's text columns as written), then trained as `train` reads it.
        var (table, lines) = try contract.read(path, categorical: categorical)
        let report = contract.report(table, lines: lines, source: relativePath(path))
        guard report.valid else { throw report.refusal("nothing was trained") }
        for name in table.columnNames where !categorical.contains(name) {
            if let column = try? table.column(named: name), let numbers = Self.numbers(column) {
                try table.setColumn(Column(name: name, numeric: numbers))
            }
        }
        return table
    }

    /// The schema training data at `path` is checked against: `given`, else `<data>.schema.yaml` beside it when
    /// anything is there (a dangling link too: a schema that cannot be read is an error, never a reason to train
    /// unchecked), else nil.
    func trainingSchema(of path: String, given: String?) -> String? {
        if let given { return given }
        let sibling = SchemaFile.sibling(of: path)
        return FileSnapshot.take(sibling) != nil ? sibling : nil
    }

    /// A column read as text, as numbers — what the CSV reader gives when every present value is one — or nil.
    private static func numbers(_ column: Column) -> [Double]? {
        guard case .categorical(let codes, _) = column.storage, let parsed = column.levelNumbers,
            !parsed.contains(nil)
        else { return nil }
        return codes.map { $0 < 0 ? .nan : parsed[Int($0)] ?? .nan }
    }

    /// `path` relative to the repository root when inside it, for messages.
    private func relativePath(_ path: String) -> String { WorkspacePath.relative(path, to: root) ?? path }
}

extension Repository {
    /// Checks the data at `path` against the contract of the model `reference` (``contract(ofModel:tolerance:)``).
    public func validate(dataAt path: String, displayName: String, model reference: String, tolerance: Double) throws
        -> ValidationReport
    {
        try contract(ofModel: reference, tolerance: tolerance).validate(dataAt: path, displayName: displayName)
    }
}

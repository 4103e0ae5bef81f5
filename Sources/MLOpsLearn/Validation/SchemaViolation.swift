/// One way a table breaks a ``DataSchema``, with how often and where.
public struct SchemaViolation: Codable, Sendable, Equatable {
    /// The rule broken; the raw values are the stable names `--json` reports and `/metrics` labels carry.
    public enum Check: String, Codable, Sendable, CaseIterable {
        case missingColumn = "missing_column"
        case extraColumn = "extra_column"
        /// A value of the wrong type: text in a number column, a fraction in an integer column.
        case type
        case belowMinimum = "below_min"
        case aboveMaximum = "above_max"
        case unknownCategory = "unknown_category"
        /// More rows without a value than the column allows.
        case missingValues = "missing_values"
        case duplicate
        case rowCount = "row_count"
    }

    /// A row that breaks the rule.
    public struct Example: Codable, Sendable, Equatable {
        /// 1-based data row (the header is not a row).
        public var row: Int
        /// The line of the file the row starts on.
        public var line: Int
        /// The value: as written in a column read as text (categories), in its shortest form in a numeric one
        /// (`1.50` → `1.5`); nil when the row has none.
        public var value: String?

        public init(row: Int, line: Int, value: String?) {
            self.row = row
            self.line = line
            self.value = value
        }
    }

    /// The column at fault; nil for the row count.
    public var column: String?
    public var check: Check
    /// Rows that break the rule (1 for a rule about the whole column or table).
    public var count: Int
    /// The problem and the limit, in words: `3 values above the maximum 46.6 (largest 52)`.
    public var message: String
    /// The first few rows that break it, in file order.
    public var examples: [Example]

    public init(column: String?, check: Check, count: Int, message: String, examples: [Example] = []) {
        self.column = column
        self.check = check
        self.count = count
        self.message = message
        self.examples = examples
    }

    /// How many examples a violation keeps.
    public static let exampleLimit = 5
}

/// The outcome of checking a data set against a contract.
public struct ValidationReport: Codable, Sendable, Equatable {
    /// The data checked (a path).
    public var source: String
    /// The contract: a schema file, or the model version whose signature and profile it came from.
    public var contract: String
    public var rows: Int
    /// Columns the contract describes.
    public var columns: Int
    public var violations: [SchemaViolation]

    public init(source: String, contract: String, rows: Int, columns: Int, violations: [SchemaViolation]) {
        self.source = source
        self.contract = contract
        self.rows = rows
        self.columns = columns
        self.violations = violations
    }

    /// Whether the data keeps the contract.
    public var valid: Bool { violations.isEmpty }

    enum CodingKeys: String, CodingKey {
        case source, contract, rows, columns, violations, valid
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(String.self, forKey: .source)
        contract = try container.decode(String.self, forKey: .contract)
        rows = try container.decode(Int.self, forKey: .rows)
        columns = try container.decode(Int.self, forKey: .columns)
        violations = try container.decode([SchemaViolation].self, forKey: .violations)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(contract, forKey: .contract)
        try container.encode(rows, forKey: .rows)
        try container.encode(columns, forKey: .columns)
        try container.encode(violations, forKey: .violations)
        try container.encode(valid, forKey: .valid)
    }
}

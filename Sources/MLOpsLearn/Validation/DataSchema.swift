/// A data contract: the columns a table must have and what their values may be (docs/formats.md, "Data
/// schemas"). Written by hand or by `mlops schema infer`, or derived from a model's signature and reference
/// profile (``expected(by:profile:tolerance:)``).
///
/// Invariants (checked by ``problem()``, which every reader calls): column names are unique and non-empty;
/// `minimum ≤ maximum`; `maxMissing` is in 0…1; bounds are finite; `values` only on category columns; row bounds
/// are non-negative with `minimumRows ≤ maximumRows`.
public struct DataSchema: Sendable, Equatable {
    /// What a column's values are.
    public enum ValueType: String, Sendable, CaseIterable {
        /// Decimal numbers.
        case number
        /// Whole numbers.
        case integer
        /// Labels (numbers in such a column are read as their text, so codes such as `origin: 1` are labels).
        case category
    }

    /// The rules for one column; nil means "not checked".
    public struct ColumnRule: Sendable, Equatable {
        public var name: String
        public var type: ValueType?
        /// A required column must be present; an optional one is checked only when it is.
        public var required: Bool
        public var minimum: Double?
        public var maximum: Double?
        /// The labels a category column may hold.
        public var values: [String]?
        /// The largest share (0…1) of rows that may lack a value.
        public var maxMissing: Double?
        /// Whether every present value must be distinct (an id).
        public var unique: Bool

        public init(
            name: String, type: ValueType? = nil, required: Bool = true, minimum: Double? = nil,
            maximum: Double? = nil, values: [String]? = nil, maxMissing: Double? = nil, unique: Bool = false
        ) {
            self.name = name
            self.type = type
            self.required = required
            self.minimum = minimum
            self.maximum = maximum
            self.values = values
            self.maxMissing = maxMissing
            self.unique = unique
        }
    }

    /// The columns, in the order they are reported.
    public var columns: [ColumnRule]
    public var minimumRows: Int?
    public var maximumRows: Int?
    /// Whether columns the schema does not name are allowed (the default) or a violation.
    public var allowsExtraColumns: Bool

    public init(
        columns: [ColumnRule], minimumRows: Int? = nil, maximumRows: Int? = nil, allowsExtraColumns: Bool = true
    ) {
        self.columns = columns
        self.minimumRows = minimumRows
        self.maximumRows = maximumRows
        self.allowsExtraColumns = allowsExtraColumns
    }

    /// The columns to read as text even when every value is a number: labels.
    public var textColumns: Set<String> {
        Set(columns.filter { $0.type == .category }.map(\.name))
    }

    /// Unique columns of `table` read as numbers that a double cannot tell apart (whole numbers beyond 2⁵³, such
    /// as `1234567890123456789` and `…790`): to be read again as text, so uniqueness is judged as written.
    public func impreciseUniqueColumns(in table: Table) -> Set<String> {
        var names = Set<String>()
        for rule in columns where rule.unique {
            guard let values = (try? table.column(named: rule.name))?.numericValues else { continue }
            if values.contains(where: { abs($0) >= 9_007_199_254_740_992 }) { names.insert(rule.name) }
        }
        return names
    }

    /// What breaks the invariants, in words, or nil.
    public func problem() -> String? {
        var names = Set<String>()
        for rule in columns {
            guard !rule.name.isEmpty else { return "a column has no name" }
            guard names.insert(rule.name).inserted else { return "column '\(rule.name)' is described twice" }
            for (key, bound) in [("min", rule.minimum), ("max", rule.maximum)] {
                if let bound, !bound.isFinite { return "column '\(rule.name)': `\(key)` must be a finite number" }
            }
            if let minimum = rule.minimum, let maximum = rule.maximum, minimum > maximum {
                return "column '\(rule.name)': `min` (\(NumberText.format(minimum))) is above `max` "
                    + "(\(NumberText.format(maximum)))"
            }
            if let share = rule.maxMissing, !(0...1).contains(share) {
                return "column '\(rule.name)': `missing` must be a share between 0 and 1 (or a percentage)"
            }
            if rule.values != nil, rule.type != .category {
                return "column '\(rule.name)': `values` lists labels, so the column needs `type: category`"
            }
            if rule.type == .category, rule.minimum != nil || rule.maximum != nil {
                return "column '\(rule.name)': `min` and `max` apply to numbers, not to `type: category`"
            }
        }
        if let minimum = minimumRows, minimum < 0 { return "`rows.min` must not be negative" }
        if let maximum = maximumRows, maximum < 0 { return "`rows.max` must not be negative" }
        if let minimum = minimumRows, let maximum = maximumRows, minimum > maximum {
            return "`rows.min` (\(minimum)) is above `rows.max` (\(maximum))"
        }
        return nil
    }
}

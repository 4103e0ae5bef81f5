/// Whether a column holds numbers or labels.
public enum ColumnKind: String, Codable, Sendable, Equatable {
    case numeric
    case categorical
}

/// One named column of a ``Table``: numbers in a contiguous `Float64` buffer, or labels dictionary-encoded as
/// integer codes into a list of levels, with a mask of missing entries.
///
/// Missing numeric values are stored as NaN *and* flagged in ``missing``, so numeric kernels need not consult
/// the mask; missing categorical values have code `-1`.
public struct Column: Sendable, Equatable {
    /// The storage of a column.
    public enum Storage: Sendable, Equatable {
        /// Numbers; NaN where missing.
        case numeric([Double])
        /// Codes into `levels`; `-1` where missing. Levels are in order of first appearance.
        case categorical(codes: [Int32], levels: [String])
    }

    /// The column's name, unique within its table.
    public var name: String
    /// The values.
    public private(set) var storage: Storage
    /// `missing[i]` is true when row `i` has no value.
    public private(set) var missing: [Bool]

    /// A numeric column; NaN entries are missing.
    public init(name: String, numeric values: [Double]) {
        self.name = name
        self.storage = .numeric(values)
        self.missing = values.map(\.isNaN)
    }

    /// A categorical column from codes into `levels`; negative codes are missing.
    public init(name: String, codes: [Int32], levels: [String]) {
        self.name = name
        self.storage = .categorical(codes: codes, levels: levels)
        self.missing = codes.map { $0 < 0 }
    }

    /// A categorical column from labels; `nil` entries are missing.
    public init(name: String, labels: [String?]) {
        var index: [String: Int32] = [:]
        var levels: [String] = []
        let codes = labels.map { label -> Int32 in
            guard let label else { return -1 }
            if let code = index[label] { return code }
            let code = Int32(levels.count)
            index[label] = code
            levels.append(label)
            return code
        }
        self.init(name: name, codes: codes, levels: levels)
    }

    /// Numeric or categorical.
    public var kind: ColumnKind {
        if case .numeric = storage { return .numeric }
        return .categorical
    }

    /// The number of rows.
    public var count: Int { missing.count }

    /// The number of missing entries.
    public var missingCount: Int { missing.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// The numeric values, or `nil` for a categorical column.
    public var numericValues: [Double]? {
        if case .numeric(let values) = storage { return values }
        return nil
    }

    /// The category levels, or `nil` for a numeric column.
    public var levels: [String]? {
        if case .categorical(_, let levels) = storage { return levels }
        return nil
    }

    /// Each level read as a decimal number (nil for a level that is not one), or nil for a numeric column: what a
    /// column read as text would have held as numbers.
    public var levelNumbers: [Double?]? {
        levels?.map { level in Array(level.utf8).withUnsafeBufferPointer { NumberText.parse($0) } }
    }

    /// The value of row `row` as text (`nil` when missing), as it would be written back to CSV.
    public func text(at row: Int) -> String? {
        switch storage {
        case .numeric(let values):
            let value = values[row]
            return value.isNaN ? nil : NumberText.format(value)
        case .categorical(let codes, let levels):
            let code = codes[row]
            return code < 0 ? nil : levels[Int(code)]
        }
    }

    /// The rows at `indices`, in that order (indices may repeat).
    public func rows(_ indices: [Int]) -> Column {
        switch storage {
        case .numeric(let values):
            return Column(name: name, numeric: indices.map { values[$0] })
        case .categorical(let codes, let levels):
            return Column(name: name, codes: indices.map { codes[$0] }, levels: levels)
        }
    }

    /// This column with every level re-coded against `levels` (labels not in `levels` become missing).
    ///
    /// Used to read new data in the coding a model was trained with.
    public func recoded(to levels: [String]) -> Column {
        guard case .categorical(let codes, let ownLevels) = storage else { return self }
        var index: [String: Int32] = [:]
        for (code, level) in levels.enumerated() { index[level] = Int32(code) }
        let mapping = ownLevels.map { index[$0] ?? -1 }
        return Column(name: name, codes: codes.map { $0 < 0 ? -1 : mapping[Int($0)] }, levels: levels)
    }
}

/// Formats numbers the way they read best in CSV and JSON: integers without a fraction, others in the shortest
/// form that reads back to the same `Double`.
public enum NumberText {
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A decimal number as data files write it (`12`, `-3.5`, `1e-3`); nil for anything else, including
    /// hexadecimal, `inf` and `nan` spellings.
    public static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Double? { parseNumber(text) }
}

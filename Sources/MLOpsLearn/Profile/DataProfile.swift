import Foundation
import MLOpsErrors

/// What a profiled column is to the model.
public enum ColumnRole: String, Codable, Sendable, Equatable {
    case feature
    case target
    /// The model's predictions (on the hold-out, for a training profile).
    case prediction
}

/// The mean, spread and range of a numeric column, mergeable (Chan et al.'s parallel update).
public struct NumericSummary: Codable, Sendable, Equatable {
    public var minimum: Double
    public var maximum: Double
    public var mean: Double
    /// The sum of squared deviations from the mean.
    public var squaredDeviations: Double
    public var sketch: QuantileSketch

    /// The population standard deviation of `count` values (NumPy's `std`, `ddof=0`).
    public func standardDeviation(count: Int) -> Double {
        count > 0 ? (squaredDeviations / Double(count)).squareRoot() : .nan
    }
}

/// The distribution of one column: counts, and a sketch (numeric) or the category counts (categorical).
public struct ColumnProfile: Codable, Sendable, Equatable {
    public var name: String
    public var role: ColumnRole
    public var kind: ColumnKind
    /// Rows with a value.
    public var count: Int
    /// Rows without one (empty, `NA`, NaN, infinite).
    public var missing: Int
    /// Numeric columns.
    public var numeric: NumericSummary?
    /// Categorical columns: each category's count (at most ``categoryLimit`` categories; the rest in `otherCount`).
    public var categories: [String: Int]?
    /// Categorical columns: values of categories beyond the ``categoryLimit`` most frequent.
    public var otherCount: Int?

    /// The most categories a profile keeps by name.
    public static let categoryLimit = 10_000
}

/// A summary of a data set that drift can be measured against without the data: per column, counts, missing
/// values and a quantile sketch or category counts (docs/formats.md, "Reference profiles").
///
/// Invariants (checked by ``decode(_:source:)``): a name is unique within a role; a numeric column has a sketch
/// whose weights add up to its count, a categorical one category counts that (with `otherCount`) do;
/// `count + missing` is `rows` for every feature and target column (the prediction column of a training profile
/// describes the hold-out rows instead).
public struct DataProfile: Codable, Sendable, Equatable {
    public static let formatName = "mlops-profile"
    public static let currentFormatVersion = 1
    /// The most rows a profile may describe: 2⁴⁸, far beyond any data set, far below where counts overflow.
    public static let maximumRows = 1 << 48

    public var format: String
    public var formatVersion: Int
    public var rows: Int
    public var columns: [ColumnProfile]

    public init(rows: Int, columns: [ColumnProfile]) {
        format = Self.formatName
        formatVersion = Self.currentFormatVersion
        self.rows = rows
        self.columns = columns
    }

    /// The profile of `table`'s columns that `roles` names, in the table's order (every column as a feature when
    /// `roles` is nil). Columns are summarized in parallel.
    public init(table: Table, roles: [String: ColumnRole]? = nil) {
        let chosen = table.columns.filter { roles == nil || roles?[$0.name] != nil }
        let profiles = chosen.map { column in
            ColumnProfile(column: column, role: roles?[column.name] ?? .feature)
        }
        self.init(rows: table.rowCount, columns: profiles)
    }

    /// The column named `name` with `role`.
    public func column(named name: String, role: ColumnRole = .feature) -> ColumnProfile? {
        columns.first { $0.name == name && $0.role == role }
    }

    /// The reference profile of a model: its features and target over the training rows, and (column
    /// `prediction`, role `prediction`) its predictions on the hold-out rows: numbers, or class labels.
    public static func reference(
        trainingRows: Table, signature: Signature, holdoutPredictions: Predictions?
    ) -> DataProfile {
        training(rows: trainingRows, signature: signature).adding(holdoutPredictions: holdoutPredictions)
    }

    /// The part of a reference profile that needs no model, only its signature: the training rows' features
    /// and target (so it can be computed while the model trains).
    public static func training(rows trainingRows: Table, signature: Signature) -> DataProfile {
        var roles = Dictionary(uniqueKeysWithValues: signature.features.map { ($0.name, ColumnRole.feature) })
        roles[signature.target] = .target
        // Calendar features are profiled as the numbers the model reads (the rows trained on had them computed).
        let rows = (try? signature.calendarExpanded(trainingRows)) ?? trainingRows
        return DataProfile(table: rows, roles: roles)
    }

    /// This profile with the model's predictions on the hold-out rows as the column `prediction` (role
    /// `prediction`), when there are any.
    public func adding(holdoutPredictions: Predictions?) -> DataProfile {
        guard let predictions = holdoutPredictions else { return self }
        var profile = self
        profile.columns.append(ColumnProfile(column: predictions.column(named: "prediction"), role: .prediction))
        return profile
    }

    /// The profile of both data sets together. Columns are matched by name, role and kind; a column only one side
    /// has is refused, since its counts would no longer describe all rows.
    public func merged(with other: DataProfile) throws(MLOpsError) -> DataProfile {
        guard columns.map({ [$0.name, $0.role.rawValue] }) == other.columns.map({ [$0.name, $0.role.rawValue] }) else {
            throw MLOpsError(.invalidInput, "the profiles have different columns; only profiles of one schema merge")
        }
        var merged: [ColumnProfile] = []
        for (left, right) in zip(columns, other.columns) {
            guard left.role == right.role, left.kind == right.kind else {
                throw MLOpsError(
                    .invalidInput,
                    "column '\(left.name)' is \(left.kind.rawValue) in one profile and "
                        + "\(right.kind.rawValue) in the other")
            }
            merged.append(left.merged(with: right))
        }
        return DataProfile(rows: rows + other.rows, columns: merged)
    }

    /// The profile as JSON: sorted snake_case keys, so the same data gives the same bytes (`JSONEncoder`'s).
    public func encoded() throws(MLOpsError) -> Data {
        // The sketches' arrays are nearly all of the bytes and of JSONEncoder's time: it writes the profile with
        // them empty, and they are put in, in column order, where `"values":[],"weights":[]` stands. (Those
        // bytes cannot occur inside a JSON string, where quotes are escaped.)
        var stripped = self
        var sketches: [QuantileSketch] = []
        for index in stripped.columns.indices {
            guard let sketch = stripped.columns[index].numeric?.sketch else { continue }
            sketches.append(sketch)
            stripped.columns[index].numeric?.sketch = QuantileSketch(values: [], weights: [], exact: sketch.exact)
        }
        let marker = Array(#""values":[],"weights":[]"#.utf8)
        let base = Array(try Self.encodedByJSONEncoder(stripped))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(base.count + sketches.count * 64)
        var position = 0
        var next = sketches.makeIterator()
        while let found = base[position...].firstRange(of: marker) {
            guard let sketch = next.next() else { return try Self.encodedByJSONEncoder(self) }
            bytes += base[position..<found.lowerBound]
            bytes += Array(#""values":"#.utf8)
            EncoderText.numbers(sketch.values, into: &bytes)
            bytes += Array(#","weights":"#.utf8)
            EncoderText.numbers(sketch.weights, into: &bytes)
            position = found.upperBound
        }
        guard next.next() == nil else { return try Self.encodedByJSONEncoder(self) }
        bytes += base[position...]
        return Data(bytes)
    }

    private static func encodedByJSONEncoder(_ profile: DataProfile) throws(MLOpsError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        do {
            return try encoder.encode(profile)
        } catch {
            throw MLOpsError(.failure, "could not encode the profile", cause: error)
        }
    }

    /// Decodes and validates a profile; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws(MLOpsError) -> DataProfile {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let profile: DataProfile
        do {
            profile = try decoder.decode(DataProfile.self, from: data)
        } catch {
            throw MLOpsError(
                .invalidInput, "\(source) is not a data profile: \(ErrorDescription.describe(error))",
                hint: "profiles are written by `mlops train` (docs/formats.md, Reference profiles)")
        }
        if let problem = profile.problem() {
            throw MLOpsError(.invalidInput, "\(source) is not a valid data profile: \(problem)")
        }
        return profile
    }

    /// What is wrong with the profile, or nil.
    func problem() -> String? {
        guard format == Self.formatName, (1...Self.currentFormatVersion).contains(formatVersion) else {
            return "it is format \(format) \(formatVersion); this mlops reads \(Self.formatName) 1"
        }
        // Bounded so that sums of counts, here and when profiles merge, cannot overflow.
        guard rows >= 0, rows <= Self.maximumRows else { return "it counts \(rows) rows" }
        var names = Set<[String]>()
        for column in columns {
            guard names.insert([column.role.rawValue, column.name]).inserted else {
                return "column '\(column.name)' is listed twice"
            }
            let rows =
                column.role == .prediction ? column.count.addingReportingOverflow(column.missing).partialValue : rows
            if let problem = column.problem(rows: rows) { return "column '\(column.name)': \(problem)" }
        }
        return nil
    }
}

extension ColumnProfile {
    init(column: Column, role: ColumnRole) {
        name = column.name
        self.role = role
        kind = column.kind
        switch column.storage {
        case .numeric(let values):
            let finite = values.filter(\.isFinite)
            count = finite.count
            missing = values.count - finite.count
            numeric = finite.isEmpty ? nil : NumericSummary(finite)
        case .categorical(let codes, let levels):
            var counts = [Int](repeating: 0, count: levels.count)
            var missing = 0
            for code in codes {
                if code < 0 { missing += 1 } else { counts[Int(code)] += 1 }
            }
            self.missing = missing
            count = codes.count - missing
            (categories, otherCount) = Self.limited(zip(levels, counts).filter { $0.1 > 0 })
        }
    }

    /// Keeps the ``categoryLimit`` most frequent categories (ties by name) and adds the rest up.
    static func limited(_ counts: some Sequence<(String, Int)>) -> (categories: [String: Int], other: Int?) {
        let all = Array(counts)
        guard all.count > categoryLimit else { return (Dictionary(all, uniquingKeysWith: +), nil) }
        let ranked = all.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return (
            Dictionary(ranked.prefix(categoryLimit).map { $0 }, uniquingKeysWith: +),
            ranked.dropFirst(categoryLimit).reduce(0) { $0 + $1.1 }
        )
    }

    func merged(with other: ColumnProfile) -> ColumnProfile {
        var merged = self
        merged.count += other.count
        merged.missing += other.missing
        switch (numeric, other.numeric) {
        case (let left?, let right?): merged.numeric = left.merged(with: right, counts: (count, other.count))
        case (nil, let right): merged.numeric = right
        case (_, nil): break
        }
        if kind == .categorical {
            let union = (categories ?? [:]).merging(other.categories ?? [:], uniquingKeysWith: +)
            let limited = Self.limited(union.map { ($0.key, $0.value) })
            merged.categories = limited.categories
            let other = (otherCount ?? 0) + (other.otherCount ?? 0) + (limited.other ?? 0)
            merged.otherCount = other > 0 ? other : nil
        }
        return merged
    }

    func problem(rows: Int) -> String? {
        guard (0...DataProfile.maximumRows).contains(count), (0...DataProfile.maximumRows).contains(missing),
            (0...DataProfile.maximumRows).contains(rows), count + missing == rows
        else {
            return "it counts \(count) values and \(missing) missing in \(rows) rows"
        }
        switch kind {
        case .numeric:
            guard categories == nil, otherCount == nil else { return "a numeric column lists categories" }
            guard let numeric else { return count == 0 ? nil : "it has values but no sketch" }
            if let problem = numeric.sketch.problem() { return problem }
            guard numeric.sketch.total == Double(count) else { return "its sketch does not add up to its count" }
            guard numeric.minimum <= numeric.maximum, numeric.mean.isFinite, numeric.squaredDeviations >= 0 else {
                return "its summary is inconsistent"
            }
        case .categorical:
            guard numeric == nil, let categories else { return "a categorical column has no category counts" }
            guard categories.count <= Self.categoryLimit,
                categories.values.allSatisfy({ (1...DataProfile.maximumRows).contains($0) }),
                (0...DataProfile.maximumRows).contains(otherCount ?? 0)
            else { return "its category counts are invalid" }
            guard categories.values.reduce(0, +) + (otherCount ?? 0) == count else {
                return "its category counts do not add up to its count"
            }
        }
        return nil
    }
}

extension NumericSummary {
    /// The summary of finite values. Means are convex combinations, so they stay finite for values near
    /// ±1.8e308; squared deviations that would overflow are held at the largest finite value (JSON has no
    /// infinity, and a profile must always be writable).
    init(_ values: [Double]) {
        var mean = 0.0
        var squares = 0.0
        for (index, value) in values.enumerated() {
            let share = 1 / Double(index + 1)
            let previous = mean
            mean = mean * (1 - share) + value * share
            squares = Self.finite(squares + (value / 2 - previous / 2) * (value / 2 - mean / 2) * 4)
        }
        let sorted = FiniteSort.ascending(values)
        self.init(
            minimum: sorted.first ?? .nan, maximum: sorted.last ?? .nan, mean: mean, squaredDeviations: squares,
            sketch: QuantileSketch(ascending: sorted))
    }

    func merged(with other: NumericSummary, counts: (Int, Int)) -> NumericSummary {
        let (left, right) = (Double(counts.0), Double(counts.1))
        let total = left + right
        let share = total > 0 ? right / total : 0
        let delta = other.mean / 2 - mean / 2
        return NumericSummary(
            minimum: min(minimum, other.minimum), maximum: max(maximum, other.maximum),
            mean: mean * (1 - share) + other.mean * share,
            squaredDeviations: Self.finite(
                squaredDeviations + other.squaredDeviations + 4 * delta * delta * left * share),
            sketch: sketch.merged(with: other.sketch))
    }

    private static func finite(_ value: Double) -> Double {
        value.isNaN ? 0 : min(value, .greatestFiniteMagnitude)
    }
}

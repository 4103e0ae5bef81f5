import MLOpsErrors

/// A column-oriented table of named columns of equal length: what learners train on and predict from.
public struct Table: Sendable, Equatable {
    /// The columns, in file order.
    public private(set) var columns: [Column]
    /// The number of rows.
    public var rowCount: Int { columns.first?.count ?? 0 }

    /// A table of `columns`, which must have distinct names and equal lengths.
    public init(columns: [Column]) throws(MLOpsError) {
        let count = columns.first?.count ?? 0
        var seen = Set<String>()
        for column in columns {
            guard seen.insert(column.name).inserted else {
                throw MLOpsError(.invalidInput, "column '\(column.name)' appears twice")
            }
            guard column.count == count else {
                throw MLOpsError(
                    .invalidInput,
                    "column '\(column.name)' has \(column.count) rows, the others \(count)")
            }
        }
        self.columns = columns
    }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The column called `name`, or a `notFound` error listing the columns there are.
    public func column(named name: String) throws(MLOpsError) -> Column {
        guard let column = columns.first(where: { $0.name == name }) else {
            throw MLOpsError(
                .notFound, "no column '\(name)'",
                hint: "the columns are: \(columnNames.joined(separator: ", "))")
        }
        return column
    }

    /// A table of just the columns `names`, in that order.
    public func selecting(_ names: [String]) throws(MLOpsError) -> Table {
        var selected: [Column] = []
        for name in names { selected.append(try column(named: name)) }
        return try Table(columns: selected)
    }

    /// The table without the columns `names` (names not present are ignored).
    public func dropping(_ names: Set<String>) -> Table {
        // Columns of a valid table stay valid when some are removed.
        (try? Table(columns: columns.filter { !names.contains($0.name) })) ?? self
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> Table {
        let subset = columns.map { $0.rows(indices) }
        return (try? Table(columns: subset)) ?? self
    }

    /// Adds or replaces a column of the same length.
    public mutating func setColumn(_ column: Column) throws(MLOpsError) {
        guard columns.isEmpty || column.count == rowCount else {
            throw MLOpsError(
                .invalidInput, "column '\(column.name)' has \(column.count) rows, the table \(rowCount)")
        }
        if let index = columns.firstIndex(where: { $0.name == column.name }) {
            columns[index] = column
        } else {
            columns.append(column)
        }
    }
}

/// The line of a data file each row starts on, for messages that point into the file.
///
/// Most files have one record per line after a header, so the map keeps only the rows where the distance between
/// row and line changes (after an empty line or a quoted field that spans lines): a handful of entries, not one
/// per row.
public struct RecordLines: Sendable, Equatable {
    /// `(row, offset)` pairs in row order: from `row` on, row r starts on line `r + offset`.
    private var breaks: [(row: Int, offset: Int)]

    /// Rows that start on consecutive lines after `headerLines` lines (row 0 on line `headerLines + 1`).
    public init(headerLines: Int) {
        breaks = [(0, headerLines + 1)]
    }

    /// Records that row `row` (0-based) starts on line `line` (1-based); rows must come in order.
    mutating func record(row: Int, line: Int) {
        let offset = line - row
        if let last = breaks.last, last.offset == offset { return }
        breaks.append((row, offset))
    }

    /// The line (1-based) row `row` (0-based) starts on.
    public func line(ofRow row: Int) -> Int {
        var low = 0
        var high = breaks.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if breaks[middle].row <= row { low = middle } else { high = middle - 1 }
        }
        return row + breaks[low].offset
    }

    public static func == (left: RecordLines, right: RecordLines) -> Bool {
        left.breaks.elementsEqual(right.breaks) { $0.row == $1.row && $0.offset == $1.offset }
    }
}

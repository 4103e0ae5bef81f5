import MLOpsErrors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads RFC 4180 CSV files into a ``Table``.
///
/// The first record is the header. Fields may be quoted (`"a, b"`), quotes inside quoted fields are doubled
/// (`""`), records end in LF or CRLF, and quoted fields may span lines. A column is numeric when every present
/// value parses as a decimal number, categorical otherwise. The file is read twice in 1 MiB chunks (once to
/// infer types, once to fill typed columns), so memory holds the table and one chunk, never the text.
public struct CSVReader: Sendable {
    /// Field texts that mean "no value". Matched exactly, case-sensitively.
    public var missingTokens: Set<String> = ["", "NA", "N/A", "NaN", "nan", "null", "NULL"]
    /// Columns to read as categorical even when every value is a number (codes such as `origin` = 1, 2, 3).
    public var categoricalColumns: Set<String> = []
    /// The field separator.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Files of at least this many bytes without quotes are read on every core (``ParallelCSVReader``); smaller
    /// ones, and any with quotes, by one sequential tokenizer. Both give the same table.
    public var parallelMinimumBytes = 1 << 20
    /// The bytes each piece of a parallel read holds: large enough that cutting costs nothing, small enough that a
    /// few pieces per core balance and the buffers stay small.
    public var parallelPieceBytes = 8 << 20

    public init(categoricalColumns: Set<String> = []) {
        self.categoricalColumns = categoricalColumns
    }

    /// Reads the CSV file at `path`.
    ///
    /// - Throws: `notFound` for a missing file; `invalidInput` naming the line and column of a malformed record
    ///   (a stray quote, an unterminated quoted field, a wrong number of fields), or for an empty file.
    public func read(path: String) throws(MLOpsError) -> Table {
        try readLocated(path: path).table
    }

    /// Reads the CSV file at `path`, with the line each row starts on (for messages that point into the file).
    public func readLocated(path: String) throws(MLOpsError) -> (table: Table, lines: RecordLines) {
        var info = stat()
        if stat(path, &info) == 0 {
            // Read twice (types, then values): a pipe would be empty the second time, and the table with it.
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw MLOpsError(
                    .invalidInput, "'\(path)' is not a regular file; mlops reads a table from a file",
                    hint: "write the data to a file first")
            }
            if Int(info.st_size) >= parallelMinimumBytes,
                let read = try ParallelCSVReader(reader: self, path: path).read()
            {
                return read
            }
        }
        var header: [String] = []
        var numeric: [Bool] = []
        var rowCount = 0
        let isMissing = missingTest()
        try tokenize(path: path) { (_: Int, column: Int, field: UnsafeBufferPointer<UInt8>) in
            if column == 0 { rowCount += 1 }
            if numeric[column], !isMissing(field), parseNumber(field) == nil { numeric[column] = false }
        } header: { names throws(MLOpsError) in
            try validate(header: names, path: path)
            header = names
            numeric = names.map { !categoricalColumns.contains($0) }
        }
        guard !header.isEmpty else {
            throw MLOpsError(.invalidInput, "'\(path)' is empty", hint: "a CSV file needs a header row")
        }

        var numbers = numeric.map { $0 ? [Double]() : [] }
        var encoders = numeric.map { $0 ? nil : LevelEncoder() }
        for index in numbers.indices where numeric[index] { numbers[index].reserveCapacity(rowCount) }
        var lines = RecordLines(headerLines: 1)
        var row = 0
        try tokenize(path: path) { (line: Int, column: Int, field: UnsafeBufferPointer<UInt8>) in
            if column == 0 {
                lines.record(row: row, line: line)
                row += 1
            }
            let present = !isMissing(field)
            if numeric[column] {
                numbers[column].append(present ? (parseNumber(field) ?? .nan) : .nan)
            } else {
                encoders[column]?.append(present ? field : nil)
            }
        } header: { _ throws(MLOpsError) in
        }

        var columns: [Column] = []
        for (index, name) in header.enumerated() {
            if let encoder = encoders[index] {
                columns.append(Column(name: name, codes: encoder.codes, levels: encoder.levels))
            } else {
                columns.append(Column(name: name, numeric: numbers[index]))
            }
        }
        return (try Table(columns: columns), lines)
    }

    func validate(header names: [String], path: String) throws(MLOpsError) {
        var seen = Set<String>()
        for (index, name) in names.enumerated() {
            if name.isEmpty {
                throw MLOpsError(
                    .invalidInput, "'\(path)' line 1: column \(index + 1) of the header has no name",
                    hint: "every column needs a name in the header row")
            }
            if !seen.insert(name).inserted {
                throw MLOpsError(.invalidInput, "'\(path)' line 1: the header names '\(name)' twice")
            }
        }
    }

    /// Whether a field starting with `byte` may be a number: a digit, a sign or a decimal point.
    static func startsNumber(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2B || byte == 0x2E
    }

    /// Whether a field is missing: ``isMissing(_:)``, but hashing every short field to look it up among the
    /// missing tokens took a tenth of a large read, so a field that starts like a number is looked up only when
    /// some token does too.
    func missingTest() -> (UnsafeBufferPointer<UInt8>) -> Bool {
        let numberLikeTokens = missingTokens.contains { $0.utf8.first.map(Self.startsNumber) ?? false }
        return { field in
            if let first = field.first, !numberLikeTokens, Self.startsNumber(first) { return false }
            return isMissing(field)
        }
    }

    func isMissing(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        if field.isEmpty { return true }
        guard field.count <= 4 else { return false }
        return missingTokens.contains(String(decoding: field, as: UTF8.self))
    }

    /// The longest field read, and the most columns: far beyond real tables, so a file that is not one (a
    /// binary, `/dev/zero`) fails instead of taking all memory.
    static let maximumFieldBytes = 64 << 20
    static let maximumColumns = 100_000

    /// Calls `header` once with the header's names, then `onField` for each field of each non-empty record, with
    /// the line the record starts on.
    func tokenize(
        path: String,
        onField: (_ line: Int, _ column: Int, _ field: UnsafeBufferPointer<UInt8>) throws(MLOpsError) -> Void,
        header: ([String]) throws(MLOpsError) -> Void
    ) throws(MLOpsError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MLOpsError.system("open", path: path, errno: errno) }
        defer { close(descriptor) }

        enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        var field: [UInt8] = []
        field.reserveCapacity(256)
        var names: [String] = []
        var record = 0
        var column = 0
        var columnCount = 0
        var line = 1
        var recordLine = 1
        var previousWasCR = false
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var atStart = true

        func malformed(_ problem: String) -> MLOpsError {
            MLOpsError(
                .invalidInput, "'\(path)' line \(line), column \(column + 1): \(problem)",
                hint: "fields that contain commas, quotes or line breaks must be quoted, with quotes doubled")
        }
        func endField() throws(MLOpsError) {
            if record == 0 {
                guard names.count < Self.maximumColumns else {
                    throw malformed(
                        "the header has more than \(Self.maximumColumns) columns; this is not a table mlops can read")
                }
                names.append(String(decoding: field, as: UTF8.self))
            } else {
                guard column < columnCount else {
                    throw MLOpsError(
                        .invalidInput,
                        "'\(path)' line \(recordLine): the row has more than the header's \(columnCount) fields",
                        hint: "quote fields that contain the delimiter")
                }
                try field.withUnsafeBufferPointer { (buffer) throws(MLOpsError) in
                    try onField(recordLine, column, buffer)
                }
            }
            field.removeAll(keepingCapacity: true)
            column += 1
        }
        func endRecord() throws(MLOpsError) {
            try endField()
            if record == 0 {
                columnCount = names.count
                try header(names)
            } else if column != columnCount {
                throw MLOpsError(
                    .invalidInput,
                    "'\(path)' line \(recordLine): the row has \(column) fields, the header \(columnCount)",
                    hint: "every row needs one field per header column; leave a field empty for a missing value")
            }
            record += 1
            column = 0
            state = .fieldStart
        }

        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw MLOpsError.system("read", path: path, errno: errno)
            }
            if count == 0 { break }
            // A UTF-8 byte order mark (as spreadsheet programs write) is not part of the first name.
            var first = 0
            if atStart, count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { first = 3 }
            atStart = false
            for index in first..<count {
                let byte = chunk[index]
                let isNewline = byte == 0x0A || byte == 0x0D
                if byte == 0x0A, previousWasCR {
                    previousWasCR = false
                    continue  // the LF of a CRLF pair
                }
                previousWasCR = byte == 0x0D
                switch state {
                case .fieldStart, .unquoted:
                    if byte == delimiter {
                        try endField()
                        state = .fieldStart
                    } else if isNewline {
                        line += 1
                        if state == .fieldStart, column == 0 {
                            recordLine = line  // an empty line: skip it
                        } else {
                            try endRecord()
                            recordLine = line
                        }
                    } else if byte == 0x22 {
                        guard state == .fieldStart else { throw malformed("a quote inside an unquoted field") }
                        state = .quoted
                    } else {
                        field.append(byte)
                        state = .unquoted
                    }
                case .quoted:
                    if byte == 0x22 {
                        state = .quoteInQuoted
                    } else {
                        if byte == 0x0A || (byte == 0x0D) { line += 1 }
                        if byte == 0x0D { field.append(0x0A) } else { field.append(byte) }
                    }
                case .quoteInQuoted:
                    if byte == 0x22 {
                        field.append(0x22)
                        state = .quoted
                    } else if byte == delimiter {
                        try endField()
                        state = .fieldStart
                    } else if isNewline {
                        line += 1
                        try endRecord()
                        recordLine = line
                    } else {
                        throw malformed("text after the closing quote of a quoted field")
                    }
                }
            }
            // Checked once per chunk: a file with no line breaks (`/dev/zero`) must not grow one field forever.
            guard field.count <= Self.maximumFieldBytes else {
                throw malformed(
                    "a field is longer than \(Self.maximumFieldBytes >> 20) MiB; this is not a table mlops can read")
            }
        }
        switch state {
        case .quoted:
            throw MLOpsError(
                .invalidInput, "'\(path)' line \(recordLine): a quoted field is never closed",
                hint: "add the closing quote")
        case .fieldStart where column == 0:
            break
        default:
            try endRecord()
        }
    }
}

/// Parses a decimal number (`12`, `-3.5`, `1e-3`); rejects hexadecimal, `inf` and `nan` spellings, which
/// `strtod` would accept but no data file means as numbers.
func parseNumber(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
    guard let first = field.first, field.count < 64 else { return nil }
    if let exact = parseShortDecimal(field) { return exact }
    let startsWell = (first >= 0x30 && first <= 0x39) || first == 0x2D || first == 0x2B || first == 0x2E
    guard startsWell else { return nil }
    for byte in field
    where byte == 0x78 || byte == 0x58 || byte == 0x69 || byte == 0x49 || byte == 0x6E
        || byte == 0x4E
    {
        return nil  // x X i I n N: hex, inf, nan
    }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: field.count + 1) { buffer in
        for (index, byte) in field.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        buffer[field.count] = 0
        guard let base = buffer.baseAddress else { return nil }
        var end: UnsafeMutablePointer<CChar>?
        let value = strtod(base, &end)
        guard let end, end == base + field.count, value.isFinite else { return nil }
        return value
    }
}

/// A plain decimal (`-12.375`: an optional sign, digits, at most one point, no exponent) of at most 15
/// significant digits, exactly: the digits as an integer are exact in a double, and so is the power of ten
/// dividing them (10^0…10^22), so the one division rounds correctly and the result equals `strtod`'s (Clinger's
/// fast path). Nil for anything else, which `strtod` then reads. Most numbers in data files take this path, at a
/// fraction of `strtod`'s cost.
func parseShortDecimal(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
    var index = 0
    var negative = false
    if let first = field.first, first == 0x2D || first == 0x2B {
        negative = first == 0x2D
        index = 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var fractionDigits = 0
    var seenPoint = false
    var seenDigit = false
    guard index < field.count else { return nil }
    while index < field.count {
        let byte = field[index]
        if byte == 0x2E {
            guard !seenPoint else { return nil }
            seenPoint = true
        } else if byte >= 0x30 && byte <= 0x39 {
            seenDigit = true
            // Leading zeros are not significant digits.
            if mantissa != 0 || byte != 0x30 { digits += 1 }
            guard digits <= 15 else { return nil }
            mantissa = mantissa * 10 + UInt64(byte - 0x30)
            if seenPoint { fractionDigits += 1 }
        } else {
            return nil
        }
        index += 1
    }
    guard seenDigit, fractionDigits <= 22 else { return nil }
    let value = Double(mantissa) / shortDecimalPowers[fractionDigits]
    return negative ? -value : value
}

/// 10^0 … 10^22, each exact in a double.
private let shortDecimalPowers: [Double] = (0...22).map { power in
    (0..<power).reduce(1.0) { value, _ in value * 10 }
}

/// Dictionary-encodes labels in order of first appearance.
struct LevelEncoder {
    private(set) var codes: [Int32] = []
    private(set) var levels: [String] = []
    private var index: [String: Int32] = [:]

    mutating func append(_ field: UnsafeBufferPointer<UInt8>?) {
        guard let field else {
            codes.append(-1)
            return
        }
        let label = String(decoding: field, as: UTF8.self)
        if let code = index[label] {
            codes.append(code)
        } else {
            let code = Int32(levels.count)
            index[label] = code
            levels.append(label)
            codes.append(code)
        }
    }
}

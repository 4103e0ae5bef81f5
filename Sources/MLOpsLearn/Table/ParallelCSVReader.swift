import MLOpsErrors
import MLOpsParallel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads large CSV files without quotes on every core: the file is cut into pieces at line breaks, each piece is
/// scanned once to infer column types (and check field counts) and once to fill the columns, and the pieces are
/// joined in order. Fields are slices of the piece's bytes, never copied.
///
/// Without quotes every record is one line, which is what makes the cuts safe. A file with a quote, or a carriage
/// return that does not end a line, is left to ``CSVReader``'s sequential tokenizer (``read(path:)`` returns nil
/// for it), so both readers give the same table for every file.
struct ParallelCSVReader {
    let reader: CSVReader
    let path: String

    /// A piece of the file: bytes `start..<end`, whole lines.
    private struct Piece: Sendable {
        var start: Int
        var end: Int
    }

    /// What the first scan of a piece found.
    private struct Scan: Sendable {
        var rows = 0
        /// Line breaks in the piece (its lines, but for a last line without one).
        var lineBreaks = 0
        var numeric: [Bool]
        /// `(row, line)` within the piece wherever a blank line shifts rows against lines.
        var shifts: [Shift] = []
        /// The first malformed record: its line within the piece, and the problem.
        var error: (line: Int, problem: String, tooMany: Bool)?
        /// A byte the parallel reader leaves to the sequential one (a quote, a lone carriage return).
        var unsupported = false
    }

    private struct Shift: Sendable {
        var row: Int
        var line: Int
    }

    /// The columns of one piece.
    private struct Filled: Sendable {
        var rows: Int
        var numbers: [[Double]]
        var codes: [[Int32]]
        var levels: [[String]]
    }

    /// Reads the file, or returns nil when it holds what only the sequential tokenizer handles.
    func read() throws(MLOpsError) -> (table: Table, lines: RecordLines)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MLOpsError.system("open", path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(info.st_size)
        guard let (names, bodyStart) = try header(descriptor, size: size) else { return nil }
        try reader.validate(header: names, path: path)
        guard let pieces = try cut(descriptor, from: bodyStart, size: size) else { return nil }
        let file = Descriptor(value: descriptor)
        let width = names.count
        let initial = names.map { !reader.categoricalColumns.contains($0) }

        let scans: [Scan]
        do {
            scans = try ParallelWork.map(pieces.count) { index in
                try withBytes(of: pieces[index], in: file) { bytes in
                    scan(bytes, width: width, numeric: initial)
                }
            }
        } catch {
            throw error as? MLOpsError ?? MLOpsError(.failure, "cannot read '\(path)'", cause: error)
        }
        guard !scans.contains(where: \.unsupported) else { return nil }
        // Rows and lines before each piece; the header is line 1 (its line break counted here).
        var firstRows: [Int] = []
        var firstLines: [Int] = []
        var rows = 0
        var line = 2
        for scan in scans {
            firstRows.append(rows)
            firstLines.append(line)
            if let error = scan.error {
                throw MLOpsError(
                    .invalidInput, "'\(path)' line \(line + error.line): \(error.problem)",
                    hint: error.tooMany
                        ? "quote fields that contain the delimiter"
                        : "every row needs one field per header column; leave a field empty for a missing value")
            }
            rows += scan.rows
            line += scan.lineBreaks
        }
        var numeric = initial
        for scan in scans {
            for column in 0..<width where !scan.numeric[column] { numeric[column] = false }
        }

        var filledPieces: [Filled?]
        do {
            let types = numeric
            filledPieces = try ParallelWork.map(pieces.count) { index in
                try withBytes(of: pieces[index], in: file) { bytes in
                    fill(bytes, width: width, numeric: types, rows: scans[index].rows)
                }
            }
        } catch {
            throw error as? MLOpsError ?? MLOpsError(.failure, "cannot read '\(path)'", cause: error)
        }

        guard zip(filledPieces, scans).allSatisfy({ $0?.rows == $1.rows }) else {
            throw MLOpsError(
                .failure, "'\(path)' changed while it was read", hint: "read it again once it is written")
        }
        var pieceColumns = filledPieces.compactMap { $0 }
        filledPieces = []
        var lines = RecordLines(headerLines: 1)
        for (index, scan) in scans.enumerated() {
            lines.record(row: firstRows[index], line: firstLines[index])
            for shift in scan.shifts {
                lines.record(row: firstRows[index] + shift.row, line: firstLines[index] + shift.line)
            }
        }
        // Joined a column at a time, each piece's part released as it is copied, so the table is held about once.
        var columns: [Column] = []
        for (column, name) in names.enumerated() {
            if numeric[column] {
                var values: [Double] = []
                values.reserveCapacity(rows)
                for piece in pieceColumns.indices {
                    values.append(contentsOf: pieceColumns[piece].numbers[column])
                    pieceColumns[piece].numbers[column] = []
                }
                columns.append(Column(name: name, numeric: values))
            } else {
                var codes: [Int32] = []
                codes.reserveCapacity(rows)
                var levels: [String] = []
                var index: [String: Int32] = [:]
                for piece in pieceColumns.indices {
                    // Each piece coded its labels in its own order of appearance; recoded into the whole file's.
                    let mapping = pieceColumns[piece].levels[column].map { level -> Int32 in
                        if let code = index[level] { return code }
                        let code = Int32(levels.count)
                        index[level] = code
                        levels.append(level)
                        return code
                    }
                    let pieceCodes = pieceColumns[piece].codes[column]
                    codes.append(contentsOf: pieceCodes.lazy.map { $0 < 0 ? -1 : mapping[Int($0)] })
                    pieceColumns[piece].codes[column] = []
                }
                columns.append(Column(name: name, codes: codes, levels: levels))
            }
        }
        return (try Table(columns: columns), lines)
    }

    // MARK: Cutting

    /// The header's names and where the body starts; nil when the header holds a quote or a lone carriage return,
    /// or no line break within the longest field.
    private func header(_ descriptor: Int32, size: Int) throws(MLOpsError) -> (names: [String], bodyStart: Int)? {
        var buffer = [UInt8](repeating: 0, count: min(size, 1 << 20))
        let count = try readFully(descriptor, into: &buffer, at: 0)
        guard let newline = buffer[0..<count].firstIndex(of: 0x0A) else { return nil }
        let bom = count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
        var line = buffer[(bom ? 3 : 0)..<newline]
        if line.last == 0x0D { line = line.dropLast() }
        guard !line.contains(0x22), !line.contains(0x0D), !line.isEmpty else { return nil }
        let names = line.split(separator: reader.delimiter, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard names.count <= CSVReader.maximumColumns else { return nil }
        return (names, newline + 1)
    }

    /// Pieces of about ``CSVReader/parallelPieceBytes`` (fewer bytes for a smaller file, so every core gets some),
    /// each ending just after a line break or at the end of the file; nil when a cut finds no line break within a
    /// megabyte.
    private func cut(_ descriptor: Int32, from start: Int, size: Int) throws(MLOpsError) -> [Piece]? {
        var pieces: [Piece] = []
        var begin = start
        var window = [UInt8](repeating: 0, count: 1 << 20)
        // At least a few pieces per core, so a file just over the threshold is not read by one.
        let share = max(256 << 10, (size - start) / (ParallelWork.width * 4))
        let pieceBytes = max(1, min(reader.parallelPieceBytes, share))
        while size - begin > pieceBytes + pieceBytes / 2 {
            let probe = begin + pieceBytes
            let count = try readFully(descriptor, into: &window, at: probe)
            guard let newline = window[0..<count].firstIndex(of: 0x0A) else { return nil }
            pieces.append(Piece(start: begin, end: probe + newline + 1))
            begin = probe + newline + 1
        }
        if begin < size { pieces.append(Piece(start: begin, end: size)) }
        return pieces
    }

    private func readFully(_ descriptor: Int32, into buffer: inout [UInt8], at offset: Int) throws(MLOpsError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = buffer.withUnsafeMutableBytes { bytes in
                pread(descriptor, bytes.baseAddress.map { $0 + filled }, bytes.count - filled, off_t(offset + filled))
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw MLOpsError.system("read", path: path, errno: errno) }
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// The file descriptor, shared by the workers that `pread` their pieces from it.
    private struct Descriptor: Sendable {
        let value: Int32
    }

    private func withBytes<Result>(
        of piece: Piece, in file: Descriptor, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) throws(MLOpsError) -> Result {
        var buffer = [UInt8](repeating: 0, count: piece.end - piece.start)
        let count = try readFully(file.value, into: &buffer, at: piece.start)
        return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }

    // MARK: Scanning

    /// Calls `body` with each record of `bytes` (its fields' ranges) and its line within the piece (0-based);
    /// skips blank lines. Returns the line breaks seen and whether a byte needs the sequential reader.
    private func forEachRecord(
        _ bytes: UnsafeBufferPointer<UInt8>, fields: inout [Range<Int>],
        _ body: (_ line: Int, _ fields: [Range<Int>]) -> Bool
    ) -> (lineBreaks: Int, unsupported: Bool) {
        let delimiter = reader.delimiter
        var position = 0
        var line = 0
        let end = bytes.count
        while position < end {
            var stop = position
            var carriageReturns = 0
            fields.removeAll(keepingCapacity: true)
            var fieldStart = position
            while stop < end {
                let byte = bytes[stop]
                if byte == 0x0A { break }
                if byte == delimiter {
                    fields.append(fieldStart..<stop)
                    fieldStart = stop + 1
                } else if byte == 0x22 {
                    return (line, true)
                } else if byte == 0x0D {
                    carriageReturns += 1
                }
                stop += 1
            }
            var lineEnd = stop
            if carriageReturns > 0 {
                // Only the carriage return of a CRLF pair; any other is a line break to the sequential reader.
                guard carriageReturns == 1, lineEnd > position, bytes[lineEnd - 1] == 0x0D, stop < end else {
                    return (line, true)
                }
                lineEnd -= 1
            }
            if lineEnd == position, fields.isEmpty {
                // A blank line.
            } else {
                fields.append(fieldStart..<lineEnd)
                guard body(line, fields) else { return (line + (stop < end ? 1 : 0), false) }
            }
            if stop < end { line += 1 }
            position = stop + 1
        }
        return (line, false)
    }

    private func scan(_ bytes: UnsafeBufferPointer<UInt8>, width: Int, numeric initial: [Bool]) -> Scan {
        var result = Scan(numeric: initial)
        var fields: [Range<Int>] = []
        fields.reserveCapacity(width + 1)
        let missing = reader.missingTest()
        var expected = 0  // line − row while no blank line has intervened
        let outcome = forEachRecord(bytes, fields: &fields) { line, fields in
            guard fields.count == width else {
                result.error = (
                    line,
                    fields.count > width
                        ? "the row has more than the header's \(width) fields"
                        : "the row has \(fields.count) fields, the header \(width)",
                    fields.count > width
                )
                return false
            }
            if line - result.rows != expected {
                expected = line - result.rows
                result.shifts.append(Shift(row: result.rows, line: line))
            }
            result.rows += 1
            for column in 0..<width where result.numeric[column] {
                let field = UnsafeBufferPointer(rebasing: bytes[fields[column]])
                if !missing(field), parseNumber(field) == nil { result.numeric[column] = false }
            }
            return true
        }
        result.lineBreaks = outcome.lineBreaks
        result.unsupported = outcome.unsupported
        return result
    }

    /// The piece's columns; nil when its records no longer match the first scan (the file changed).
    private func fill(_ bytes: UnsafeBufferPointer<UInt8>, width: Int, numeric: [Bool], rows: Int) -> Filled? {
        var numbers = numeric.map { $0 ? [Double]() : [] }
        var encoders = numeric.map { $0 ? nil : LevelEncoder() }
        for column in 0..<width where numeric[column] { numbers[column].reserveCapacity(rows) }
        var fields: [Range<Int>] = []
        fields.reserveCapacity(width + 1)
        let missing = reader.missingTest()
        var count = 0
        var intact = true
        _ = forEachRecord(bytes, fields: &fields) { _, fields in
            guard fields.count == width, count < rows else {
                intact = false
                return false
            }
            count += 1
            for column in 0..<width {
                let field = UnsafeBufferPointer(rebasing: bytes[fields[column]])
                let present = !missing(field)
                if numeric[column] {
                    numbers[column].append(present ? (parseNumber(field) ?? .nan) : .nan)
                } else {
                    encoders[column]?.append(present ? field : nil)
                }
            }
            return true
        }
        guard intact, count == rows else { return nil }
        return Filled(
            rows: rows, numbers: numbers, codes: encoders.map { $0?.codes ?? [] },
            levels: encoders.map { $0?.levels ?? [] })
    }
}

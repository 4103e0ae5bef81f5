import Foundation
import MLOpsErrors

/// Reads JSON Lines (one JSON object per line) into a ``Table``.
///
/// Columns are the union of the objects' keys in order of first appearance; a key absent from an object, or
/// `null`, is missing. A column whose present values are all numbers is numeric; strings and booleans make it
/// categorical (numbers in such a column become their text).
public struct JSONLinesReader: Sendable {
    public init() {}

    /// Reads the JSON Lines file at `path`.
    ///
    /// - Throws: `notFound` for a missing file; `invalidInput` naming the line of a line that is not a JSON
    ///   object, or for a file with no records.
    public func read(path: String) throws(MLOpsError) -> Table {
        try readLocated(path: path).table
    }

    /// Reads the JSON Lines file at `path`, with the line each row is on.
    public func readLocated(path: String) throws(MLOpsError) -> (table: Table, lines: RecordLines) {
        // Read whole, so only a regular file: a device or pipe (`/dev/zero`) could be endless.
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw MLOpsError(
                .invalidInput, "'\(path)' is not a regular file; JSON Lines are read from files",
                hint: "write the data to a file first")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw MLOpsError(.notFound, "cannot read '\(path)'", cause: error)
        }
        var records: [[String: JSONScalar]] = []
        var names: [String] = []
        var known = Set<String>()
        var lineNumber = 0
        var lines = RecordLines(headerLines: 0)
        let decoder = JSONDecoder()
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard let object = try? decoder.decode([String: JSONScalar].self, from: Data(trimmed)) else {
                throw MLOpsError(
                    .invalidInput, "'\(path)' line \(lineNumber): not a JSON object of numbers, strings and booleans",
                    hint: "each line of a JSON Lines file must be one flat object such as {\"x\": 1, \"c\": \"a\"}")
            }
            for key in object.keys.sorted() where known.insert(key).inserted { names.append(key) }
            lines.record(row: records.count, line: lineNumber)
            records.append(object)
        }
        guard !records.isEmpty else {
            throw MLOpsError(.invalidInput, "'\(path)' has no records")
        }
        var columns: [Column] = []
        for name in names {
            let values = records.map { $0[name] ?? .null }
            let numbers = values.map(\.number)
            if zip(values, numbers).allSatisfy({ $0 == .null || $1 != nil }) {
                columns.append(Column(name: name, numeric: numbers.map { $0 ?? .nan }))
            } else {
                columns.append(Column(name: name, labels: values.map(\.label)))
            }
        }
        return (try Table(columns: columns), lines)
    }
}

/// One value of a flat JSON object.
enum JSONScalar: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var label: String? {
        switch self {
        case .null: return nil
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return NumberText.format(value)
        case .string(let value): return value
        }
    }
}
